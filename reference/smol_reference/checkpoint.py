"""Loading an HF LLaMA-family checkpoint directory: config.json plus one or several safetensors files.

Defaults follow HF LlamaConfig, so a config.json that omits a key means what it means to transformers.
Weights come back as float32 numpy arrays converted exactly from the file dtype.
"""
import dataclasses
import json
import os

from .safetensors_io import read_safetensors

EMBED = "model.embed_tokens.weight"
FINAL_NORM = "model.norm.weight"
LM_HEAD = "lm_head.weight"
LAYER_LINEARS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                 "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")
LAYER_NORMS = ("input_layernorm", "post_attention_layernorm")


def layer_tensor(layer, part):
    return f"model.layers.{layer}.{part}.weight"


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    tie_word_embeddings: bool = False
    max_position_embeddings: int = 2048

    @property
    def q_dim(self):
        return self.num_attention_heads * self.head_dim

    @property
    def kv_dim(self):
        return self.num_key_value_heads * self.head_dim

    @classmethod
    def from_hf_json(cls, cfg, source="config.json"):
        def refuse(what):
            raise ValueError(f"{source}: {what} is not supported by the reference")

        if cfg.get("rope_scaling") not in (None, {}):
            refuse(f"rope_scaling {cfg['rope_scaling']!r}")
        if cfg.get("attention_bias") or cfg.get("mlp_bias"):
            refuse("attention_bias/mlp_bias")
        if cfg.get("hidden_act", "silu") != "silu":
            refuse(f"hidden_act {cfg['hidden_act']!r}")
        heads = int(cfg["num_attention_heads"])
        hidden = int(cfg["hidden_size"])
        head_dim = cfg.get("head_dim")
        if head_dim is None:  # older HF saves carry no head_dim: LlamaAttention derives it
            if hidden % heads:
                raise ValueError(f"{source}: hidden_size {hidden} is not a multiple of num_attention_heads {heads}")
            head_dim = hidden // heads
        kv_heads = cfg.get("num_key_value_heads")
        kv_heads = heads if kv_heads is None else int(kv_heads)
        if heads % kv_heads:
            raise ValueError(f"{source}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}")
        if int(head_dim) % 2:
            raise ValueError(f"{source}: head_dim {head_dim} must be even for rotate_half RoPE")
        return cls(
            vocab_size=int(cfg["vocab_size"]),
            hidden_size=hidden,
            intermediate_size=int(cfg["intermediate_size"]),
            num_hidden_layers=int(cfg["num_hidden_layers"]),
            num_attention_heads=heads,
            num_key_value_heads=kv_heads,
            head_dim=int(head_dim),
            rope_theta=float(cfg.get("rope_theta", 10000.0)),
            rms_norm_eps=float(cfg.get("rms_norm_eps", 1e-6)),
            tie_word_embeddings=bool(cfg.get("tie_word_embeddings", False)),
            max_position_embeddings=int(cfg.get("max_position_embeddings", 2048)),
        )

    def expected_shapes(self):
        """{tensor name: shape} of every weight this config implies (lm_head only when untied)."""
        h, i = self.hidden_size, self.intermediate_size
        linear_shapes = {
            "self_attn.q_proj": (self.q_dim, h), "self_attn.k_proj": (self.kv_dim, h),
            "self_attn.v_proj": (self.kv_dim, h), "self_attn.o_proj": (h, self.q_dim),
            "mlp.gate_proj": (i, h), "mlp.up_proj": (i, h), "mlp.down_proj": (h, i),
        }
        shapes = {EMBED: (self.vocab_size, h), FINAL_NORM: (h,)}
        for layer in range(self.num_hidden_layers):
            for part, shape in linear_shapes.items():
                shapes[layer_tensor(layer, part)] = shape
            for part in LAYER_NORMS:
                shapes[layer_tensor(layer, part)] = (h,)
        if not self.tie_word_embeddings:
            shapes[LM_HEAD] = (self.vocab_size, h)
        return shapes


@dataclasses.dataclass
class Checkpoint:
    config: ModelConfig
    tensors: dict  # name -> float32 numpy array; lm_head absent when tied

    def lm_head(self):
        return self.tensors[EMBED] if self.config.tie_word_embeddings else self.tensors[LM_HEAD]


def _safetensors_files(directory):
    index_path = os.path.join(directory, "model.safetensors.index.json")
    single = os.path.join(directory, "model.safetensors")
    if os.path.exists(index_path):
        with open(index_path, encoding="utf-8") as f:
            weight_map = json.load(f)["weight_map"]
        files = {}
        for name, file in weight_map.items():
            files.setdefault(file, set()).add(name)
        return [(os.path.join(directory, file), names) for file, names in sorted(files.items())]
    if os.path.exists(single):
        return [(single, None)]
    raise FileNotFoundError(f"{directory}: neither model.safetensors nor model.safetensors.index.json")


def load_checkpoint(directory):
    config_path = os.path.join(directory, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = ModelConfig.from_hf_json(json.load(f), config_path)
    tensors = {}
    for path, names in _safetensors_files(directory):
        for name, value in read_safetensors(path, names).items():
            if name in tensors:
                raise ValueError(f"{path}: tensor {name} appears in two files")
            tensors[name] = value
    if config.tie_word_embeddings:
        # HF ties lm_head to the embedding; a stored copy is ignored rather than trusted.
        tensors.pop(LM_HEAD, None)
    for name, shape in config.expected_shapes().items():
        if name not in tensors:
            raise ValueError(f"{directory}: missing tensor {name}")
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f"{directory}: tensor {name} has shape {tuple(tensors[name].shape)}, expected {shape}")
    extra = sorted(set(tensors) - set(config.expected_shapes()))
    if extra:
        raise ValueError(f"{directory}: unexpected tensors {extra[:5]}")
    return Checkpoint(config, tensors)
