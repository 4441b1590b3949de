"""INT8 schemes: the exact formulas the engine shares (scale, half-to-even rounding, clamp, zero tensors)."""
import unittest

import numpy as np
import torch

from smol_reference.quant import (block_dequantize, block_quantize, dequantize, effective_weight, pack_q4_0,
                                  q8_quantize, q8_scales, quantize_weight, round_half_away, uses_blocks)


def torch_quantize(w, per_row):
    """The same formulas written with torch ops, to show numpy and torch agree bit for bit."""
    w = torch.from_numpy(w)
    max_abs = w.abs().amax(dim=1, keepdim=True) if per_row else w.abs().max()
    scale = max_abs / torch.tensor(127.0, dtype=torch.float32)
    q = torch.round(w / torch.where(scale == 0, torch.ones_like(scale), scale))
    q = torch.where(scale == 0, torch.zeros_like(q), q).clamp(-127, 127).to(torch.int8)
    return q.numpy(), scale.reshape(-1).numpy() if per_row else scale.numpy()


class Quantization(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(11)
        self.w = (rng.standard_normal((37, 53)) * 0.05).astype(np.float32)
        self.w[5] *= 10.0  # an outlier row

    def test_codes_in_range_and_scale_formula(self):
        for scheme in ("q8", "q8r"):
            with self.subTest(scheme=scheme):
                q, scale = quantize_weight(self.w, scheme)
                self.assertEqual(q.dtype, np.int8)
                self.assertGreaterEqual(int(q.min()), -127)
                self.assertLessEqual(int(q.max()), 127)
                self.assertEqual(scale.dtype, np.float32)
                if scheme == "q8":
                    self.assertEqual(scale.shape, ())
                    self.assertEqual(scale, np.float32(np.abs(self.w).max()) / np.float32(127))
                    self.assertEqual(int(np.abs(q).max()), 127)
                else:
                    self.assertEqual(scale.shape, (37,))
                    np.testing.assert_array_equal(scale, np.abs(self.w).max(axis=1) / np.float32(127))
                    np.testing.assert_array_equal(np.abs(q).max(axis=1), 127)

    def test_numpy_and_torch_agree_bitwise(self):
        for per_row, scheme in ((False, "q8"), (True, "q8r")):
            q, scale = quantize_weight(self.w, scheme)
            tq, tscale = torch_quantize(self.w, per_row)
            np.testing.assert_array_equal(q, tq)
            np.testing.assert_array_equal(scale, tscale)

    def test_half_to_even_on_exact_ties(self):
        # max|w| = 127 makes the scale exactly 1, so w / scale is w and every .5 is an exact tie.
        w = np.array([127.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 126.5], dtype=np.float32)
        q, scale = quantize_weight(w, "q8")
        self.assertEqual(scale, np.float32(1.0))
        np.testing.assert_array_equal(q, np.array([127, 0, 2, 2, 0, -2, -2, 4, 126], dtype=np.int8))

    def test_division_is_float32(self):
        # For a few weights the float64 quotient rounds to another integer than the float32 one; the engine
        # divides in float32, so the reference must too. These values were found by searching N(0,1) samples.
        rng = np.random.default_rng(0)
        w = rng.standard_normal(1000000).astype(np.float32)
        q, scale = quantize_weight(w, "q8")
        q64 = np.clip(np.rint(w.astype(np.float64) / np.float64(scale)), -127, 127).astype(np.int8)
        differ = np.nonzero(q != q64)[0]
        self.assertGreater(len(differ), 0)
        np.testing.assert_array_equal(q[differ], np.rint(w[differ] / scale).astype(np.int8))

    def test_zero_tensor_and_zero_row(self):
        q, scale = quantize_weight(np.zeros((3, 4), np.float32), "q8")
        self.assertEqual(scale, 0.0)
        np.testing.assert_array_equal(q, 0)
        w = self.w.copy()
        w[2] = 0.0
        q, scale = quantize_weight(w, "q8r")
        self.assertEqual(scale[2], 0.0)
        np.testing.assert_array_equal(q[2], 0)
        self.assertFalse(np.isnan(dequantize(q, scale)).any())

    def test_dequantized_weight_is_float32_product(self):
        for scheme in ("q8", "q8r"):
            q, scale = quantize_weight(self.w, scheme)
            deq = effective_weight(self.w, scheme)
            s = scale.reshape(-1, 1) if scale.ndim else scale
            np.testing.assert_array_equal(deq, q.astype(np.float32) * s)
            bound = (s / 2) * (1 + 1e-6)  # rounding error is at most half a step
            self.assertTrue(np.all(np.abs(deq - self.w) <= bound))

    def test_per_row_is_at_least_as_accurate(self):
        err_t = np.abs(effective_weight(self.w, "q8") - self.w).max(axis=1)
        err_r = np.abs(effective_weight(self.w, "q8r") - self.w).max(axis=1)
        self.assertTrue(np.all(err_r <= err_t * (1 + 1e-6)))

    def test_f32_is_identity(self):
        self.assertIs(effective_weight(self.w, "f32"), self.w)
        with self.assertRaises(ValueError):
            effective_weight(self.w, "q4")

    def test_explicit_scale_quantize(self):
        q = q8_quantize(np.array([[1.0, -300.0]], np.float32), np.float32(1.0))
        np.testing.assert_array_equal(q, [[1, -127]])  # clamped
        self.assertEqual(q8_scales(np.ones((2, 0), np.float32), per_row=True).shape, (2,))


class BlockQuantization(unittest.TestCase):
    """q8_0 / q4_0: llama.cpp's block formulas (docs/model-format.md), the same cases as the engine's tests."""

    def test_round_half_away_is_c_roundf(self):
        v = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997, -0.49999997, 126.5, 3.0, -0.0], np.float32)
        np.testing.assert_array_equal(round_half_away(v), [1, 2, 3, -1, -3, 0, 0, 127, 3, 0])

    def test_q8_0_ties_round_away_from_zero(self):
        w = np.zeros((1, 32), np.float32)
        w[0, :7] = [127.0, 0.5, 1.5, 2.5, -0.5, -2.5, 126.5]
        codes, scales = block_quantize(w, "q8_0")
        self.assertEqual(scales.dtype, np.float16)
        self.assertEqual(float(scales[0, 0]), 1.0)
        np.testing.assert_array_equal(codes[0, :7], [127, 1, 2, 3, -1, -3, 127])

    def test_q4_0_scale_from_first_signed_extreme_and_clamp(self):
        w = np.zeros((1, 32), np.float32)
        w[0, :8] = [-8.0, 7.5, 0.0, 0.49, 0.5, -0.5, 8.0, 3.2]
        codes, scales = block_quantize(w, "q4_0")
        self.assertEqual(float(scales[0, 0]), 1.0)
        np.testing.assert_array_equal(codes[0, :8], [0, 15, 8, 8, 9, 8, 15, 11])
        w[0, :2] = [8.0, -8.0]
        w[0, 6] = 0.0
        codes, scales = block_quantize(w, "q4_0")
        self.assertEqual(float(scales[0, 0]), -1.0)
        np.testing.assert_array_equal(codes[0, :2], [0, 15])

    def test_q4_0_packing_low_then_high_nibbles(self):
        codes = np.arange(32, dtype=np.uint8).reshape(1, 32) % 16
        packed = pack_q4_0(codes)
        self.assertEqual(packed.shape, (1, 1, 16))
        self.assertEqual(int(packed[0, 0, 3]), 3 | (((19 % 16)) << 4))

    def test_block_weights_are_code_times_float16_scale(self):
        rng = np.random.default_rng(5)
        w = (rng.standard_normal((7, 96)) * 0.05).astype(np.float32)
        for scheme, steps in (("q8_0", 127.0), ("q4_0", 8.0)):
            with self.subTest(scheme=scheme):
                codes, scales = block_quantize(w, scheme)
                deq = effective_weight(w, scheme)
                np.testing.assert_array_equal(deq, block_dequantize(codes, scales, scheme))
                amax = np.repeat(np.abs(w.reshape(7, 3, 32)).max(axis=2), 32, axis=1)
                # half a step, plus a whole one for q4_0's clamped code 16, plus the float16 rounding of d
                bound = amax / steps * (0.57 if scheme == "q8_0" else 1.01)
                self.assertTrue(np.all(np.abs(deq - w) <= bound + 1e-7))

    def test_rows_not_whole_blocks_fall_back_to_q8r(self):
        rng = np.random.default_rng(6)
        w = rng.standard_normal((5, 40)).astype(np.float32)
        for scheme in ("q8_0", "q4_0"):
            self.assertFalse(uses_blocks(w, scheme))
            np.testing.assert_array_equal(effective_weight(w, scheme), effective_weight(w, "q8r"))
        self.assertTrue(uses_blocks(w[:, :32], "q4_0"))
        with self.assertRaises(ValueError):
            block_quantize(w, "q8_0")

    def test_zero_block(self):
        codes, scales = block_quantize(np.zeros((2, 64), np.float32), "q4_0")
        np.testing.assert_array_equal(codes, 8)
        np.testing.assert_array_equal(scales, 0)
        self.assertFalse(np.isnan(effective_weight(np.zeros((2, 64), np.float32), "q8_0")).any())



