"""What every tensor factory shares: the size argument read as a shape, the default float dtype,
and the one memory check before allocating (`zeros(10**12)` is a clear error, not NumPy's
MemoryError).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet._memory import allocating
from glassnet.tensor import Tensor


def _size(size: Sequence[Any], op: str) -> tuple:
    """`size` (ints, or one tuple/list of ints) as a shape of non-negative Python ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        shape = tuple(operator.index(s) for s in size)
    except TypeError:
        raise TypeError(f"{op}: size must be integers, got {tuple(size)!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: negative dimension in size {shape}")
    return shape


def _new(
    op: str, shape: tuple, dtype: Any, make: Callable[[], np.ndarray], requires_grad: bool
) -> Tensor:
    """`make()` wrapped as a tensor, once `shape` of `dtype` is known to fit in memory (the one
    size check of every factory: `zeros(10**12)` is a clear error, not NumPy's MemoryError)."""
    with allocating(op, shape, dtype):
        data = make()
    return _made(data, requires_grad)


def _float_dtype(dtype: Any) -> np.dtype:
    return _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)


def _made(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t
