"""The reference against HF transformers' own LlamaForCausalLM, when transformers can be imported.

Debian 12 packages no transformers for /usr/bin/python3, so here this test skips; on a machine that has it,
it is the check that our reading of modeling_llama.py is right. Each fixture's config.json is given to
LlamaConfig unchanged and our loaded tensors (the file values in float32, or their INT8-dequantized form) are
loaded into the HF model, so only the forward passes are compared.
"""
import json
import os
import unittest

import numpy as np
import torch

from smol_reference.checkpoint import load_checkpoint
from smol_reference.fixtures import fixture_kinds
from smol_reference.model import ReferenceModel
from smol_reference.quant import effective_weight
from tests.helpers import FixtureTestCase, prompt_ids

try:
    import transformers  # noqa: F401
    HAVE_TRANSFORMERS = True
except ImportError:
    HAVE_TRANSFORMERS = False

SKIP_MESSAGE = "transformers is not importable with /usr/bin/python3 (not packaged in Debian 12)"


def hf_logits(directory, ckpt, ids, quant):
    from transformers import LlamaConfig, LlamaForCausalLM

    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    cfg["torch_dtype"] = "float32"
    config = LlamaConfig(**cfg)
    try:  # eager attention is the formulation the reference follows; older versions have no such switch
        model = LlamaForCausalLM._from_config(config, attn_implementation="eager", torch_dtype=torch.float32)
    except TypeError:
        model = LlamaForCausalLM(config)
    model = model.float().eval()
    attention = model.model.layers[0].self_attn
    if getattr(attention, "head_dim", ckpt.config.head_dim) != ckpt.config.head_dim:
        raise unittest.SkipTest(f"this transformers version ignores config head_dim {ckpt.config.head_dim}")
    state = {name: torch.from_numpy(effective_weight(v, quant) if v.ndim == 2 else v)
             for name, v in ckpt.tensors.items()}
    result = model.load_state_dict(state, strict=False)
    allowed_missing = {"lm_head.weight"} if ckpt.config.tie_word_embeddings else set()
    missing = {k for k in result.missing_keys if "rotary_emb" not in k}
    if missing - allowed_missing or result.unexpected_keys:
        raise AssertionError(f"state dict mismatch: missing {missing}, unexpected {result.unexpected_keys}")
    if ckpt.config.tie_word_embeddings:
        model.tie_weights()
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids], dtype=torch.int64), use_cache=False)
    return out.logits[0].float().numpy()


@unittest.skipUnless(HAVE_TRANSFORMERS, SKIP_MESSAGE)
class AgainstTransformers(FixtureTestCase):
    def test_fixture_logits(self):
        for kind in fixture_kinds():
            for quant in ("f32", "q8r"):
                with self.subTest(kind=kind, quant=quant):
                    directory = self.fixtures.get(kind)
                    ckpt = load_checkpoint(directory)
                    ids = prompt_ids(ckpt.config.vocab_size, n=32, seed=1234)
                    ours = ReferenceModel(ckpt, quant).logits(ids).numpy()
                    theirs = hf_logits(directory, ckpt, ids, quant)
                    diff = float(np.abs(ours - theirs).max())
                    bound = 1e-4 * float(np.abs(theirs).max())
                    agree = float((ours.argmax(-1) == theirs.argmax(-1)).mean())
                    print(f"  {kind} {quant}: max|d| {diff:.3g} bound {bound:.3g} top-1 agreement {agree:.3f}")
                    self.assertLessEqual(diff, bound)


if __name__ == "__main__":
    unittest.main()