class ActivationQuantization(unittest.TestCase):
    """The int8-activation mode's blocks (engine/src/activation_quant.h computes the same)."""

    def test_ties_round_away_with_the_block_max_at_127(self):
        from smol_reference.quant import quantize_activations
        x = np.zeros((1, 32), np.float32)
        x[0, :7] = [127, 2.5, -2.5, 0.5, -0.5, 3.49, -126.5]  # max 127: d = 1, id = 1, x * id = x
        codes, d = quantize_activations(x)
        self.assertEqual(d[0, 0], np.float32(1))
        self.assertEqual(codes[0, 0, :7].tolist(), [127, 3, -3, 1, -1, 3, -127])

    def test_partial_last_block_zero_block_and_fake_quantized_values(self):
        from smol_reference.quant import fake_quantize_activations, quantize_activations
        rng = np.random.default_rng(4)
        x = rng.uniform(-4, 4, size=(3, 72)).astype(np.float32)  # blocks of 32, 32 and 8
        x[1, 32:64] = 0
        codes, d = quantize_activations(x)
        self.assertEqual(codes.shape, (3, 3, 32))
        self.assertTrue((codes[:, 2, 8:] == 0).all(), "the partial block is padded with zero codes")
        self.assertEqual(d[1, 1], 0)
        self.assertTrue((codes[1, 1] == 0).all())
        np.testing.assert_array_equal(d[:, 2], np.max(np.abs(x[:, 64:]), axis=1).astype(np.float32) / np.float32(127))
        self.assertTrue((np.abs(codes).max(axis=2)[d > 0] == 127).all())
        x2 = fake_quantize_activations(x)
        self.assertEqual(x2.shape, x.shape)
        step = np.repeat(d, 32, axis=1)[:, :72]
        self.assertTrue((np.abs(x2 - x) <= step * np.float32(0.5) * (1 + 1e-6)).all())


if __name__ == "__main__":
    unittest.main()
