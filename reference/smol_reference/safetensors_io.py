"""Reading and writing .safetensors files without the safetensors package.

Layout: an 8-byte little-endian u64 N, then N bytes of JSON header {name: {dtype, shape, data_offsets}} plus an
optional "__metadata__" map of strings, then the data; data_offsets [begin, end) are relative to the data start.
Every supported dtype converts to float32 exactly (F16 and BF16 are subsets of F32), so the reference sees the
very values the engine sees.
"""
import json
import struct

import numpy as np

_ITEM_SIZE = {"F32": 4, "F16": 2, "BF16": 2}


def bf16_bits_to_f32(bits):
    """BF16 is the upper half of an IEEE float32: widening is a 16-bit shift, exact for every value."""
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


def f32_to_bf16_bits(values):
    """Round float32 to BF16 to nearest, ties to even (what torch's .to(bfloat16) does); NaN stays NaN."""
    u = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)).astype(np.uint16)
    nan = np.isnan(np.asarray(values, dtype=np.float32))
    rounded[nan] = np.uint16(0x7FC0)
    return rounded


def read_header(path):
    """Returns (header dict without __metadata__, metadata dict, absolute offset of the data section)."""
    with open(path, "rb") as f:
        raw_len = f.read(8)
        if len(raw_len) != 8:
            raise ValueError(f"{path}: too short for a safetensors header")
        (n,) = struct.unpack("<Q", raw_len)
        header = json.loads(f.read(n).decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    return header, metadata, 8 + n


def read_safetensors(path, names=None):
    """Returns {name: float32 numpy array} for every tensor (or only `names`)."""
    header, _, data_start = read_header(path)
    out = {}
    with open(path, "rb") as f:
        for name, info in header.items():
            if names is not None and name not in names:
                continue
            out[name] = _read_tensor(f, path, name, info, data_start)
    return out


def _read_tensor(f, path, name, info, data_start):
    dtype, shape = info["dtype"], [int(d) for d in info["shape"]]
    begin, end = (int(x) for x in info["data_offsets"])
    if dtype not in _ITEM_SIZE:
        raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype} (F32, F16, BF16 are supported)")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if end - begin != count * _ITEM_SIZE[dtype]:
        raise ValueError(f"{path}: tensor {name}: {end - begin} bytes for shape {shape} of {dtype}")
    f.seek(data_start + begin)
    raw = f.read(end - begin)
    if dtype == "F32":
        values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    else:
        values = bf16_bits_to_f32(np.frombuffer(raw, dtype="<u2"))
    return values.reshape(shape)


def encode_tensor(values, dtype):
    """Bytes of a float array in `dtype` (rounding to nearest even for F16/BF16)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    if dtype == "BF16":
        return f32_to_bf16_bits(values).astype("<u2").tobytes()
    raise ValueError(f"unsupported dtype {dtype}")


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    """Writes {name: array} (insertion order kept) with one dtype; the header is space-padded to 8 bytes."""
    header = {}
    blobs = []
    offset = 0
    for name, values in tensors.items():
        blob = encode_tensor(values, dtype)
        header[name] = {"dtype": dtype, "shape": list(np.shape(values)), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata is not None:
        header = {"__metadata__": dict(metadata), **header}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)  # keeps the data section 8-byte aligned for mmap readers
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
