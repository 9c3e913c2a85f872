"""Scans (running reductions along one dimension): cumsum, cumprod, cummax, cummin,
logcumsumexp. Output i along the dimension reduces the inputs 0..i, so input j influences every
output i >= j, and its gradient is a reversed running sum over those outputs.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim
from glassnet.ops.elementwise import cast
from glassnet.ops.indexing import Gather
from glassnet.tensor import Tensor

CumMax = namedtuple("cummax", ["values", "indices"])
CumMin = namedtuple("cummin", ["values", "indices"])


def _reverse_cumsum(g: np.ndarray, axis: int) -> np.ndarray:
    """r_j = sum_{i >= j} g_i along axis."""
    return np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)


class Cumsum(Op):
    """y_i = sum_{j <= i} x_j along `axis`.   dL/dx_j = sum_{i >= j} gy_i (a reversed cumsum)."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis, dtype=x.dtype)

    @staticmethod
    def backward(ctx, gy):
        return _reverse_cumsum(gy, ctx.axis)


class Cumprod(Op):
    """y_i = prod_{j <= i} x_j along `axis`.

    dL/dx_j = sum_{i >= j} gy_i prod_{k <= i, k != j} x_k. Without zeros in x this is
    (reversed cumsum of gy * y)_j / x_j. With zeros the division is undefined, so the sum is
    computed as P_{j-1} S_j, with P the exclusive running product and the backward recurrence
    S_j = gy_j + x_{j+1} S_{j+1} (one pass along the axis).
    """

    @staticmethod
    def forward(ctx, x, axis):
        y = np.cumprod(x, axis=axis, dtype=x.dtype)
        ctx.save_for_backward(x, y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axis = ctx.axis
        if x.size == 0:
            return np.zeros_like(gy)
        if np.all(x != 0):
            return _reverse_cumsum(gy * y, axis) / x
        xm, gm = np.moveaxis(x, axis, 0), np.moveaxis(gy, axis, 0)
        n = xm.shape[0]
        exclusive = np.ones_like(xm)  # P_{j-1}: product of x_0 .. x_{j-1}
        exclusive[1:] = np.cumprod(xm[:-1], axis=0)
        s = np.empty_like(gm)
        s[n - 1] = gm[n - 1]
        for j in range(n - 2, -1, -1):
            s[j] = gm[j] + xm[j + 1] * s[j + 1]
        return np.moveaxis(exclusive * s, 0, axis)


class Logcumsumexp(Op):
    """y_i = ln sum_{j <= i} e^{x_j} along `axis`.

    dL/dx_j = sum_{i >= j} gy_i e^{x_j - y_i}   (the softmax of x_0..x_i, at j, weighted by gy_i).
    """

    @staticmethod
    def forward(ctx, x, axis):
        y = np.logaddexp.accumulate(x, axis=axis) if x.size else x.copy()
        ctx.save_for_backward(x, y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        if x.size == 0:
            return np.zeros_like(gy)
        # in float64, with m = the largest y: e^(m - y) stays finite over a span of ~700
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        m = np.max(y64, axis=ctx.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(over="ignore", invalid="ignore"):
            w = _reverse_cumsum(gy * np.exp(m - y64), ctx.axis)
            return (w * np.exp(x64 - m)).astype(gy.dtype)


def _scan_input(input: Tensor, dim: int, dtype: Any, op: str) -> tuple:
    """The input cast as PyTorch does for sums and products (bool and integers to int64, or
    to `dtype` when given), and the axis (0 for a 0-d input, which is scanned as one element)."""
    axis = norm_dim(dim, input._data.ndim, op)
    if dtype is not None:
        input = cast(input, _dtypes.to_dtype(dtype))
    elif input._data.dtype.kind in "biu":
        input = cast(input, np.dtype(np.int64))
    return input, axis


def _run(cls: type, input: Tensor, axis: Any) -> Tensor:
    if axis is None:  # 0-d
        return cls.apply(input.reshape(1), axis=0).reshape(())
    return cls.apply(input, axis=axis)


def cumsum(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Running sum along `dim`: y_i = x_0 + ... + x_i. Integers and bools sum in int64.

    Example
    -------
    >>> glassnet.cumsum(glassnet.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([1., 3., 6.])
    """
    input, axis = _scan_input(input, dim, dtype, "cumsum")
    return _run(Cumsum, input, axis)


def cumprod(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Running product along `dim`: y_i = x_0 * ... * x_i; the gradient is exact with zeros.

    Example
    -------
    >>> glassnet.cumprod(glassnet.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([1., 2., 6.])
    """
    input, axis = _scan_input(input, dim, dtype, "cumprod")
    return _run(Cumprod, input, axis)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """y_i = ln(e^{x_0} + ... + e^{x_i}) along `dim`, computed without overflow."""
    if input._data.dtype.kind != "f":
        input = cast(input, _dtypes.get_default_dtype())
    return _run(Logcumsumexp, input, norm_dim(dim, input._data.ndim, "logcumsumexp"))


def _cum_extreme(input: Tensor, dim: int, ufunc: np.ufunc, op: str) -> tuple:
    axis = norm_dim(dim, input._data.ndim, op)
    flat = axis is None
    x = input._data.reshape(1) if flat else input._data
    axis = 0 if flat else axis
    n = x.shape[axis]
    values = ufunc.accumulate(x, axis=axis) if x.size else x
    positions = np.arange(n).reshape((-1,) + (1,) * (x.ndim - 1 - axis))
    # the index of the running extreme: the last position so far where x reaches it; a NaN is
    # the extreme from there on (it propagates), indexed by the latest NaN, as PyTorch
    reached = (x == values) | (x != x)  # x != x: NaN
    hit = np.where(reached, positions, -1) if x.size else np.zeros(x.shape, np.int64)
    idx = np.maximum.accumulate(hit, axis=axis).astype(np.int64) if x.size else hit
    source = input.reshape(1) if flat else input
    out = Gather.apply(source, index=idx, axis=axis)
    if flat:
        out, idx = out.reshape(()), idx.reshape(())
    result = CumMax if op == "cummax" else CumMin
    return result(out, Tensor._wrap(idx))


def cummax(input: Tensor, dim: int) -> CumMax:
    """(values, indices): the running maximum along `dim` and where it was reached (the latest
    position on ties, as PyTorch; a NaN propagates, indexed by the latest NaN).
    dL/dx = gy added at those positions."""
    return _cum_extreme(input, dim, np.maximum, "cummax")


def cummin(input: Tensor, dim: int) -> CumMin:
    """(values, indices): the running minimum along `dim` and where it was reached."""
    return _cum_extreme(input, dim, np.minimum, "cummin")
