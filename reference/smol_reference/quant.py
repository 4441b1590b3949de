"""The weight schemes, bit-identical to what the C++ engine stores (model/src/quantize.cpp,
docs/model-format.md).

q8  : one symmetric scale per tensor.   q8r : one scale per output row ([out, in] weights, [vocab, hidden]
embeddings). In both, in float32 arithmetic:
    scale = max|w| / 127             (0 when every weight is 0, and then q = 0)
    q     = round_half_to_even(w / scale) clamped to [-127, 127]
    w'    = float32(q) * scale
q8_0, q4_0 : llama.cpp's Q8_0 and Q4_0, blocks of 32 weights along a row with a float16 scale:
    q8_0: d = max|w| / 127, id = 1/d (0 if d is 0), q = round_half_away_from_zero(w * id), w' = q * fp16(d)
    q4_0: m = the first w of largest |w|, d = m / -8, id = 1/d (0 if d is 0),
          q = min(15, trunc(w * id + 8.5)), w' = (q - 8) * fp16(d)
    A matrix whose rows are not a multiple of 32 long is stored as q8r instead.
Activations (the optional int8-activation mode, engine/src/activation_quant.h): before a product with
quantized weights, each row of the input is cut into blocks of 32 along the row (the last may be shorter)
and each block quantized as llama.cpp quantizes activations for its Q8_0 dot products, with a float32 scale:
    d = max|x| / 127, id = 1/d (0 if d is 0), q = round_half_away_from_zero(x * id), x' = q * d
numpy is used on purpose: its float32 arithmetic is IEEE-exact element by element and np.rint rounds half
to even, so no library can substitute a multiply-by-reciprocal or a fused multiply-add.
"""
import numpy as np

SCHEMES = ("f32", "q8", "q8r", "q8_0", "q4_0")
BLOCK_SCHEMES = ("q8_0", "q4_0")
BLOCK = 32


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
    if uses_blocks(w, scheme):
        return block_dequantize(*block_quantize(w, scheme), scheme)
    return dequantize(*quantize_weight(w, "q8r" if scheme in BLOCK_SCHEMES else scheme))


def round_half_away(v):
    """C's roundf on float32 values (exact: the fraction v - trunc(v) is exact in float32)."""
    t = np.trunc(v)
    up = np.abs(v - t) >= np.float32(0.5)
    return t + np.where(up, np.sign(v), np.float32(0)).astype(np.float32)


def _inverse(d):
    with np.errstate(divide="ignore"):
        return np.where(d != 0, np.float32(1) / np.where(d != 0, d, np.float32(1)), np.float32(0)).astype(np.float32)


def uses_blocks(w, scheme):
    """Whether a matrix is stored in 32-weight blocks under `scheme` (else, under q8_0/q4_0, as q8r)."""
    w = np.asarray(w)
    return scheme in BLOCK_SCHEMES and w.ndim == 2 and w.shape[1] % BLOCK == 0


def block_quantize(w, scheme):
    """(codes, scales) of a [rows, cols] matrix, cols a multiple of 32: q8_0 codes int8 in -127..127, q4_0
    codes uint8 in 0..15 (the stored nibble; the weight is code - 8); scales float16 [rows, cols / 32]."""
    w = np.asarray(w, dtype=np.float32)
    rows, cols = w.shape
    if cols % BLOCK:
        raise ValueError(f"{cols} columns are not a whole number of {BLOCK}-weight blocks")
    b = w.reshape(rows, cols // BLOCK, BLOCK)
    if scheme == "q8_0":
        d = (np.max(np.abs(b), axis=2) / np.float32(127)).astype(np.float32)
        q = round_half_away(b * _inverse(d)[..., None])
        return q.astype(np.int8).reshape(rows, cols), d.astype(np.float16)
    if scheme == "q4_0":
        first_max = np.argmax(np.abs(b), axis=2)[..., None]  # argmax keeps the first of equal maxima
        m = np.take_along_axis(b, first_max, axis=2)[..., 0]
        m = np.where(m == 0, np.float32(0), m)  # an all-zero block: +0 as the C loop leaves it, even for -0 weights
        d = (m / np.float32(-8)).astype(np.float32)
        v = (b * _inverse(d)[..., None]).astype(np.float32) + np.float32(8.5)
        q = np.minimum(np.trunc(v), np.float32(15))
        return q.astype(np.uint8).reshape(rows, cols), d.astype(np.float16)
    raise ValueError(f"not a block scheme: {scheme}")


def block_dequantize(codes, scales, scheme):
    rows, cols = codes.shape
    values = codes.astype(np.float32) - (np.float32(8) if scheme == "q4_0" else np.float32(0))
    d = np.repeat(scales.astype(np.float32), BLOCK, axis=1).reshape(rows, cols)
    return (values * d).astype(np.float32)


def pack_q4_0(codes):
    """The 16 bytes of each q4_0 block: byte j holds weight j (low nibble) and weight j + 16 (high nibble)."""
    rows, cols = codes.shape
    b = codes.reshape(rows, cols // BLOCK, BLOCK)
    return (b[..., :16] | (b[..., 16:] << 4)).astype(np.uint8)


ACTIVATION_MODES = ("f32", "int8")


def quantize_activations(x):
    """(codes int8 [n, blocks, 32], scales float32 [n, blocks]) of a float32 [n, cols] input; a last partial
    block is padded with zeros, which change neither its max nor its dot products."""
    x = np.asarray(x, dtype=np.float32)
    n, cols = x.shape
    blocks = -(-cols // BLOCK)
    padded = np.zeros((n, blocks * BLOCK), np.float32)
    padded[:, :cols] = x
    b = padded.reshape(n, blocks, BLOCK)
    d = (np.max(np.abs(b), axis=2) / np.float32(127)).astype(np.float32)
    q = round_half_away((b * _inverse(d)[..., None]).astype(np.float32))
    return q.astype(np.int8), d


def near_rounding_ties(x, margin=1e-4):
    """Rows of a float32 [n, cols] input with a value within `margin` of a quantization step of a rounding
    boundary (x * id within margin of k + 0.5): there a float32 rounding difference upstream (another
    summation order) can move the code by one, a discontinuity no bound on the inputs carries over."""
    x = np.asarray(x, dtype=np.float32)
    n, cols = x.shape
    blocks = -(-cols // BLOCK)
    padded = np.zeros((n, blocks * BLOCK), np.float32)
    padded[:, :cols] = x
    b = padded.reshape(n, blocks, BLOCK)
    d = (np.max(np.abs(b), axis=2) / np.float32(127)).astype(np.float32)
    v = np.abs((b * _inverse(d)[..., None]).astype(np.float64))
    near = np.abs(v - np.floor(v) - 0.5) < margin
    return np.flatnonzero(near.reshape(n, -1).any(axis=1))


def fake_quantize_activations(x):
    """The float32 [n, cols] input the int8-activation products see: each block's codes times its scale."""
    x = np.asarray(x, dtype=np.float32)
    codes, d = quantize_activations(x)
    values = (codes.astype(np.float32) * d[..., None]).astype(np.float32)
    return values.reshape(x.shape[0], -1)[:, :x.shape[1]]
