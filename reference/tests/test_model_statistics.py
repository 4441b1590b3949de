"""make-model's random weights keep activations alive through every layer: the residual stream neither
explodes nor vanishes with depth, logits have a real spread, and the prediction depends on the input."""
import os
import unittest

import torch

from smol_reference.checkpoint import load_checkpoint
from smol_reference.model import ReferenceModel
from tests.helpers import prompt_ids


class ModelStatistics(unittest.TestCase):
    def test_activations_stay_in_range_through_all_layers(self):
        path = os.environ.get("SMOL_COMPARE_MODEL")
        if not path:
            self.skipTest("SMOL_COMPARE_MODEL is not set (run through CTest)")
        model = ReferenceModel(load_checkpoint(path))
        ids = prompt_ids(model.config.vocab_size, n=32)
        with torch.no_grad():
            states = model.hidden_states(ids)
            logits = model.logits(ids)
        rms = [float(s.pow(2).mean().sqrt()) for s in states]
        print(f"  residual rms by layer: {', '.join(f'{r:.3g}' for r in rms)}")
        for layer, value in enumerate(rms):
            self.assertTrue(0.5 * rms[0] <= value <= 20 * rms[0],
                            f"layer {layer}: residual rms {value:.3g} vs embedding rms {rms[0]:.3g}")
        std = float(logits.std(dim=-1).mean())
        print(f"  logit std {std:.3g}, max |logit| {float(logits.abs().max()):.3g}")
        self.assertTrue(1.0 <= std <= 20.0, f"logit std {std:.3g}")
        self.assertTrue(torch.isfinite(logits).all())
        top1 = logits.argmax(dim=-1).tolist()
        self.assertGreaterEqual(len(set(top1)), 8, f"predictions collapse to few tokens: {top1}")


if __name__ == "__main__":
    unittest.main()
