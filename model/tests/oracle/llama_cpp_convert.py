"""Runs llama.cpp's own converter, convert_hf_to_gguf.py (from the source bundle node-llama-cpp ships), on one
of the project's HF checkpoints, with the transformers shim (oracles/py-shims) standing in for transformers.

The converter names the BPE pre-tokenizer by hashing the ids its tokenizer gives one fixed text (chkhsh) and
looking the hash up in a table of known published vocabularies. The project's checkpoints have their own
generated vocabularies, which no table holds, so the lookup runs (through the shim) and fails; only then is
the pre-tokenizer named from what tokenizer.json declares — exactly what convert_hf_to_gguf_update.py would
register for a new model: SmolLM's Digits(individual) + ByteLevel(no prefix space) is `smollm`. Nothing else
of the converter is changed. Afterwards the written file's tokenizer.ggml.pre is read back and checked.

  /usr/bin/python3 llama_cpp_convert.py LLAMA_CPP_SRC SHIM_DIR HF_DIR OUT.gguf OUTTYPE
"""

import json
import runpy
import sys
from pathlib import Path

llama_cpp, shims, hf_dir, out, outtype = sys.argv[1:]
sys.path[:0] = [shims, llama_cpp, str(Path(llama_cpp) / "gguf-py")]

import torch  # noqa: E402

# Debian 12's torch (1.13) predates the float8 dtypes, which the converter names only in its dtype tables
# (for FP8 checkpoints). Placeholders that no tensor can have let those tables be built; a BF16 checkpoint
# never looks them up.
for name in ("float8_e4m3fn", "float8_e5m2"):
    if not hasattr(torch, name):
        setattr(torch, name, type(name, (), {})())

import gguf  # noqa: E402  (gguf-py from the same llama.cpp source)
from conversion.base import TextModel, logger  # noqa: E402

SMOLLM_PRE_TOKENIZER = {
    "type": "Sequence",
    "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    ],
}

table_lookup = TextModel.get_vocab_base_pre


def get_vocab_base_pre(self, tokenizer) -> str:
    try:
        return table_lookup(self, tokenizer)
    except NotImplementedError:
        declared = json.loads((Path(self.dir_model) / "tokenizer.json").read_text(encoding="utf-8"))["pre_tokenizer"]
        if declared != SMOLLM_PRE_TOKENIZER:
            raise
        logger.info("pre-tokenizer: vocabulary unknown to llama.cpp's table; tokenizer.json declares SmolLM's: smollm")
        return "smollm"


TextModel.get_vocab_base_pre = get_vocab_base_pre
sys.argv = ["convert_hf_to_gguf.py", hf_dir, "--outfile", out, "--outtype", outtype]
runpy.run_path(str(Path(llama_cpp) / "convert_hf_to_gguf.py"), run_name="__main__")

field = gguf.GGUFReader(out).get_field("tokenizer.ggml.pre")
pre = field.contents() if field is not None else None
if pre != "smollm":
    sys.exit(f"{out}: tokenizer.ggml.pre is {pre!r}, expected 'smollm'")
