"""safetensors reader/writer and checkpoint loading (config defaults, tying, shards)."""
import json
import os
import struct
import tempfile
import unittest

import numpy as np
import torch

from smol_reference.checkpoint import ModelConfig, load_checkpoint
from smol_reference.safetensors_io import (f32_to_bf16_bits, bf16_bits_to_f32, read_header, read_safetensors,
                                           write_safetensors)
from tests.helpers import FixtureTestCase


class SafetensorsRoundTrip(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(7)
        self.tensors = {"a": rng.standard_normal((3, 5)).astype(np.float32),
                        "b.weight": rng.standard_normal(7).astype(np.float32),
                        "scalar": np.array(2.5, dtype=np.float32)}

    def tearDown(self):
        self.tmp.cleanup()

    def round_trip(self, dtype):
        path = os.path.join(self.tmp.name, f"{dtype}.safetensors")
        write_safetensors(path, self.tensors, dtype, {"format": "pt"})
        return path, read_safetensors(path)

    def test_f32_is_exact(self):
        _, back = self.round_trip("F32")
        for name, v in self.tensors.items():
            np.testing.assert_array_equal(back[name], v)
            self.assertEqual(back[name].dtype, np.float32)

    def test_f16_matches_numpy_rounding(self):
        _, back = self.round_trip("F16")
        for name, v in self.tensors.items():
            np.testing.assert_array_equal(back[name], v.astype(np.float16).astype(np.float32))

    def test_bf16_matches_torch_rounding(self):
        _, back = self.round_trip("BF16")
        for name, v in self.tensors.items():
            expect = torch.from_numpy(np.array(v)).to(torch.bfloat16).to(torch.float32).numpy()
            np.testing.assert_array_equal(back[name], expect)

    def test_bf16_round_to_nearest_even(self):
        # 1 + 2^-8 lies exactly half-way between two BF16 values (1 and 1 + 2^-7): ties go to the even one, 1.
        x = np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), 3.0e38], dtype=np.float32)
        got = bf16_bits_to_f32(f32_to_bf16_bits(x))
        expect = torch.from_numpy(x).to(torch.bfloat16).to(torch.float32).numpy()
        np.testing.assert_array_equal(got, expect)
        self.assertEqual(got[0], 1.0)
        self.assertEqual(got[1], 1 + 2 ** -6)

    def test_header_layout(self):
        path, _ = self.round_trip("BF16")
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            raw = f.read(n)
        self.assertEqual(n % 8, 0)
        header = json.loads(raw)
        self.assertEqual(header["__metadata__"], {"format": "pt"})
        self.assertEqual(header["a"], {"dtype": "BF16", "shape": [3, 5], "data_offsets": [0, 30]})
        self.assertEqual(header["scalar"]["shape"], [])
        parsed, metadata, start = read_header(path)
        self.assertNotIn("__metadata__", parsed)
        self.assertEqual(start, 8 + n)
        self.assertEqual(os.path.getsize(path), start + max(v["data_offsets"][1] for v in parsed.values()))

    def test_unsupported_dtype_is_refused(self):
        path = os.path.join(self.tmp.name, "i32.safetensors")
        header = json.dumps({"x": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}}).encode()
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + b"\0\0\0\0")
        with self.assertRaisesRegex(ValueError, "unsupported dtype I32"):
            read_safetensors(path)


class ConfigDefaults(unittest.TestCase):
    def test_hf_llama_defaults(self):
        c = ModelConfig.from_hf_json({"vocab_size": 10, "hidden_size": 12, "intermediate_size": 20,
                                      "num_hidden_layers": 1, "num_attention_heads": 3})
        self.assertEqual((c.head_dim, c.num_key_value_heads, c.rope_theta, c.rms_norm_eps),
                         (4, 3, 10000.0, 1e-6))
        self.assertFalse(c.tie_word_embeddings)
        self.assertEqual(c.max_position_embeddings, 2048)

    def test_explicit_head_dim_wins(self):
        c = ModelConfig.from_hf_json({"vocab_size": 10, "hidden_size": 48, "intermediate_size": 20,
                                      "num_hidden_layers": 1, "num_attention_heads": 4, "head_dim": 16})
        self.assertEqual((c.head_dim, c.q_dim), (16, 64))

    def test_rope_scaling_is_refused(self):
        with self.assertRaisesRegex(ValueError, "rope_scaling"):
            ModelConfig.from_hf_json({"vocab_size": 10, "hidden_size": 12, "intermediate_size": 20,
                                      "num_hidden_layers": 1, "num_attention_heads": 3,
                                      "rope_scaling": {"type": "linear", "factor": 2.0}})


class CheckpointLoading(FixtureTestCase):
    def test_every_fixture_loads_with_its_dtype_values(self):
        from smol_reference.fixtures import fixture_file_values, fixture_kinds
        for kind in fixture_kinds():
            with self.subTest(kind=kind):
                ckpt = load_checkpoint(self.fixtures.get(kind))
                expect = fixture_file_values(kind, 1)
                self.assertEqual(sorted(ckpt.tensors), sorted(expect))
                for name, v in expect.items():
                    np.testing.assert_array_equal(ckpt.tensors[name], v)

    def test_tied_lm_head_is_the_embedding(self):
        ckpt = load_checkpoint(self.fixtures.get("odd"))
        self.assertTrue(ckpt.config.tie_word_embeddings)
        self.assertNotIn("lm_head.weight", ckpt.tensors)
        self.assertIs(ckpt.lm_head(), ckpt.tensors["model.embed_tokens.weight"])

    def test_untied_lm_head_and_explicit_head_dim(self):
        ckpt = load_checkpoint(self.fixtures.get("untied-f32"))
        self.assertFalse(ckpt.config.tie_word_embeddings)
        self.assertEqual(ckpt.config.head_dim, 16)
        self.assertEqual(ckpt.tensors["model.layers.0.self_attn.q_proj.weight"].shape, (64, 48))
        self.assertIs(ckpt.lm_head(), ckpt.tensors["lm_head.weight"])

    def test_sharded_index_covers_every_tensor_once(self):
        directory = self.fixtures.get("sharded")
        with open(os.path.join(directory, "model.safetensors.index.json")) as f:
            weight_map = json.load(f)["weight_map"]
        files = sorted(set(weight_map.values()))
        self.assertGreaterEqual(len(files), 2)
        seen = {}
        for file in files:
            for name in read_header(os.path.join(directory, file))[0]:
                self.assertNotIn(name, seen)
                seen[name] = file
        self.assertEqual(seen, weight_map)
        self.assertEqual(sorted(load_checkpoint(directory).tensors), sorted(weight_map))

    def test_missing_tensor_is_reported_by_name(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = load_checkpoint(self.fixtures.get("odd"))
            tensors = dict(src.tensors)
            del tensors["model.layers.1.mlp.up_proj.weight"]
            write_safetensors(os.path.join(tmp, "model.safetensors"), tensors, "F32")
            with open(os.path.join(self.fixtures.get("odd"), "config.json")) as f:
                cfg = f.read()
            with open(os.path.join(tmp, "config.json"), "w") as f:
                f.write(cfg)
            with self.assertRaisesRegex(ValueError, "model.layers.1.mlp.up_proj.weight"):
                load_checkpoint(tmp)


if __name__ == "__main__":
    unittest.main()
