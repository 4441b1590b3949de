"""Greedy generation: prefill the prompt, then one token at a time through the model's KV cache."""
import numpy as np


def argmax_lowest(row):
    """Index of the largest value; ties go to the lowest id (np.argmax returns the first maximum)."""
    return int(np.argmax(np.asarray(row)))


def greedy_generate(model, prompt_ids, n_new):
    out = []
    if n_new <= 0:
        return out
    cache = model.new_cache()
    last = model.logits(list(prompt_ids), cache)[-1]
    for step in range(n_new):
        out.append(argmax_lowest(last.numpy()))
        if step + 1 < n_new:
            last = model.logits([out[-1]], cache)[-1]
    return out
