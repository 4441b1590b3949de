"""Forward pass of HF LlamaForCausalLM over a whole sequence (positions 0..n-1), in float32, with an
optional KV cache so greedy generation need not recompute the prompt.

Each step is written the way transformers' modeling_llama.py computes it (eager attention), because the C++
engine is judged against these logits: rsqrt RMSNorm, rotate_half RoPE with int64-arange inv_freq, scaled
scores with a causal mask and an fp32 softmax, SiLU-gated MLP, pre-norm residuals, no embedding scaling.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .checkpoint import EMBED, FINAL_NORM, LAYER_LINEARS, LAYER_NORMS, layer_tensor
from .quant import ACTIVATION_MODES, effective_weight, fake_quantize_activations, near_rounding_ties

# One thread: the same reduction order on every run, whatever the machine's load.
torch.set_num_threads(1)

# Debian's torch links the generic (netlib) BLAS, ~10x slower than oneDNN's GEMM, which this build also has.
# Summation order is not part of HF's numerics (it varies with the BLAS), so the faster GEMM is used for
# every weight matrix product when available.
_USE_ONEDNN = torch.backends.mkldnn.is_available()


def prepare_weight(w):
    """A [out, in] float32 weight in the layout `linear` wants."""
    return w.to_mkldnn() if _USE_ONEDNN else w


def linear(x, w):
    """x [n, in] @ w[out, in]^T -> [n, out], w from prepare_weight."""
    if _USE_ONEDNN:
        return torch._C._nn.mkldnn_linear(x.contiguous().to_mkldnn(), w).to_dense()
    return F.linear(x, w)


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rope_inv_freq(head_dim, theta):
    exponent = torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim
    return 1.0 / (torch.tensor(theta, dtype=torch.float32) ** exponent)


def rope_cos_sin(positions, head_dim, theta):
    """cos and sin [n, head_dim] for float positions, duplicated halves as HF's cat(freqs, freqs)."""
    freqs = positions.float()[:, None] * rope_inv_freq(head_dim, theta)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin):
    """x [heads, n, head_dim]; cos/sin [n, head_dim]."""
    return x * cos + rotate_half(x) * sin


class ReferenceModel:
    """Weights as float32 torch tensors, already quantized and dequantized when a q8 scheme is asked.
    act="int8": the inputs of the products with quantized weights are fake-quantized in blocks of 32
    (quant.quantize_activations), as the engine's --act int8 computes them; f32 weights keep float32 inputs."""

    def __init__(self, checkpoint, quant="f32", act="f32"):
        if act not in ACTIVATION_MODES:
            raise ValueError(f"unknown activation mode {act!r} (valid: {', '.join(ACTIVATION_MODES)})")
        self.config = checkpoint.config
        self.quant = quant
        self.int8_inputs = act == "int8" and quant != "f32"
        self.near_tie_rows = set()  # int8 mode: input rows (positions of a cache-less call) with a near tie
        t = checkpoint.tensors

        def matrix(name):
            return torch.from_numpy(effective_weight(t[name], quant))

        def norm(name):
            return torch.from_numpy(np.asarray(t[name], dtype=np.float32))

        self.embed = matrix(EMBED)  # dense: looked up by row
        self.lm_head = prepare_weight(self.embed if self.config.tie_word_embeddings else matrix("lm_head.weight"))
        self.final_norm = norm(FINAL_NORM)
        self.layers = []
        for i in range(self.config.num_hidden_layers):
            layer = {part: prepare_weight(matrix(layer_tensor(i, part))) for part in LAYER_LINEARS}
            layer.update({part: norm(layer_tensor(i, part)) for part in LAYER_NORMS})
            self.layers.append(layer)

    def linear(self, x, w):
        if self.int8_inputs:
            values = x.contiguous().numpy()
            self.near_tie_rows.update(int(r) for r in near_rounding_ties(values))
            x = torch.from_numpy(fake_quantize_activations(values))
        return linear(x, w)

    def attention(self, layer, h, cos, sin, cache):
        """cache: this layer's [k, v] of earlier positions ([n_kv, past, head_dim] each), extended in place."""
        c = self.config
        n = h.shape[0]
        q = self.linear(h, layer["self_attn.q_proj"]).view(n, c.num_attention_heads, c.head_dim).transpose(0, 1)
        k = self.linear(h, layer["self_attn.k_proj"]).view(n, c.num_key_value_heads, c.head_dim).transpose(0, 1)
        v = self.linear(h, layer["self_attn.v_proj"]).view(n, c.num_key_value_heads, c.head_dim).transpose(0, 1)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if cache[0] is not None:
            k, v = torch.cat((cache[0], k), dim=1), torch.cat((cache[1], v), dim=1)
        cache[0], cache[1] = k, v
        # GQA: query head h reads KV head h // group, HF's repeat_kv order.
        group = c.num_attention_heads // c.num_key_value_heads
        k = k.repeat_interleave(group, dim=0)
        v = v.repeat_interleave(group, dim=0)
        scores = torch.matmul(q, k.transpose(1, 2)) * (c.head_dim ** -0.5)
        past = k.shape[1] - n
        future = torch.triu(torch.ones(n, k.shape[1], dtype=torch.bool), diagonal=past + 1)
        scores = scores.masked_fill(future, float("-inf"))
        probs = F.softmax(scores, dim=-1, dtype=torch.float32)
        out = torch.matmul(probs, v).transpose(0, 1).reshape(n, c.q_dim)
        return self.linear(out, layer["self_attn.o_proj"])

    def mlp(self, layer, h):
        gate = F.silu(self.linear(h, layer["mlp.gate_proj"]))
        return self.linear(gate * self.linear(h, layer["mlp.up_proj"]), layer["mlp.down_proj"])

    def new_cache(self):
        return [[None, None] for _ in self.layers]

    def hidden_states(self, ids, cache=None):
        """Residual stream after the embedding and after each layer: a list of [n, hidden] tensors.

        Without a cache, `ids` sit at positions 0..n-1. A cache (from new_cache) makes `ids` follow the
        positions it already holds, which is how greedy generation avoids recomputing the prompt.
        """
        c = self.config
        ids = torch.as_tensor(list(ids), dtype=torch.int64)
        if ids.numel() == 0:
            raise ValueError("no input ids")
        if int(ids.min()) < 0 or int(ids.max()) >= c.vocab_size:
            raise ValueError(f"token id out of range [0, {c.vocab_size})")
        cache = self.new_cache() if cache is None else cache
        start = 0 if cache[0][0] is None else cache[0][0].shape[1]
        cos, sin = rope_cos_sin(torch.arange(start, start + ids.numel()), c.head_dim, c.rope_theta)
        x = self.embed[ids]
        states = [x]
        for layer, layer_cache in zip(self.layers, cache):
            x = x + self.attention(layer, rms_norm(x, layer["input_layernorm"], c.rms_norm_eps), cos, sin, layer_cache)
            x = x + self.mlp(layer, rms_norm(x, layer["post_attention_layernorm"], c.rms_norm_eps))
            states.append(x)
        return states

    @torch.no_grad()
    def logits(self, ids, cache=None):
        """float32 logits [n, vocab] for every position of `ids` (after the cache's positions, if given)."""
        x = self.hidden_states(ids, cache)[-1]
        return self.linear(rms_norm(x, self.final_norm, self.config.rms_norm_eps), self.lm_head)
