"""HF checkpoints written by a producer other than `smol make-model`, to test the engine's loader on shapes,
dtypes and file layouts make-model never writes: odd sizes, untied lm_head with an explicit head_dim, F32,
F16, and sharded files with model.safetensors.index.json.

Weights are random from a seeded torch.Generator, scaled so activations neither explode nor vanish: the
embedding has std 3/sqrt(hidden) (logits of a few units after the final norm), linear weights ~1/sqrt(fan_in),
residual-branch outputs shrink with depth, norm weights 1 +- 0.1, and a few rows of every linear layer are x10
outliers (one row in 32, the whole matrix keeping its std), as trained checkpoints have (and what makes per-tensor INT8 lossy).
"""
import json
import os

import numpy as np
import torch

from .checkpoint import EMBED, FINAL_NORM, LM_HEAD, layer_tensor
from .safetensors_io import encode_tensor, write_safetensors

# kind -> (geometry, file dtype, tied, explicit head_dim key, shard count)
FIXTURES = {
    "odd": (dict(vocab_size=97, hidden_size=40, intermediate_size=72, num_hidden_layers=3,
                 num_attention_heads=5, num_key_value_heads=1), "BF16", True, None, 1),
    "untied-f32": (dict(vocab_size=131, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=2), "F32", False, 16, 1),
    "f16": (dict(vocab_size=256, hidden_size=64, intermediate_size=160, num_hidden_layers=2,
                 num_attention_heads=8, num_key_value_heads=2), "F16", True, 8, 1),
    "sharded": (dict(vocab_size=300, hidden_size=64, intermediate_size=128, num_hidden_layers=4,
                     num_attention_heads=4, num_key_value_heads=4), "BF16", False, None, 3),
}
TORCH_DTYPE_NAME = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}


def fixture_config(kind):
    geometry, dtype, tied, head_dim, _ = FIXTURES[kind]
    cfg = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", **geometry,
        "max_position_embeddings": 256, "rope_theta": 100000.0, "rope_scaling": None, "rms_norm_eps": 1e-05,
        "hidden_act": "silu", "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False,
        "tie_word_embeddings": tied, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2,
        "torch_dtype": TORCH_DTYPE_NAME[dtype], "initializer_range": 0.02, "pretraining_tp": 1,
        "use_cache": True, "transformers_version": "4.44.0",
    }
    if head_dim is not None:
        cfg["head_dim"] = head_dim
    return cfg


