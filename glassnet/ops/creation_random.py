"""Factories of random tensors: rand, randn, randint, randperm, rand_like, randn_like, normal.

Each draws from `generator` (or the global generator, see glassnet/random.py) in float64 or int64,
then casts to `dtype`, so a seed gives the same numbers for every dtype. `device=` and
`pin_memory=` as in glassnet/ops/creation.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.ops.creation_checks import _float_dtype, _new, _size
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def rand(
    *size: Any,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Uniform samples from [0, 1)."""
    _device.check(device, "rand")
    shape, d = _size(size, "rand"), _float_dtype(dtype)
    draw = rng_of(generator).random  # drawn in float64, then cast
    return _new("rand", shape, np.float64, lambda: draw(shape).astype(d), requires_grad)


def randn(
    *size: Any,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    _device.check(device, "randn")
    shape, d = _size(size, "randn"), _float_dtype(dtype)
    draw = rng_of(generator).standard_normal  # drawn in float64, then cast
    return _new("randn", shape, np.float64, lambda: draw(shape).astype(d), requires_grad)


def randint(
    low: int,
    high: Any = None,
    size: Sequence[int] | None = None,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Integers drawn uniformly from [low, high) (int64 unless `dtype` says otherwise).

    As in PyTorch, `randint(high, size)` draws from [0, high).
    """
    _device.check(device, "randint")
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: empty range [{low}, {high})")
    shape = _size((size,), "randint")
    d = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    draw = rng_of(generator).integers  # drawn as int64, then cast
    return _new("randint", shape, np.int64, lambda: draw(low, high, shape).astype(d), requires_grad)


def randperm(
    n: int,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A random permutation of 0..n-1."""
    _device.check(device, "randperm")
    d = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    shape = _size((n,), "randperm")
    draw = rng_of(generator).permutation  # drawn as int64, then cast
    return _new("randperm", shape, np.int64, lambda: draw(shape[0]).astype(d), requires_grad)


def rand_like(
    input: Tensor,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    _device.check(device, "rand_like")
    return rand(
        *input._data.shape,
        generator=generator,
        dtype=dtype or input._data.dtype,
        requires_grad=requires_grad,
    )


def randn_like(
    input: Tensor,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    _device.check(device, "randn_like")
    return randn(
        *input._data.shape,
        generator=generator,
        dtype=dtype or input._data.dtype,
        requires_grad=requires_grad,
    )


def normal(
    mean: float,
    std: float,
    size: Sequence[int],
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "normal")
    d = _float_dtype(dtype)
    if not std >= 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    shape = _size((size,), "normal")
    draw = rng_of(generator).normal  # drawn in float64, then cast
    return _new(
        "normal", shape, np.float64, lambda: draw(mean, std, shape).astype(d), requires_grad
    )
