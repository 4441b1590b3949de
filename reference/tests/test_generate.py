"""Greedy generation and the command line."""
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

from smol_reference.checkpoint import load_checkpoint
from smol_reference.generate import argmax_lowest, greedy_generate
from smol_reference.model import ReferenceModel
from tests.helpers import FixtureTestCase, prompt_ids

REFERENCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=REFERENCE_DIR)
    return subprocess.run([sys.executable, "-m", "smol_reference", *args], env=env, capture_output=True,
                          text=True, check=False)


class Greedy(FixtureTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = cls.fixtures.get("untied-f32")
        cls.model = ReferenceModel(load_checkpoint(cls.dir))

    def test_ties_go_to_the_lowest_id(self):
        self.assertEqual(argmax_lowest([1.0, 3.0, 2.0, 3.0]), 1)
        self.assertEqual(argmax_lowest(np.array([-1.0, -1.0], np.float32)), 0)

    def test_each_token_is_the_argmax_of_the_extended_sequence(self):
        prompt = prompt_ids(self.model.config.vocab_size, n=8, seed=3)
        out = greedy_generate(self.model, prompt, 6)
        logits = self.model.logits(prompt + out).numpy()
        for step, token in enumerate(out):
            self.assertEqual(token, int(logits[len(prompt) - 1 + step].argmax()))

    def test_cli_logits_and_generate(self):
        prompt = prompt_ids(self.model.config.vocab_size, n=5, seed=4)
        ids = ",".join(map(str, prompt))
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "l.npy")
            r = run_cli("logits", "--model", self.dir, "--ids", ids, "--quant", "q8r", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = np.load(out)
        self.assertEqual((got.dtype, got.shape), (np.float32, (5, self.model.config.vocab_size)))
        np.testing.assert_array_equal(got, ReferenceModel(load_checkpoint(self.dir), "q8r").logits(prompt).numpy())
        r = run_cli("generate", "--model", self.dir, "--ids", ids, "-n", "4", "--quant", "f32")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), ",".join(map(str, greedy_generate(self.model, prompt, 4))))

    def test_cli_errors_are_one_line(self):
        r = run_cli("logits", "--model", "/nonexistent", "--ids", "1", "-o", "/tmp/x.npy")
        self.assertEqual(r.returncode, 1)
        self.assertIn("smol_reference: error:", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
