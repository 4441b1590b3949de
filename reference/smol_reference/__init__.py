"""smol_reference: layer 1 of smol32, a PyTorch re-implementation of HF LlamaForCausalLM numerics.

The C++ engine (layer 2) is checked against this package on every position's logits, in fp32 and in the two
INT8 schemes (q8 per tensor, q8r per row), whose stored integers and scales are bit-identical on both sides.
Only stdlib, numpy and torch are used: no safetensors or transformers package is available here.
"""
from .checkpoint import Checkpoint, ModelConfig, load_checkpoint
from .model import ReferenceModel
from .generate import greedy_generate

__all__ = ["Checkpoint", "ModelConfig", "load_checkpoint", "ReferenceModel", "greedy_generate"]
