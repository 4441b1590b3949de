"""Two GGUF files hold the same model: every tensor (name, type, shape, bytes) and every metadata key both
files have that says what the model computes (llama.*, tokenizer.*) are equal. Keys only one file has are
listed (llama.cpp's converter adds e.g. general.size_label and tokenizer.ggml.padding_token_id); read with
llama.cpp's own gguf-py.

  /usr/bin/python3 gguf_same_model.py GGUF_PY_DIR A.gguf B.gguf
"""

import sys

gguf_py, a_path, b_path = sys.argv[1:]
sys.path.insert(0, gguf_py)
import gguf  # noqa: E402

a, b = gguf.GGUFReader(a_path), gguf.GGUFReader(b_path)
problems = []

ta, tb = ({t.name: t for t in r.tensors} for r in (a, b))
if set(ta) != set(tb):
    problems.append(f"tensors only in one file: {sorted(set(ta) ^ set(tb))}")
for name in sorted(set(ta) & set(tb)):
    x, y = ta[name], tb[name]
    if x.tensor_type != y.tensor_type or list(x.shape) != list(y.shape):
        problems.append(f"{name}: {x.tensor_type.name}{list(x.shape)} vs {y.tensor_type.name}{list(y.shape)}")
    elif x.data.tobytes() != y.data.tobytes():
        problems.append(f"{name}: the bytes differ")

fa, fb = ({f.name: f for f in r.fields.values()} for r in (a, b))
model_keys = lambda keys: {k for k in keys if k.startswith(("llama.", "tokenizer."))}  # noqa: E731
for key in sorted(model_keys(fa) & model_keys(fb)):
    if fa[key].contents() != fb[key].contents():
        problems.append(f"metadata {key} differs: {str(fa[key].contents())[:60]!r} vs {str(fb[key].contents())[:60]!r}")

only = sorted(model_keys(fa) ^ model_keys(fb))
print(f"{a_path} vs {b_path}: {len(ta)} tensors, {len(model_keys(fa) & model_keys(fb))} model keys compared; "
      f"keys in one file only: {only}")
for p in problems:
    print("DIFFERS:", p)
sys.exit(1 if problems else 0)
