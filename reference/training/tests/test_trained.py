"""The committed trained checkpoint (models-trained/smol-prose) against what its training run recorded.

Run from reference/training with PYTHONPATH=reference (CTest does). Never retrains: the validation loss is
recomputed by the plain reference on the committed validation split, and the training script's determinism
is checked on a few steps.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(TRAINING))
sys.path.insert(0, TRAINING)

import evaluate  # noqa: E402
from smol_reference.checkpoint import load_checkpoint  # noqa: E402
from smol_reference.model import ReferenceModel  # noqa: E402

MODEL_DIR = os.path.join(REPO, "models-trained", "smol-prose")
DATA_DIR = os.path.join(TRAINING, "data")
SMOL_BIN = os.environ.get("SMOL_BIN")


def recorded():
    with open(os.path.join(MODEL_DIR, "training_result.json"), encoding="utf-8") as f:
        return json.load(f)


class TrainedCheckpoint(unittest.TestCase):
    def test_validation_loss_matches_the_recorded_one(self):
        result = recorded()
        ids = np.load(os.path.join(DATA_DIR, "valid.ids.npy"))
        self.assertEqual(len(ids), result["val_tokens"], "the committed validation split is not the one trained with")
        model = ReferenceModel(load_checkpoint(MODEL_DIR))
        first = evaluate.first_windows(ids, result["context"], result["check_windows"])
        loss = evaluate.validation_loss(model, first, result["context"])
        # Same weights, same reference, same thread count: only a different BLAS could move the last digits.
        self.assertAlmostEqual(loss, result["val_loss_check"], delta=1e-4)
        # A trained model, not a random one: uniform guessing over the vocabulary costs ln(vocab) nats.
        self.assertLess(loss, np.log(model.config.vocab_size) - 3.0)

    def test_validation_ids_are_the_committed_text_tokenized(self):
        # Documents of valid.txt, each preceded by <|endoftext|> (id 0): the separators are where the ids say.
        with open(os.path.join(DATA_DIR, "valid.txt"), encoding="utf-8") as f:
            documents = f.read().split("\n<|endoftext|>\n")
        ids = np.load(os.path.join(DATA_DIR, "valid.ids.npy"))
        self.assertEqual(int(ids[0]), 0)
        self.assertEqual(int((ids == 0).sum()), len(documents))


@unittest.skipUnless(SMOL_BIN, "SMOL_BIN is not set (run through CTest)")
class EngineTokenizer(unittest.TestCase):
    def test_engine_tokenizes_the_validation_text_to_the_committed_ids(self):
        # HF tokenizers (train_tokenizer.mjs) encoded each document after an <|endoftext|>; the engine, told
        # to parse special tokens, must give the same ids for the same documents written that way.
        with open(os.path.join(DATA_DIR, "valid.txt"), encoding="utf-8") as f:
            documents = f.read()[:-1].split("\n<|endoftext|>\n")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "valid.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join("<|endoftext|>" + d for d in documents))
            r = subprocess.run([SMOL_BIN, "tokenize", "-m", MODEL_DIR, "--parse-special", "--json", "-f", path],
                               capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        engine_ids = json.loads(r.stdout)["ids"]
        committed = np.load(os.path.join(DATA_DIR, "valid.ids.npy")).tolist()
        self.assertEqual(len(engine_ids), len(committed))
        self.assertEqual(engine_ids, committed)


class BatchedForward(unittest.TestCase):
    """differentiable.batch_logits is the reference's forward with a batch axis: same logits, row by row."""

    def test_batch_logits_are_the_reference_logits_of_each_sequence(self):
        import differentiable
        import torch

        checkpoint = load_checkpoint(MODEL_DIR)
        reference_model = ReferenceModel(checkpoint)
        params = {name: torch.from_numpy(np.asarray(t, dtype=np.float32)) for name, t in checkpoint.tensors.items()}
        ids = np.load(os.path.join(DATA_DIR, "valid.ids.npy"))[:3 * 64].astype(np.int64).reshape(3, 64)
        expected = np.concatenate([reference_model.logits(row).numpy() for row in ids])
        scale = float(np.abs(expected).max())
        for precision, tolerance in (("f32", 1e-5), ("bf16", 0.02)):
            with torch.no_grad(), differentiable.trainable_products(precision):
                got = differentiable.batch_logits(differentiable.bind(params, checkpoint.config), torch.from_numpy(ids))
            # f32: only the summation order differs; bf16: products of inputs with 8-bit mantissas.
            self.assertLess(float(np.abs(got.numpy() - expected).max()), tolerance * scale, precision)
            if precision == "f32":
                self.assertEqual(got.numpy().argmax(-1).tolist(), expected.argmax(-1).tolist())


class TrainingReproducible(unittest.TestCase):
    def test_a_few_seeded_steps_twice_give_identical_weights(self):
        r = subprocess.run([sys.executable, os.path.join(TRAINING, "train.py"), "--corpus", DATA_DIR,
                            "--repro-check", "2"], capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("weights identical", r.stdout)


if __name__ == "__main__":
    unittest.main()
