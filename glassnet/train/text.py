"""Sampling text from a character language model, one character at a time."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def generate_text(
    model: Any,
    meta: dict[str, Any],
    prompt: str,
    max_new_tokens: int = 200,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: Any = None,
) -> str:
    """Continue `prompt` by sampling from the model's next-character distribution.

    At each step the last `block_size` ids go through the model; the scores z of the last
    position become p = softmax(z / temperature) (keeping only the `top_k` largest), and the next
    character is drawn from p. temperature = 0 is the limit of that: greedy decoding, the
    arg-max of z every step (no randomness). `meta` holds the vocabulary (`chars`) and
    `block_size`.
    """
    if not temperature >= 0:
        raise ValueError(f"generate: temperature must be >= 0, got {temperature}")
    chars = meta["chars"]
    index = {c: i for i, c in enumerate(chars)}
    unknown = sorted({c for c in prompt if c not in index})
    if unknown:
        raise ValueError(f"generate: the prompt has characters the model never saw: {unknown}")
    block = int(meta["block_size"])
    rng = rng_of(generator)
    ids = [index[c] for c in prompt] or [0]
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            for _ in range(max_new_tokens):
                context = Tensor._wrap(np.array([ids[-block:]], dtype=np.int64))  # (1, T)
                out = model(context)
                logits = (out[0] if isinstance(out, tuple) else out)._data[0, -1]  # (V,)
                if temperature == 0:
                    ids.append(int(np.argmax(logits)))
                    continue
                z = logits.astype(np.float64) / temperature
                if top_k is not None and top_k < len(z):
                    z[z < np.sort(z)[-top_k]] = -np.inf
                p = np.exp(z - z.max())
                p /= p.sum()
                ids.append(int(rng.choice(len(p), p=p)))
    finally:
        model.train(was_training)
    return (
        "".join(chars[i] for i in ids[len(prompt) or 1 :])
        if not prompt
        else prompt + "".join(chars[i] for i in ids[len(prompt) :])
    )
