"""generate_text: temperature 0 decodes greedily."""

import numpy as np
import pytest

from glassnet.tensor import Tensor
from glassnet.train.text import generate_text


class _Cycle:
    """A fake language model: after character i the most likely is i + 1 (mod V), with a
    runner-up that sampling at a high temperature would often pick."""

    training = False

    def __init__(self, vocab: int) -> None:
        self.vocab = vocab

    def eval(self):
        return self

    def train(self, mode=True):
        return self

    def __call__(self, ids):
        x = ids._data  # (1, T)
        logits = np.zeros((*x.shape, self.vocab), dtype=np.float32)
        last = x[0, -1]
        logits[0, -1, (last + 1) % self.vocab] = 2.0
        logits[0, -1, (last + 2) % self.vocab] = 1.9
        return Tensor._wrap(logits)


META = {"chars": "abcd", "block_size": 4}


def test_temperature_zero_is_greedy_and_ignores_the_generator():
    for seed in range(3):
        out = generate_text(
            _Cycle(4), META, "a", 7, temperature=0.0, generator=np.random.default_rng(seed)
        )
        assert out == "abcdabcd"


def test_sampling_differs_and_negative_temperature_refused():
    samples = {
        generate_text(_Cycle(4), META, "a", 12, temperature=1.0, generator=np.random.default_rng(s))
        for s in range(5)
    }
    assert len(samples) > 1
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        generate_text(_Cycle(4), META, "a", 3, temperature=-1.0)
