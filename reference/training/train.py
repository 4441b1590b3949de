"""Trains the default model: a small LLaMA (GQA, RoPE, SwiGLU, tied embeddings) on the public-domain corpus,
with the PyTorch reference's own forward pass (differentiable.py), seeded and on one thread, so a rerun
reproduces it. The sequences of a step run as one batch, their products in BF16 (AMX) by default
(--precision f32 for float32 oneDNN products). docs/trained-model.md gives the whole recipe and the committed
run's command.

--repro-check N trains N steps twice from the same seed and exits 1 unless both give identical weights.
"""
import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from smol_reference.checkpoint import EMBED, ModelConfig  # noqa: E402
from smol_reference.safetensors_io import write_safetensors  # noqa: E402

import differentiable  # noqa: E402
import evaluate  # noqa: E402

torch.set_num_threads(1)

GEOMETRY = dict(vocab_size=4096, hidden_size=192, intermediate_size=512, num_hidden_layers=6,
                num_attention_heads=6, num_key_value_heads=2, head_dim=32)
CONTEXT = evaluate.DEFAULT_CONTEXT   # tokens per training sequence (and per validation window)
SEQUENCES_PER_STEP = 4
PEAK_LR, FINAL_LR_FRACTION, WARMUP_STEPS = 2e-3, 0.1, 40
WEIGHT_DECAY, BETAS, GRAD_CLIP = 0.1, (0.9, 0.95), 1.0
INIT_STD = 0.02
EVAL_EVERY, EVAL_WINDOWS = 100, 24
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def hf_config():
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", **GEOMETRY,
        "max_position_embeddings": 2 * CONTEXT, "rope_theta": 10000.0, "rope_scaling": None, "rms_norm_eps": 1e-05,
        "hidden_act": "silu", "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False,
        "tie_word_embeddings": True, "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0,
        "torch_dtype": "bfloat16", "initializer_range": INIT_STD, "pretraining_tp": 1, "use_cache": True,
    }


def init_parameters(config, seed):
    """GPT-2-style init: N(0, 0.02), the two residual-branch outputs scaled by 1/sqrt(2 * layers), norms 1."""
    gen = torch.Generator().manual_seed(seed)
    residual_std = INIT_STD / math.sqrt(2 * config.num_hidden_layers)
    params = {}
    for name, shape in config.expected_shapes().items():
        if len(shape) == 1:
            params[name] = torch.nn.Parameter(torch.ones(shape))
        else:
            std = residual_std if name.endswith(("o_proj.weight", "down_proj.weight")) else INIT_STD
            params[name] = torch.nn.Parameter(torch.randn(shape, generator=gen) * std)
    return params


def learning_rate(step, steps):
    """Linear warmup, then cosine decay to FINAL_LR_FRACTION of the peak."""
    if step < WARMUP_STEPS:
        return PEAK_LR * (step + 1) / WARMUP_STEPS
    progress = (step - WARMUP_STEPS) / max(1, steps - WARMUP_STEPS)
    return PEAK_LR * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * progress)))