class _WeightMaker:
    def __init__(self, seed):
        self.gen = torch.Generator().manual_seed(int(seed))

    def matrix(self, rows, cols, sigma, outliers=True):
        w = torch.randn(rows, cols, generator=self.gen, dtype=torch.float32)
        # About one row in 32 is a x10 outlier (none in the embedding and lm_head, whose outlier rows would
        # only make a few tokens' logits huge and the engine comparison bound, relative to max|logit|, loose): enough to stretch per-tensor INT8 scales, few enough that
        # narrow K/V projections (8 rows) have none. The matrix is then rescaled to an overall std of `sigma`,
        # so outliers in gate, up and down do not compound into exploding residual growth.
        picks = torch.randperm(rows, generator=self.gen)[:rows // 32 if outliers else 0]
        factor = torch.ones(rows, 1)
        factor[picks] = 10.0
        return (w * (factor * (sigma / float(factor.pow(2).mean().sqrt())))).numpy()

    def norm(self, size):
        return (1.0 + 0.1 * torch.randn(size, generator=self.gen, dtype=torch.float32)).numpy()


def fixture_tensors(kind, seed):
    """{name: float32 array} in HF's order; deterministic for (kind, seed)."""
    cfg = fixture_config(kind)
    h, inter, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    head_dim = cfg.get("head_dim", h // cfg["num_attention_heads"])
    q_dim, kv_dim = cfg["num_attention_heads"] * head_dim, cfg["num_key_value_heads"] * head_dim
    sigma_embed = 3.0 / h ** 0.5
    branch = 2.0 * sigma_embed / layers ** 0.5  # each residual branch's output std
    make = _WeightMaker(seed)
    t = {EMBED: make.matrix(cfg["vocab_size"], h, sigma_embed, outliers=False)}
    for i in range(layers):
        t[layer_tensor(i, "input_layernorm")] = make.norm(h)
        t[layer_tensor(i, "self_attn.q_proj")] = make.matrix(q_dim, h, 1.2 / h ** 0.5)
        t[layer_tensor(i, "self_attn.k_proj")] = make.matrix(kv_dim, h, 1.2 / h ** 0.5)
        t[layer_tensor(i, "self_attn.v_proj")] = make.matrix(kv_dim, h, 1.0 / h ** 0.5)
        t[layer_tensor(i, "self_attn.o_proj")] = make.matrix(h, q_dim, branch / q_dim ** 0.5)
        t[layer_tensor(i, "post_attention_layernorm")] = make.norm(h)
        t[layer_tensor(i, "mlp.gate_proj")] = make.matrix(inter, h, 1.0 / h ** 0.5)
        t[layer_tensor(i, "mlp.up_proj")] = make.matrix(inter, h, 1.0 / h ** 0.5)
        t[layer_tensor(i, "mlp.down_proj")] = make.matrix(h, inter, branch / (0.6 * inter ** 0.5))
    t[FINAL_NORM] = make.norm(h)
    if not cfg["tie_word_embeddings"]:
        t[LM_HEAD] = make.matrix(cfg["vocab_size"], h, sigma_embed, outliers=False)
    return t


def _write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def _split(names, shards):
    """Contiguous, nearly equal groups of tensor names."""
    per = -(-len(names) // shards)
    return [names[k:k + per] for k in range(0, len(names), per)]


def write_fixture(kind, seed, out_dir):
    if kind not in FIXTURES:
        raise ValueError(f"unknown fixture kind {kind!r} (valid: {', '.join(FIXTURES)})")
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        raise ValueError(f"{out_dir}: directory is not empty; refusing to overwrite (choose a new --out)")
    os.makedirs(out_dir, exist_ok=True)
    _, dtype, _, _, shards = FIXTURES[kind]
    cfg = fixture_config(kind)
    tensors = fixture_tensors(kind, seed)
    metadata = {"format": "pt"}
    if shards == 1:
        write_safetensors(os.path.join(out_dir, "model.safetensors"), tensors, dtype, metadata)
    else:
        groups = _split(list(tensors), shards)
        weight_map = {}
        for k, names in enumerate(groups):
            file = f"model-{k + 1:05d}-of-{len(groups):05d}.safetensors"
            write_safetensors(os.path.join(out_dir, file), {n: tensors[n] for n in names}, dtype, metadata)
            weight_map.update({n: file for n in names})
        total = sum(len(encode_tensor(v, dtype)) for v in tensors.values())
        _write_json(os.path.join(out_dir, "model.safetensors.index.json"),
                    {"metadata": {"total_size": total}, "weight_map": weight_map})
    _write_json(os.path.join(out_dir, "config.json"), cfg)
    _write_json(os.path.join(out_dir, "generation_config.json"),
                {"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2})
    return out_dir


def fixture_kinds():
    return list(FIXTURES)


def fixture_file_values(kind, seed):
    """The float32 values the files hold after rounding to the fixture's dtype (for tests)."""
    _, dtype, _, _, _ = FIXTURES[kind]
    out = {}
    for name, v in fixture_tensors(kind, seed).items():
        raw = np.frombuffer(encode_tensor(v, dtype), dtype={"F32": "<f4", "F16": "<f2", "BF16": "<u2"}[dtype])
        if dtype == "BF16":
            from .safetensors_io import bf16_bits_to_f32
            out[name] = bf16_bits_to_f32(raw).reshape(v.shape)
        else:
            out[name] = raw.astype(np.float32).reshape(v.shape)
    return out
