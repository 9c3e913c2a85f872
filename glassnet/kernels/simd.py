"""Keeping NumPy's minimum, maximum and selects on their SIMD loops.

NumPy runs `np.maximum(x, y)` through its SIMD loop when both operands are arrays; against a 0-d
number it takes a scalar loop at about half the speed. So a large contiguous x is read as rows
of ROW numbers and compared with one cached row of the number (~1.9x faster on 1e6 float32
numbers); the last partial row takes the scalar path. Plain versions: `reference_nn.relu`,
`np.minimum(x, value)`, `np.clip(x, lo, hi)`.

`np.where(cond, a, b)` branches on every element: on a mask of random signs (an activation's
x > 0) it costs ~3.8 ms per 10^6 float32 numbers against ~0.6 ms for a uniform mask. `select`
makes the same choice with bit operations on the numbers' bit patterns instead (6x faster on
float32, 2x on float64, 14x on float16 for a half-and-half mask; the identical bits, NaN
payloads and signed zeros included), where the mask is mixed enough for that to pay (hardswish's
x < -3, true for a few numbers, stays on np.where: 3.0 against 3.6 ms forward + backward).
Plain version: `np.where(cond, a, b)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.kernels.cache import CACHE

ROW = 1024  # numbers per row
MANY = 16384  # below this many numbers the plain call is as fast
MIXED = 0.1  # `select` pays where the rarer choice is at least this fraction of the mask


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


def select(cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
    """np.where(cond, a, b) for a bool cond and float a and b of one dtype (broadcasting): with
    m = all ones where cond, else 0, the bits of the result are b ^ ((a ^ b) & m). Small inputs,
    other dtypes, non-bool conditions and masks of (almost) one choice, on which np.where's
    branches are predicted well, take np.where itself."""
    a, b = np.asarray(a), np.asarray(b)
    if cond.size < MANY or cond.dtype != bool or a.dtype != b.dtype or a.dtype.kind != "f":
        return np.where(cond, a, b)
    taken = np.count_nonzero(cond)
    if min(taken, cond.size - taken) < MIXED * cond.size:
        return np.where(cond, a, b)
    bits = np.dtype(f"u{a.itemsize}")
    mask = cond.astype(bits)
    np.negative(mask, out=mask)  # 1 -> all ones
    a_bits, b_bits = a.view(bits), b.view(bits)
    out = np.bitwise_and(np.bitwise_xor(a_bits, b_bits), mask)
    np.bitwise_xor(out, b_bits, out=out)
    return out.view(a.dtype)
