"""Rounding: floor, ceil, round (to `decimals` places, halves to even), trunc (fix) and frac.
Rounding keeps the dtype (integers are already whole) and has gradient 0; frac = x - trunc(x)
has dL/dx = gy.
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.tensor import Tensor


class Round(Op):
    """y = floor / ceil / round-half-to-even / trunc of x.   dL/dx = 0 (a step function)."""

    @staticmethod
    def forward(ctx, x, fn, decimals):
        if decimals:
            return np.round(x, decimals)
        return fn(x)

    @staticmethod
    def backward(ctx, gy):
        return np.zeros_like(gy)


class Frac(Op):
    """y = x - trunc(x).   dL/dx = gy."""

    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, gy):
        return gy


def _rounded(input: Tensor, fn: np.ufunc, decimals: int = 0) -> Tensor:
    if input._data.dtype.kind != "f":
        return Tensor._wrap(input._data.copy())  # integers are already whole
    return Round.apply(input, fn=fn, decimals=decimals)


def floor(input: Tensor) -> Tensor:
    """The largest integer <= x, elementwise (same dtype). Gradient 0."""
    return _rounded(input, np.floor)


def ceil(input: Tensor) -> Tensor:
    """The smallest integer >= x, elementwise (same dtype). Gradient 0."""
    return _rounded(input, np.ceil)


def round(input: Tensor, decimals: int = 0) -> Tensor:
    """x rounded to `decimals` places, halves to even (as PyTorch). Gradient 0."""
    return _rounded(input, np.round, int(decimals))


def trunc(input: Tensor) -> Tensor:
    """x rounded toward zero. Gradient 0."""
    return _rounded(input, np.trunc)


fix = trunc


def frac(input: Tensor) -> Tensor:
    """The fractional part x - trunc(x) (sign of x kept). dL/dx = gy."""
    if input._data.dtype.kind != "f":
        raise TypeError(f"frac: input must be a floating point tensor, got dtype {input.dtype}")
    return Frac.apply(input)
