"""Random numbers: a global NumPy Generator seeded by `manual_seed`, or one passed explicitly.

As in PyTorch, the global generator is seeded from the operating system's entropy when glassnet is
imported, so two runs of a script that never seeds differ. For repeatable runs call
`glassnet.manual_seed(s)` first (every random function then draws the same numbers each run), or
pass a seeded `glassnet.Generator` as `generator=`. `glassnet.initial_seed()` gives the seed in use,
so an unseeded run can be repeated by seeding with it.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

import glassnet._device as _device

# PyTorch's seed for a new torch.Generator() (a fixed number; only the global generator is
# seeded from the OS).
DEFAULT_GENERATOR_SEED = 67280421310721


class Generator:
    """A seedable source of random numbers, as `torch.Generator` (wraps numpy.random.Generator).

    Parameters
    ----------
    seed : int, optional
        The seed (a glassnet extension); by default PyTorch's fixed seed for a new generator,
        67280421310721, so `Generator()` draws the same numbers in every run, as in PyTorch.
    device : str or glassnet.device
        "cpu" (the only device glassnet has; accepted for `torch.Generator(device=...)`).

    Example
    -------
    >>> g = glassnet.Generator().manual_seed(0)
    >>> glassnet.randn(3, generator=g)
    """

    def __init__(self, seed: int | None = None, device: Any = "cpu") -> None:
        _device.check(device, "Generator")
        self.manual_seed(DEFAULT_GENERATOR_SEED if seed is None else seed)

    def manual_seed(self, seed: int) -> Generator:
        """Restart this generator from `seed`; returns the generator.

        As in PyTorch, a seed may be any int in [-2**63, 2**64); a negative one counts modulo
        2**64 (`manual_seed(-1)` is `manual_seed(2**64 - 1)`).
        """
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"manual_seed: the seed must be in [-2**63, 2**64), got {seed}")
        seed %= 2**64
        self.rng = np.random.default_rng(seed)
        self._seed = seed
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed (as PyTorch)."""
        self.manual_seed(secrets.randbits(64))
        return self._seed

    def initial_seed(self) -> int:
        """The seed this generator was last started from."""
        return self._seed

    def get_state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state


default_generator = Generator()
default_generator.seed()  # from the OS, as PyTorch: unseeded runs differ


def manual_seed(seed: int) -> Generator:
    """Seed the global generator that every random function uses when not given `generator=`.

    After `manual_seed(s)` a script draws the same numbers in every run.
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the global generator from the operating system's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the global generator: drawn from the OS at import, or the last `manual_seed`."""
    return default_generator.initial_seed()


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


def get_rng_state() -> Any:
    """The global generator's state as a uint8 tensor (as `torch.get_rng_state`), for checkpoints.

    The bytes are NumPy's PCG64 state: 16 bytes state, 16 bytes increment (little-endian), one
    byte "has a buffered 32-bit value", 4 bytes that value. `set_rng_state` restores it.
    """
    from glassnet.tensor import Tensor

    st = default_generator.get_state()
    raw = (
        st["state"]["state"].to_bytes(16, "little")
        + st["state"]["inc"].to_bytes(16, "little")
        + bytes([st["has_uint32"]])
        + int(st["uinteger"]).to_bytes(4, "little")
    )
    return Tensor._wrap(np.frombuffer(raw, dtype=np.uint8).copy())


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator from `get_rng_state()`'s uint8 tensor (or array)."""
    raw = np.asarray(new_state, dtype=np.uint8).tobytes()
    if len(raw) != _STATE_BYTES:
        raise ValueError(
            f"set_rng_state: expected the {_STATE_BYTES}-byte state from glassnet.get_rng_state(), "
            f"got {len(raw)} bytes"
        )
    default_generator.set_state(
        {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(raw[:16], "little"),
                "inc": int.from_bytes(raw[16:32], "little"),
            },
            "has_uint32": raw[32],
            "uinteger": int.from_bytes(raw[33:37], "little"),
        }
    )


_STATE_BYTES = 37
