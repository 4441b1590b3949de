"""write-fixture: valid HF configs, deterministic bytes per seed, sensible activation scales."""
import filecmp
import json
import os
import unittest

import numpy as np

from smol_reference.checkpoint import load_checkpoint
from smol_reference.fixtures import fixture_kinds, write_fixture
from smol_reference.model import ReferenceModel
from tests.helpers import FixtureTestCase, prompt_ids

REQUIRED_KEYS = {"architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                 "num_attention_heads", "num_key_value_heads", "vocab_size", "rms_norm_eps", "rope_theta",
                 "max_position_embeddings", "tie_word_embeddings", "hidden_act", "torch_dtype"}


class Fixtures(FixtureTestCase):
    def test_config_is_hf_llama(self):
        for kind in fixture_kinds():
            with self.subTest(kind=kind):
                with open(os.path.join(self.fixtures.get(kind), "config.json")) as f:
                    cfg = json.load(f)
                self.assertLessEqual(REQUIRED_KEYS, set(cfg))
                self.assertEqual((cfg["model_type"], cfg["architectures"]), ("llama", ["LlamaForCausalLM"]))
                self.assertEqual((cfg["rms_norm_eps"], cfg["rope_theta"], cfg["max_position_embeddings"]),
                                 (1e-5, 100000.0, 256))

    def test_the_kinds_cover_what_make_model_does_not(self):
        cfgs = {}
        for kind in fixture_kinds():
            with open(os.path.join(self.fixtures.get(kind), "config.json")) as f:
                cfgs[kind] = json.load(f)
        odd = cfgs["odd"]
        self.assertEqual((odd["hidden_size"], odd["num_attention_heads"], odd["num_key_value_heads"],
                          odd["intermediate_size"], odd["vocab_size"], odd["num_hidden_layers"]), (40, 5, 1, 72, 97, 3))
        untied = cfgs["untied-f32"]
        self.assertFalse(untied["tie_word_embeddings"])
        self.assertNotEqual(untied["head_dim"], untied["hidden_size"] // untied["num_attention_heads"])
        self.assertEqual(untied["torch_dtype"], "float32")
        self.assertEqual(cfgs["f16"]["torch_dtype"], "float16")
        self.assertTrue(os.path.exists(os.path.join(self.fixtures.get("sharded"), "model.safetensors.index.json")))

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        for kind in fixture_kinds():
            with self.subTest(kind=kind):
                a, b = self.fixtures.get(kind, 1), self.fixtures.get(kind, 2)
                again = write_fixture(kind, 1, os.path.join(self.fixtures.root, f"{kind}-again"))
                names = sorted(os.listdir(a))
                self.assertEqual(names, sorted(os.listdir(again)))
                _, mismatch, errors = filecmp.cmpfiles(a, again, names, shallow=False)
                self.assertEqual((mismatch, errors), ([], []))
                weights = [n for n in names if n.endswith(".safetensors")]
                _, mismatch, _ = filecmp.cmpfiles(a, b, weights, shallow=False)
                self.assertEqual(sorted(mismatch), weights)

    def test_refuses_a_non_empty_directory(self):
        with self.assertRaisesRegex(ValueError, "not empty"):
            write_fixture("odd", 1, self.fixtures.get("odd"))

    def test_activations_neither_explode_nor_vanish(self):
        for kind in fixture_kinds():
            with self.subTest(kind=kind):
                model = ReferenceModel(load_checkpoint(self.fixtures.get(kind)))
                ids = prompt_ids(model.config.vocab_size, n=24, seed=8)
                states = model.hidden_states(ids)
                rms = [float(s.pow(2).mean().sqrt()) for s in states]
                self.assertTrue(all(0.1 < r / rms[0] < 10 for r in rms), rms)
                logits = model.logits(ids).numpy()
                self.assertTrue(1.0 < float(np.median(logits.std(-1))) < 10.0)
                # Not a degenerate model: the argmax varies over positions.
                self.assertGreater(len(set(logits.argmax(-1).tolist())), 3)


if __name__ == "__main__":
    unittest.main()
