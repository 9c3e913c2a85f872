"""Variance and standard deviation over axes, with Bessel's correction by default:
var = sum_i (x_i - mean)^2 / (n - c) and std = sqrt(var). The sum of squares is redone in float64
where float32 would overflow, as PyTorch accumulates them in double.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim, require_float
from glassnet.ops.reduce_axes import _drop_axes, _expand_back
from glassnet.tensor import Tensor


def _sum_of_squares(c: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    """sum_i c_i^2 over `axis`. Where a float32/float16 sum overflows or underflows (|c| beyond
    ~1e19 or below ~1e-19 in float32) it is redone in float64, as PyTorch accumulates var and
    std in double: std([1e30, -1e30, 0]) is 1e30, not inf. The result may then be float64."""
    with np.errstate(over="ignore", under="ignore"):
        s = (c * c).sum(axis=axis, keepdims=keepdims)
    if c.dtype.itemsize < 8 and not (np.isfinite(s) & (s != 0)).all():
        s = np.square(c, dtype=np.float64).sum(axis=axis, keepdims=keepdims)
    return s


class Var(Op):
    """y = sum_i (x_i - mean)^2 / (n - c), c the correction (1: Bessel's).
    dL/dx_i = gy * 2 (x_i - mean) / (n - c)."""

    @staticmethod
    def forward(ctx, x, axis, correction, keepdims):
        with np.errstate(over="ignore"):  # a float64 variance past float16/32's range is inf
            return Var.variance(ctx, x, axis, correction, keepdims).astype(x.dtype, copy=False)

    @staticmethod
    def variance(ctx, x, axis, correction, keepdims):
        """The variance, float64 where float32 would overflow (see `_sum_of_squares`)."""
        with np.errstate(over="ignore", invalid="ignore"):  # inf - inf is NaN, as torch's
            centered = x - x.mean(axis=axis, keepdims=True)
        n = x.size if axis is None else int(np.prod([x.shape[a] for a in np.atleast_1d(axis)]))
        denom = builtins.max(n - correction, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.asarray(_sum_of_squares(centered, axis, keepdims) / denom)
        ctx.save_for_backward(centered)
        ctx.args = (axis, keepdims, denom)
        return y

    @staticmethod
    def backward(ctx, gy):
        (centered,) = ctx.saved_tensors
        axis, keepdims, denom = ctx.args
        with np.errstate(divide="ignore", invalid="ignore"):
            return _expand_back(gy, centered.shape, axis, keepdims) * (2 * centered / denom)


class Std(Op):
    """y = sqrt(var(x)).   dL/dx_i = gy * (x_i - mean) / ((n - c) y),   0 where y = 0 (as PyTorch:
    a constant input has no direction of steepest increase, and sqrt'(0) would give nan)."""

    @staticmethod
    def forward(ctx, x, axis, correction, keepdims):
        var = Var.variance(ctx, x, axis, correction, True)  # saves centered, sets args
        with np.errstate(over="ignore"):
            y = np.sqrt(var).astype(x.dtype, copy=False)
        ctx.args = (axis, keepdims, ctx.args[2])
        ctx.y = y
        return y if keepdims else _drop_axes(y, axis)

    @staticmethod
    def backward(ctx, gy):
        (centered,) = ctx.saved_tensors
        axis, keepdims, denom = ctx.args
        y = ctx.y
        with np.errstate(divide="ignore", invalid="ignore"):
            local = np.where(y == 0, 0, centered / (denom * y)).astype(centered.dtype, copy=False)
        return _expand_back(gy, centered.shape, axis, keepdims) * local


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: int | None = None,
) -> Tensor:
    """Variance over `dim` with Bessel's correction (divide by n - 1) unless correction=0."""
    require_float(input, "var")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    axis = norm_dim(dim, input._data.ndim, "var")
    return Var.apply(input, axis=axis, correction=correction, keepdims=keepdim)


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: int | None = None,
) -> Tensor:
    """Standard deviation: sqrt(var), with Bessel's correction unless correction=0."""
    require_float(input, "std")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    axis = norm_dim(dim, input._data.ndim, "std")
    return Std.apply(input, axis=axis, correction=correction, keepdims=keepdim)
