"""The whole-sequence forward pass against a naive re-implementation written differently on purpose:
one position at a time with a KV cache, explicit per-head loops, RoPE as per-pair rotations with math.cos/sin,
all in float64. Agreement to 1e-5 (relative to max|logit|) checks RoPE, GQA, masking and the norms."""
import math
import unittest

import numpy as np
import torch

from smol_reference.checkpoint import load_checkpoint
from smol_reference.model import ReferenceModel, apply_rope, rope_cos_sin, rope_inv_freq
from smol_reference.quant import effective_weight
from tests.helpers import FixtureTestCase, prompt_ids


def naive_logits(ckpt, ids, quant="f32"):
    c = ckpt.config
    w = {name: effective_weight(v, quant).astype(np.float64) if v.ndim == 2 else v.astype(np.float64)
         for name, v in ckpt.tensors.items()}
    lm_head = w["model.embed_tokens.weight"] if c.tie_word_embeddings else w["lm_head.weight"]
    hd, half = c.head_dim, c.head_dim // 2
    group = c.num_attention_heads // c.num_key_value_heads

    def norm(x, weight):
        return weight * x / math.sqrt(float(np.dot(x, x)) / len(x) + c.rms_norm_eps)

    def rotate(vec, pos):
        out = vec.copy()
        for i in range(half):
            angle = pos / c.rope_theta ** (2 * i / hd)
            cs, sn = math.cos(angle), math.sin(angle)
            out[i] = vec[i] * cs - vec[i + half] * sn
            out[i + half] = vec[i + half] * cs + vec[i] * sn
        return out

    cache = [([], []) for _ in range(c.num_hidden_layers)]  # per layer: keys[pos][kv_head], values[pos][kv_head]
    logits = []
    for pos, token in enumerate(ids):
        x = w["model.embed_tokens.weight"][token].copy()
        for layer in range(c.num_hidden_layers):
            p = f"model.layers.{layer}."
            h = norm(x, w[p + "input_layernorm.weight"])
            q = (w[p + "self_attn.q_proj.weight"] @ h).reshape(c.num_attention_heads, hd)
            k = (w[p + "self_attn.k_proj.weight"] @ h).reshape(c.num_key_value_heads, hd)
            v = (w[p + "self_attn.v_proj.weight"] @ h).reshape(c.num_key_value_heads, hd)
            keys, values = cache[layer]
            keys.append([rotate(k[j], pos) for j in range(c.num_key_value_heads)])
            values.append([v[j] for j in range(c.num_key_value_heads)])
            heads = []
            for head in range(c.num_attention_heads):
                kv = head // group
                qr = rotate(q[head], pos)
                scores = [float(np.dot(qr, keys[t][kv])) / math.sqrt(hd) for t in range(pos + 1)]
                m = max(scores)
                e = [math.exp(s - m) for s in scores]
                heads.append(sum(e[t] / sum(e) * values[t][kv] for t in range(pos + 1)))
            x = x + w[p + "self_attn.o_proj.weight"] @ np.concatenate(heads)
            h = norm(x, w[p + "post_attention_layernorm.weight"])
            g = w[p + "mlp.gate_proj.weight"] @ h
            u = w[p + "mlp.up_proj.weight"] @ h
            x = x + w[p + "mlp.down_proj.weight"] @ (g / (1 + np.exp(-g)) * u)
        logits.append(lm_head @ norm(x, w["model.norm.weight"]))
    return np.array(logits)