def train(train_ids, steps, seed, log=None, valid_ids=None, precision="bf16", on_checkpoint=None, save_every=0):
    """Returns {name: trained parameter} after `steps` optimizer steps; writes a JSON line per step to `log`.

    Every `save_every` steps (0: never) calls on_checkpoint(params): a run cut short still leaves a model.
    """
    config = ModelConfig(**GEOMETRY, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
                         max_position_embeddings=2 * CONTEXT)
    torch.manual_seed(seed)
    params = init_parameters(config, seed)
    decay = [p for p in params.values() if p.dim() == 2]
    no_decay = [p for p in params.values() if p.dim() == 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=PEAK_LR, betas=BETAS)
    data = torch.from_numpy(train_ids.astype(np.int64))
    sampler = torch.Generator().manual_seed(seed + 1)
    eval_windows = None
    if valid_ids is not None:
        eval_windows = torch.from_numpy(np.stack(evaluate.windows(valid_ids.astype(np.int64), CONTEXT)[:EVAL_WINDOWS]))
    start = time.time()
    with differentiable.trainable_products(precision):
        model = differentiable.bind(params, config)
        for step in range(steps):
            lr = learning_rate(step, steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad(set_to_none=True)
            starts = torch.randint(0, len(data) - CONTEXT - 1, (SEQUENCES_PER_STEP,), generator=sampler)
            batch = torch.stack([data[s:s + CONTEXT + 1] for s in starts.tolist()])
            # The mean over all SEQUENCES_PER_STEP * CONTEXT predictions, as the mean of per-sequence means was.
            loss = F.cross_entropy(differentiable.batch_logits(model, batch[:, :-1]), batch[:, 1:].reshape(-1))
            loss.backward()
            grad_norm = float(torch.nn.utils.clip_grad_norm_(params.values(), GRAD_CLIP))
            optimizer.step()
            record = {"step": step + 1, "loss": float(loss), "lr": lr, "grad_norm": grad_norm,
                      "tokens": (step + 1) * SEQUENCES_PER_STEP * CONTEXT, "elapsed_s": round(time.time() - start, 1)}
            if eval_windows is not None and ((step + 1) % EVAL_EVERY == 0 or step + 1 == steps):
                with torch.no_grad():
                    total = float(F.cross_entropy(differentiable.batch_logits(model, eval_windows[:, :-1]),
                                                  eval_windows[:, 1:].reshape(-1), reduction="sum"))
                record["val_loss_subset"] = total / eval_windows[:, 1:].numel()
            if log is not None:
                log.write(json.dumps(record) + "\n")
                log.flush()
            if save_every and (step + 1) % save_every == 0 and step + 1 < steps:
                on_checkpoint(params)
    return params


def save_checkpoint(params, tokenizer_dir, out):
    os.makedirs(out, exist_ok=True)
    tensors = {name: p.detach().numpy() for name, p in params.items()}
    write_safetensors(os.path.join(out, "model.safetensors"), tensors, "BF16", {"format": "pt"})
    for name, content in (("config.json", hf_config()),
                          ("generation_config.json", {"bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0})):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(content, f, indent=2)
            f.write("\n")
    for name in TOKENIZER_FILES:
        shutil.copyfile(os.path.join(tokenizer_dir, name), os.path.join(out, name))


def repro_check(train_ids, steps, seed, precision):
    a = train(train_ids, steps, seed, precision=precision)
    b = train(train_ids, steps, seed, precision=precision)
    same = all(torch.equal(a[name], b[name]) for name in a)
    moved = not torch.equal(a[EMBED], init_parameters(ModelConfig(**GEOMETRY), seed)[EMBED])
    print(f"repro-check: {steps} {precision} steps twice from seed {seed}: weights {'identical' if same else 'DIFFER'}; "
          f"training {'changed' if moved else 'did NOT change'} the weights")
    return 0 if same and moved else 1


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", required=True, help="directory with train.ids.npy and valid.ids.npy")
    p.add_argument("--tokenizer", help="directory with tokenizer.json and tokenizer_config.json")
    p.add_argument("--out", help="checkpoint directory to write")
    p.add_argument("--log", help="JSON-lines training log to write")
    p.add_argument("--steps", type=int, default=650)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--precision", choices=differentiable.PRECISIONS, default="bf16",
                   help="inputs of the weight and attention products (weights, norms, softmax, loss stay float32)")
    p.add_argument("--save-every", type=int, default=0, metavar="N",
                   help="also write the checkpoint every N steps (without training_result.json)")
    p.add_argument("--repro-check", type=int, metavar="N", help="train N steps twice on valid.ids.npy and compare")
    args = p.parse_args(argv)
    valid_ids = np.load(os.path.join(args.corpus, "valid.ids.npy"))
    if args.repro_check:
        return repro_check(valid_ids, args.repro_check, args.seed, args.precision)
    if not (args.tokenizer and args.out and args.log):
        p.error("--tokenizer, --out and --log are required for a training run")
    if args.steps < 1 or args.save_every < 0:
        p.error(f"--steps must be positive and --save-every non-negative (got {args.steps}, {args.save_every})")
    train_ids = np.load(os.path.join(args.corpus, "train.ids.npy"))
    start = time.time()
    with open(args.log, "w", encoding="utf-8") as log:
        params = train(train_ids, args.steps, args.seed, log, valid_ids, args.precision,
                       lambda params: save_checkpoint(params, args.tokenizer, args.out), args.save_every)
    seconds = time.time() - start
    save_checkpoint(params, args.tokenizer, args.out)

    from smol_reference.checkpoint import load_checkpoint
    from smol_reference.model import ReferenceModel
    reference_model = ReferenceModel(load_checkpoint(args.out))
    val_loss = evaluate.validation_loss(reference_model, valid_ids, CONTEXT)
    # What the CTest recomputes (the whole split takes minutes on the plain reference).
    first = evaluate.first_windows(valid_ids, CONTEXT, evaluate.CHECK_WINDOWS)
    val_loss_check = evaluate.validation_loss(reference_model, first, CONTEXT)
    with open(args.log, encoding="utf-8") as f:
        losses = [json.loads(line)["loss"] for line in f]
    tail = losses[-50:]
    result = {"steps": args.steps, "seed": args.seed, "precision": args.precision,
              "sequences_per_step": SEQUENCES_PER_STEP, "tokens_seen": args.steps * SEQUENCES_PER_STEP * CONTEXT,
              "parameters": sum(p.numel() for p in params.values()), "train_seconds": round(seconds),
              "train_loss_last50": sum(tail) / len(tail), "val_loss": val_loss, "val_perplexity": math.exp(val_loss),
              "val_tokens": int(len(valid_ids)), "context": CONTEXT,
              "check_windows": evaluate.CHECK_WINDOWS, "val_loss_check": val_loss_check, "geometry": GEOMETRY}
    with open(os.path.join(args.out, "training_result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
