"""Shared by the reference tests: temporary fixture checkpoints and the deterministic prompts."""
import os
import shutil
import tempfile
import unittest

import numpy as np

from smol_reference.fixtures import write_fixture


class FixtureDirs:
    """Writes each fixture kind once per test module into a temporary directory."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="smol_ref_")
        self.dirs = {}

    def get(self, kind, seed=1):
        key = (kind, seed)
        if key not in self.dirs:
            self.dirs[key] = write_fixture(kind, seed, os.path.join(self.root, f"{kind}-{seed}"))
        return self.dirs[key]

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


class FixtureTestCase(unittest.TestCase):
    """A test class with `cls.fixtures` (FixtureDirs), removed after its last test. A subclass that needs more
    set-up calls super().setUpClass() first."""

    @classmethod
    def setUpClass(cls):
        cls.fixtures = FixtureDirs()

    @classmethod
    def tearDownClass(cls):
        cls.fixtures.close()


def prompt_ids(vocab_size, n=32, seed=1234):
    """A deterministic prompt: n ids drawn uniformly from [0, vocab) by a seeded numpy generator."""
    return [int(x) for x in np.random.default_rng(seed).integers(0, vocab_size, size=n)]
