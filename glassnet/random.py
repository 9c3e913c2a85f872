"""Random numbers: a global NumPy Generator seeded by `manual_seed`, or one passed explicitly."""

from __future__ import annotations

from typing import Any

import numpy as np


class Generator:
    """A seedable source of random numbers, as `torch.Generator` (wraps numpy.random.Generator).

    Example
    -------
    >>> g = glassnet.Generator().manual_seed(0)
    >>> glassnet.randn(3, generator=g)
    """

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self._seed = seed

    def manual_seed(self, seed: int) -> Generator:
        self.rng = np.random.default_rng(seed)
        self._seed = seed
        return self

    def initial_seed(self) -> int | None:
        return self._seed

    def get_state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the global generator that every random function uses when not given `generator=`."""
    return default_generator.manual_seed(int(seed))


seed = manual_seed


def rng_of(generator: Any = None) -> np.random.Generator:
    """The numpy Generator behind `generator` (a glassnet Generator, a numpy one, or None)."""
    if generator is None:
        return default_generator.rng
    if isinstance(generator, Generator):
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(
        "generator must be a glassnet.Generator or numpy.random.Generator, "
        f"got {type(generator).__name__}"
    )