class ForwardAgainstNaive(FixtureTestCase):
    def check(self, kind, quant, n=12):
        ckpt = load_checkpoint(self.fixtures.get(kind))
        ids = prompt_ids(ckpt.config.vocab_size, n=n, seed=5)
        ours = ReferenceModel(ckpt, quant).logits(ids).numpy()
        self.assertEqual(ours.dtype, np.float32)
        self.assertEqual(ours.shape, (n, ckpt.config.vocab_size))
        naive = naive_logits(ckpt, ids, quant)
        diff = float(np.abs(ours - naive).max())
        scale = float(np.abs(naive).max())
        print(f"  {kind} {quant}: max|d| {diff:.3g} vs naive float64 (max|logit| {scale:.3g})")
        self.assertLessEqual(diff, 1e-5 * scale)
        np.testing.assert_array_equal(ours.argmax(-1), naive.argmax(-1))

    def test_fixtures_f32(self):
        for kind in ("odd", "untied-f32", "f16", "sharded"):
            with self.subTest(kind=kind):
                self.check(kind, "f32")

    def test_quantized(self):
        for kind, quant in (("odd", "q8"), ("untied-f32", "q8r"), ("sharded", "q8")):
            with self.subTest(kind=kind, quant=quant):
                self.check(kind, quant)


class ForwardProperties(FixtureTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ckpt = load_checkpoint(cls.fixtures.get("f16"))
        cls.model = ReferenceModel(cls.ckpt)

    def test_causal_prefix_is_unchanged(self):
        ids = prompt_ids(self.ckpt.config.vocab_size, n=20, seed=9)
        full = self.model.logits(ids).numpy()
        prefix = self.model.logits(ids[:7]).numpy()
        np.testing.assert_allclose(full[:7], prefix, rtol=0, atol=1e-5 * np.abs(full).max())

    def test_kv_cache_steps_match_the_whole_sequence(self):
        ids = prompt_ids(self.ckpt.config.vocab_size, n=20, seed=10)
        full = self.model.logits(ids).numpy()
        cache = self.model.new_cache()
        parts = [self.model.logits(ids[:9], cache).numpy()]
        parts += [self.model.logits([t], cache).numpy() for t in ids[9:]]
        stepped = np.concatenate(parts)
        np.testing.assert_allclose(stepped, full, rtol=0, atol=1e-5 * np.abs(full).max())
        self.assertEqual(cache[0][0].shape[1], 20)

    def test_rope_preserves_norm_and_is_relative(self):
        d = 16
        x = torch.randn(1, 2, d, generator=torch.Generator().manual_seed(0))
        cos, sin = rope_cos_sin(torch.arange(40), d, 100000.0)
        r = apply_rope(x[:, :1].expand(1, 40, d), cos, sin)
        torch.testing.assert_close(r.norm(dim=-1), x[:, 0].norm(dim=-1).expand(1, 40), rtol=1e-5, atol=0)
        # q(m).k(n) depends only on m - n.
        q, k = x[0, 0], x[0, 1]
        qs = apply_rope(q.expand(40, d)[None], cos, sin)[0]
        ks = apply_rope(k.expand(40, d)[None], cos, sin)[0]
        dots = [(qs[m] @ ks[m - 3]).item() for m in range(3, 40)]
        self.assertLess(max(dots) - min(dots), 1e-4 * abs(dots[0]) + 1e-5)

    def test_inv_freq_matches_hf_formula(self):
        inv = rope_inv_freq(64, 100000.0)
        hf = 1.0 / (100000.0 ** (torch.arange(0, 64, 2, dtype=torch.int64).float() / 64))
        torch.testing.assert_close(inv, hf, rtol=0, atol=0)
        self.assertEqual(inv.dtype, torch.float32)
        self.assertEqual(inv[0].item(), 1.0)

    def test_out_of_range_id_is_refused(self):
        with self.assertRaisesRegex(ValueError, "out of range"):
            self.model.logits([0, self.ckpt.config.vocab_size])

    def test_deterministic(self):
        ids = prompt_ids(self.ckpt.config.vocab_size, n=16, seed=2)
        a = self.model.logits(ids).numpy()
        b = ReferenceModel(self.ckpt).logits(ids).numpy()
        np.testing.assert_array_equal(a, b)


if __name__ == "__main__":
    unittest.main()
