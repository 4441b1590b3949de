"""The INT8 weight schemes, bit-identical to what the C++ engine stores (model/src/quantize.cpp).

q8  : one symmetric scale per tensor.   q8r : one scale per output row ([out, in] weights, [vocab, hidden]
embeddings). In both, in float32 arithmetic:
    scale = max|w| / 127             (0 when every weight is 0, and then q = 0)
    q     = round_half_to_even(w / scale) clamped to [-127, 127]
    w'    = float32(q) * scale
numpy is used on purpose: its float32 division is IEEE-exact element by element and np.rint rounds half to
even, so no library can substitute a multiply-by-reciprocal.
"""
import numpy as np

SCHEMES = ("f32", "q8", "q8r")


def q8_scales(w, per_row):
    w = np.asarray(w, dtype=np.float32)
    if per_row:
        max_abs = np.max(np.abs(w), axis=1) if w.shape[1] else np.zeros(w.shape[0], np.float32)
    else:
        max_abs = np.max(np.abs(w)) if w.size else np.float32(0)
    return (np.asarray(max_abs, dtype=np.float32) / np.float32(127.0)).astype(np.float32)


def q8_quantize(w, scale):
    """int8 codes of w for a scalar scale or one scale per row."""
    w = np.asarray(w, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    s = scale.reshape(-1, 1) if scale.ndim == 1 else scale
    zero = s == np.float32(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.rint(w / np.where(zero, np.float32(1), s))
    q = np.where(zero, np.float32(0), q)
    return np.clip(q, -127, 127).astype(np.int8)


def dequantize(q, scale):
    scale = np.asarray(scale, dtype=np.float32)
    s = scale.reshape(-1, 1) if scale.ndim == 1 else scale
    return (q.astype(np.float32) * s).astype(np.float32)


def quantize_weight(w, scheme):
    """Returns (codes int8, scales float32) for scheme q8 or q8r."""
    if scheme not in ("q8", "q8r"):
        raise ValueError(f"not an INT8 scheme: {scheme}")
    scale = q8_scales(w, per_row=(scheme == "q8r"))
    return q8_quantize(w, scale), scale


def effective_weight(w, scheme):
    """The float32 weight the forward pass sees under `scheme` (w itself for f32)."""
    if scheme == "f32":
        return np.asarray(w, dtype=np.float32)
    if scheme not in SCHEMES:
        raise ValueError(f"unknown quantization scheme {scheme!r} (valid: {', '.join(SCHEMES)})")
    return dequantize(*quantize_weight(w, scheme))
