"""A test-side SHIM named `transformers`: not Hugging Face's package, which is not installable here (no PyPI,
no Debian package). It exists only so that llama.cpp's own converter, convert_hf_to_gguf.py, can run on the
project's HF checkpoints in the test `gguf.llama_cpp_converter` (docs/gguf.md). It implements exactly what
that converter calls on the LLaMA + byte-level BPE ("gpt2") path and nothing more; anything else it touches
is an AttributeError, so a converter change that needs more fails loudly instead of converting wrongly.

  AutoConfig.from_pretrained(dir).to_dict()     config.json as it is (transformers would add its defaults
                                                for absent keys; the LLaMA path reads every key with one)
  AutoTokenizer.from_pretrained(dir)            a fast tokenizer over dir/tokenizer.json:
    .vocab, .get_vocab()                        token -> id, added tokens included
    .get_added_vocab(), .added_tokens_decoder   the added tokens of tokenizer.json
    .encode(text, add_special_tokens=True)      ids
    .decode(ids, skip_special_tokens=False)     text
    .is_fast                                    True

Ids, vocabulary and decoded text are computed by HF `tokenizers` (the Rust library transformers' fast
tokenizers are, through its Node binding pinned in oracles/package.json) in a helper process,
tokenizers_server.mjs; only the added-token flags are read from tokenizer.json directly, as transformers
does. Nothing here is a stored result.
"""

from __future__ import annotations

import atexit
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

__version__ = "0.0.0-smol32-shim"

_SERVER = Path(__file__).with_name("tokenizers_server.mjs")


@dataclass(frozen=True)
class AddedToken:
    """transformers' AddedToken fields, as tokenizer.json's "added_tokens" entries hold them."""

    content: str
    single_word: bool = False
    lstrip: bool = False
    rstrip: bool = False
    normalized: bool = True
    special: bool = False

    def __str__(self) -> str:
        return self.content


class PretrainedConfig:
    def __init__(self, values: dict):
        self._values = values

    def to_dict(self) -> dict:
        return dict(self._values)


class AutoConfig:
    @staticmethod
    def from_pretrained(path, **_kwargs) -> PretrainedConfig:
        config = Path(path) / "config.json"
        if not config.is_file():
            raise OSError(f"{path}: no config.json (transformers shim)")
        return PretrainedConfig(json.loads(config.read_text(encoding="utf-8")))


class _TokenizersProcess:
    """One HF `tokenizers` (Node) process for one tokenizer.json; requests and answers are JSON lines."""

    def __init__(self, tokenizer_json: Path):
        self._proc = subprocess.Popen(
            ["node", str(_SERVER), str(tokenizer_json)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8")
        atexit.register(self.close)

    def call(self, **request):
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"transformers shim: {_SERVER.name} exited (code {self._proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"transformers shim: tokenizers: {answer['error']}")
        return answer["result"]

    def close(self):
        if self._proc.poll() is None:
            self._proc.stdin.close()
            self._proc.wait()


class PreTrainedTokenizerFast:
    is_fast = True

    def __init__(self, directory: Path):
        tokenizer_json = directory / "tokenizer.json"
        if not tokenizer_json.is_file():
            raise OSError(f"{directory}: no tokenizer.json (the transformers shim loads fast tokenizers only)")
        config = directory / "tokenizer_config.json"
        if config.is_file():
            # transformers' decode would then rewrite " ." to "." and the like; this shim does not.
            if json.loads(config.read_text(encoding="utf-8")).get("clean_up_tokenization_spaces"):
                raise NotImplementedError(f"{config}: clean_up_tokenization_spaces is not implemented by the shim")
        spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        self._added = {
            int(t["id"]): AddedToken(t["content"], t.get("single_word", False), t.get("lstrip", False),
                                     t.get("rstrip", False), t.get("normalized", not t.get("special", False)),
                                     t.get("special", False))
            for t in spec.get("added_tokens") or []
        }
        self._tokenizers = _TokenizersProcess(tokenizer_json)
        self._vocab = self._tokenizers.call(op="vocab")

    @property
    def vocab(self) -> dict[str, int]:
        return dict(self._vocab)

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)

    @property
    def added_tokens_decoder(self) -> dict[int, AddedToken]:
        return dict(sorted(self._added.items()))

    def get_added_vocab(self) -> dict[str, int]:
        return {t.content: i for i, t in sorted(self._added.items())}

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return self._tokenizers.call(op="encode", text=text, add_special_tokens=add_special_tokens)

    def decode(self, ids, skip_special_tokens: bool = False) -> str:
        return self._tokenizers.call(op="decode", ids=[int(i) for i in ids], skip_special_tokens=skip_special_tokens)


class AutoTokenizer:
    @staticmethod
    def from_pretrained(path, **_kwargs) -> PreTrainedTokenizerFast:
        return PreTrainedTokenizerFast(Path(path))
