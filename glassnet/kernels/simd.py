"""Keeping NumPy's minimum and maximum on their SIMD loops.

NumPy runs `np.maximum(x, y)` through its SIMD loop when both operands are arrays; against a 0-d
number it takes a scalar loop at about half the speed. So a large contiguous x is read as rows
of ROW numbers and compared with one cached row of the number (~1.9x faster on 1e6 float32
numbers); the last partial row takes the scalar path. Plain versions: `reference_nn.relu`,
`np.minimum(x, value)`, `np.clip(x, lo, hi)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.kernels.cache import CACHE

ROW = 1024  # numbers per row
MANY = 16384  # below this many numbers the plain call is as fast


def scalar_of(value: float, dtype: Any) -> np.ndarray:
    """A cached 0-d array of value: NumPy 2 converts a Python number anew on every call (~0.4
    us, as much as a whole op on a small array); read-only, as it is shared."""
    return _cached(value, dtype, ())


def row_of(value: float, dtype: Any) -> np.ndarray:
    """A cached row of ROW copies of value: the array operand that keeps NumPy's minimum and
    maximum on their SIMD loops; read-only, as it is shared."""
    return _cached(value, dtype, (ROW,))


def _cached(value: float, dtype: Any, shape: tuple) -> np.ndarray:
    key = ("full", value, np.dtype(dtype), shape)
    return CACHE.constant(key, lambda: np.full(shape, value, dtype))


def against_rows(ufunc: np.ufunc, x: np.ndarray, value: float, out: np.ndarray) -> None:
    """out = ufunc(x, value) for a contiguous 1-D x: x read as rows of ROW numbers against a
    cached row of `value` (SIMD), the last partial row against the number itself."""
    n = x.size - x.size % ROW
    if n:
        ufunc(x[:n].reshape(-1, ROW), row_of(value, x.dtype), out=out[:n].reshape(-1, ROW))
    if n < x.size:
        ufunc(x[n:], scalar_of(value, x.dtype), out=out[n:])


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0) elementwise, laid out like x: by rows against a row of zeros when x is large
    and its memory is one dense block (in any axis order)."""
    zero = scalar_of(0, x.dtype)  # a Python 0 costs as much as max on a small x
    if x.size < MANY or x.dtype.kind != "f":
        return np.maximum(x, zero)
    xf = x.ravel(order="K")
    if not np.may_share_memory(xf, x):  # ravel had to copy: x is not one dense block
        return np.maximum(x, zero)
    y = np.empty_like(x)  # in x's memory order, so its ravel is a view too
    against_rows(np.maximum, xf, 0, y.ravel(order="K"))
    return y


def clip(x: np.ndarray, lo: float, hi: float, out: np.ndarray) -> np.ndarray:
    """out = x clamped to [lo, hi] for a contiguous 1-D x, by minimum and maximum against rows
    (np.clip against numbers is ~5x slower)."""
    against_rows(np.minimum, x, hi, out)
    against_rows(np.maximum, out, lo, out)
    return out
