"""The reference's forward pass (smol_reference.model.ReferenceModel), made trainable, on a batch.

The reference computes every weight product with oneDNN (`mkldnn_linear`) because Debian's torch links the
netlib BLAS, ~10x slower; oneDNN's op has no usable backward for dense inputs, and the attention's batched
`torch.matmul` runs on that slow BLAS. `trainable_products("f32")` swaps in autograd functions whose forward is
the same oneDNN product and whose backward is two more of them, for the duration of a `with` block.
`trainable_products("bf16")` instead runs the block under CPU autocast: every product takes BF16 inputs (AMX
tiles through oneDNN, ~10x faster again than float32 here) while the weights, the residual stream, the norms,
the softmax and the loss stay float32, the usual mixed-precision recipe.

The reference runs one sequence; training runs several at once. `batch_logits` stacks the sequences' rows for
every weight product ([batch * n, hidden]) and keeps attention per sequence; it is the reference's
`hidden_states` and `attention` with a batch axis, built from the reference's own RMSNorm, RoPE, MLP and
linear, and tests/test_trained.py checks it against `ReferenceModel.logits` sequence by sequence.
"""
import contextlib

import torch
import torch.nn.functional as F

from smol_reference import model as reference

_mkldnn_linear = torch._C._nn.mkldnn_linear


def _product(a, b):
    """a [n, k] @ b [m, k]^T -> [n, m], in oneDNN."""
    return _mkldnn_linear(a.contiguous().to_mkldnn(), b.contiguous().to_mkldnn()).to_dense()


class _Linear(torch.autograd.Function):
    """x [n, in] @ w [out, in]^T, as reference.linear computes it."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return _product(x, w)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return _product(grad, w.t()), _product(grad.t(), x.t())


class _BatchedMatmul(torch.autograd.Function):
    """a [b, n, k] @ b [b, k, m], one oneDNN product per batch entry (the attention's heads)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.stack([_product(a[i], b[i].t()) for i in range(a.shape[0])])

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = torch.stack([_product(grad[i], b[i]) for i in range(a.shape[0])])
        grad_b = torch.stack([_product(a[i].t(), grad[i].t()) for i in range(a.shape[0])])
        return grad_a, grad_b


PRECISIONS = ("f32", "bf16")


@contextlib.contextmanager
def trainable_products(precision="f32"):
    """Within the block, the reference's linear and the attention's 3-D matmuls are differentiable products:
    float32 oneDNN ones ("f32"), or BF16-input ones under CPU autocast ("bf16")."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown product precision {precision!r} (valid: {', '.join(PRECISIONS)})")
    saved = reference.linear, reference.prepare_weight, torch.matmul
    if precision == "bf16":
        # Autocast casts F.linear's and torch.matmul's inputs to BF16 (and their gradients' products too);
        # the reference's own mkldnn_linear would bypass it and has no backward.
        reference.linear, reference.prepare_weight = F.linear, (lambda w: w)
        # No cast cache: it would keep the BF16 copies of the first step's weights for the whole block.
        context = torch.autocast("cpu", dtype=torch.bfloat16, cache_enabled=False)
    elif torch.backends.mkldnn.is_available():
        plain_matmul = torch.matmul

        def matmul(a, b):
            return _BatchedMatmul.apply(a, b) if a.dim() == 3 and b.dim() == 3 else plain_matmul(a, b)

        reference.linear, reference.prepare_weight, torch.matmul = _Linear.apply, (lambda w: w), matmul
        context = contextlib.nullcontext()
    else:
        context = contextlib.nullcontext()  # the reference then uses F.linear and torch.matmul (only slower)
    try:
        with context:
            yield
    finally:
        reference.linear, reference.prepare_weight, torch.matmul = saved


def bind(parameters, config):
    """A ReferenceModel whose weights are `parameters` ({HF tensor name: tensor}), without copying them.

    Call inside trainable_products() so that the reference's prepare_weight leaves them as they are.
    """
    from smol_reference.checkpoint import EMBED, FINAL_NORM, LAYER_LINEARS, LAYER_NORMS, layer_tensor

    model = reference.ReferenceModel.__new__(reference.ReferenceModel)
    model.config, model.quant = config, "f32"
    model.int8_inputs, model.near_tie_rows = False, set()  # exact float32 activations, as training uses
    model.embed = parameters[EMBED]
    model.lm_head = reference.prepare_weight(model.embed)
    model.final_norm = parameters[FINAL_NORM]
    model.layers = []
    for i in range(config.num_hidden_layers):
        layer = {part: reference.prepare_weight(parameters[layer_tensor(i, part)]) for part in LAYER_LINEARS}
        layer.update({part: parameters[layer_tensor(i, part)] for part in LAYER_NORMS})
        model.layers.append(layer)
    return model


def _batch_attention(model, layer, h, batch, cos, sin):
    """ReferenceModel.attention for `batch` sequences of n positions each, h [batch * n, hidden]."""
    c = model.config
    n = h.shape[0] // batch

    def heads(part, count):  # [batch * n, count * head_dim] -> [batch, count, n, head_dim]
        return reference.linear(h, layer[part]).view(batch, n, count, c.head_dim).transpose(1, 2)

    q = heads("self_attn.q_proj", c.num_attention_heads)
    k = heads("self_attn.k_proj", c.num_key_value_heads)
    v = heads("self_attn.v_proj", c.num_key_value_heads)
    q, k = reference.apply_rope(q, cos, sin), reference.apply_rope(k, cos, sin)
    group = c.num_attention_heads // c.num_key_value_heads
    k = k.repeat_interleave(group, dim=1)
    v = v.repeat_interleave(group, dim=1)
    # One 3-D matmul over every (sequence, head) pair, so f32 mode's oneDNN replacement applies.
    q, k, v = (t.reshape(batch * c.num_attention_heads, n, c.head_dim) for t in (q, k, v))
    scores = torch.matmul(q, k.transpose(1, 2)) * (c.head_dim ** -0.5)
    future = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(future, float("-inf"))
    probs = F.softmax(scores, dim=-1, dtype=torch.float32)
    out = torch.matmul(probs, v).view(batch, c.num_attention_heads, n, c.head_dim)
    return reference.linear(out.transpose(1, 2).reshape(batch * n, c.q_dim), layer["self_attn.o_proj"])


def batch_logits(model, ids):
    """float32 logits [batch * n, vocab] of `ids` [batch, n] (each row a sequence at positions 0..n-1), with
    gradients: ReferenceModel.logits applied to every row, the rows of all sequences stacked."""
    c = model.config
    batch, n = ids.shape
    cos, sin = reference.rope_cos_sin(torch.arange(n), c.head_dim, c.rope_theta)
    x = model.embed[ids.reshape(-1)]
    for layer in model.layers:
        x = x + _batch_attention(model, layer, reference.rms_norm(x, layer["input_layernorm"], c.rms_norm_eps),
                                 batch, cos, sin)
        x = x + model.mlp(layer, reference.rms_norm(x, layer["post_attention_layernorm"], c.rms_norm_eps))
    logits = reference.linear(reference.rms_norm(x, model.final_norm, c.rms_norm_eps), model.lm_head)
    return logits.float()
