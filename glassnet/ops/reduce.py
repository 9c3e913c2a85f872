"""Reductions. Backward spreads the output gradient back over the reduced axes:
for a sum every input gets gy; for a mean gy / n; for a max only the winners.

Variance and standard deviation are in glassnet/ops/reduce_variance.py, re-exported here."""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim, require_float, to_float
from glassnet.ops.reduce_axes import _drop_axes, _expand_back
from glassnet.ops.reduce_variance import Std, Var, std, var  # noqa: F401 (re-exported)
from glassnet.tensor import Tensor

MaxMin = namedtuple("MaxMin", ["values", "indices"])


class Sum(Op):
    """y = sum_i x_i over the axes.   dL/dx_i = gy (copied to every summed position)."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.args = (x.shape, axis, keepdims)
        return np.asarray(x.sum(axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, gy):
        return _expand_back(gy, *ctx.args)


class Mean(Op):
    """y = (1/n) sum_i x_i.   dL/dx_i = gy / n."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        y = np.asarray(x.mean(axis=axis, keepdims=keepdims))
        ctx.args = (x.shape, axis, keepdims)
        ctx.n = x.size // builtins.max(y.size, 1) if x.size else 0
        return y

    @staticmethod
    def backward(ctx, gy):
        return _expand_back(gy / builtins.max(ctx.n, 1), *ctx.args)


class Prod(Op):
    """y = prod_i x_i.   dL/dx_i = gy * prod_{j != i} x_j, computed as the product of the
    exclusive cumulative products from the left and from the right (exact when some x_j = 0)."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.save_for_backward(x)
        ctx.args = (axis, keepdims)
        return np.asarray(x.prod(axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        axis, keepdims = ctx.args
        if axis is None:
            flat = x.reshape(-1)
            others = _exclusive_products(flat, 0).reshape(x.shape)
        else:
            others = _exclusive_products(x, axis)
        return _expand_back(gy, x.shape, axis, keepdims) * others


def _exclusive_products(x: np.ndarray, axis: int) -> np.ndarray:
    """prod_{j != i} x_j along axis, for every i, without dividing."""
    if x.shape[axis] == 0:  # no elements along axis: nothing to differentiate
        return np.ones_like(x)
    ones = np.ones_like(np.take(x, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=axis)], axis=axis), axis=axis)
    rev = np.flip(x, axis=axis)
    right = np.cumprod(np.concatenate([ones, np.delete(rev, -1, axis=axis)], axis=axis), axis=axis)
    return left * np.flip(right, axis=axis)


class Amax(Op):
    """y = max_i x_i.   dL/dx_i = gy / k for each of the k positions equal to the max, else 0."""

    @staticmethod
    def forward(ctx, x, axis, keepdims, largest):
        y = np.asarray(
            x.max(axis=axis, keepdims=True) if largest else x.min(axis=axis, keepdims=True)
        )
        ctx.save_for_backward(x, y)
        ctx.args = (axis, keepdims)
        return y if keepdims else _drop_axes(y, axis)

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axis, keepdims = ctx.args
        winners = x == y
        share = (winners / winners.sum(axis=axis, keepdims=True)).astype(gy.dtype, copy=False)
        return _expand_back(gy, x.shape, axis, keepdims) * share


class MaxAlongDim(Op):
    """y = x[argmax] along one axis.   dL/dx = gy at the selected index, 0 elsewhere."""

    @staticmethod
    def forward(ctx, x, axis, keepdims, index):
        ctx.shape = x.shape
        ctx.args = (axis, keepdims, index)
        y = np.take_along_axis(x, index, axis=axis)
        return y if keepdims else np.squeeze(y, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        axis, keepdims, index = ctx.args
        gx = np.zeros(ctx.shape, dtype=gy.dtype)
        if not keepdims:
            gy = np.expand_dims(gy, axis)
        np.put_along_axis(gx, index, gy, axis=axis)
        return gx


class LogSumExp(Op):
    """y = m + ln sum_i e^(x_i - m), m = max x (stable).   dL/dx_i = gy * softmax(x)_i."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        m = x.max(axis=axis, keepdims=True, initial=-np.inf)  # an empty sum: -inf, as torch
        m = np.where(np.isfinite(m), m, 0)
        y = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
        ctx.save_for_backward(x, y)
        ctx.args = (axis, keepdims)
        return y if keepdims else _drop_axes(y, axis)

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axis, keepdims = ctx.args
        return _expand_back(gy, x.shape, axis, keepdims) * np.exp(x - y)


class Norm(Op):
    """y = (sum_i |x_i|^p)^(1/p).   dL/dx_i = gy * sign(x_i) |x_i|^(p-1) / y^(p-1);
    p = 2: gy * x_i / y (0 where y = 0);  p = inf: gy at the largest |x_i| (shared on ties)."""

    @staticmethod
    def forward(ctx, x, p, axis, keepdims):
        a = np.abs(x)
        if p == np.inf:
            y = a.max(axis=axis, keepdims=True)
        elif p == 2:
            y = np.sqrt((x * x).sum(axis=axis, keepdims=True))
        elif p == 1:
            y = a.sum(axis=axis, keepdims=True)
        else:
            y = (a**p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        if y.size == x.size:  # one number per norm: |x| itself, as PyTorch (no x^2 overflow)
            y = a
        ctx.save_for_backward(x, y)
        ctx.args = (p, axis, keepdims)
        return y if keepdims else _drop_axes(y, axis)

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        p, axis, keepdims = ctx.args
        g = _expand_back(gy, x.shape, axis, keepdims)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == np.inf:
                a = np.abs(x)
                winners = a == y
                local = np.sign(x) * winners / winners.sum(axis=axis, keepdims=True)
            elif p == 2:
                local = np.where(y == 0, 0, x / y)
            elif p == 1:
                local = np.sign(x)
            else:
                local = np.where(y == 0, 0, np.sign(x) * np.abs(x) ** (p - 1) / y ** (p - 1))
        return g * local.astype(x.dtype, copy=False)


# ----------------------------------------------------------------------------- public functions
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """Sum over `dim` (all elements when None)."""
    out = Sum.apply(input, axis=norm_dim(dim, input._data.ndim, "sum"), keepdims=keepdim)
    return out if dtype is None else out.astype(dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Arithmetic mean over `dim` (all elements when None). Needs a float tensor, as PyTorch."""
    if input._data.dtype.kind != "f":
        raise TypeError(f"mean: input dtype should be floating point, got {input._data.dtype}")
    return Mean.apply(input, axis=norm_dim(dim, input._data.ndim, "mean"), keepdims=keepdim)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return Prod.apply(input, axis=norm_dim(dim, input._data.ndim, "prod"), keepdims=keepdim)


def _check_nonempty(input: Tensor, op: str, axis: Any) -> None:
    """Refuse a max/min/argmax over no elements (other axes may be empty, as in PyTorch)."""
    shape = input._data.shape
    if axis is None:
        empty = input._data.size == 0
    else:
        empty = any(shape[a] == 0 for a in ((axis,) if isinstance(axis, int) else axis))
    if empty:
        where = "" if axis is None else f" along dim {axis}"
        raise ValueError(f"{op}: cannot reduce an empty tensor of shape {shape}{where}")


def amax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Largest value over `dim`; ties share the gradient equally."""
    axis = norm_dim(dim, input._data.ndim, "amax")
    _check_nonempty(input, "amax", axis)
    return Amax.apply(input, axis=axis, keepdims=keepdim, largest=True)


def amin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Smallest value over `dim`; ties share the gradient equally."""
    axis = norm_dim(dim, input._data.ndim, "amin")
    _check_nonempty(input, "amin", axis)
    return Amax.apply(input, axis=axis, keepdims=keepdim, largest=False)


def _max_min(input: Tensor, dim: Any, keepdim: bool, largest: bool, op: str) -> Any:
    if dim is None:
        return amax(input) if largest else amin(input)
    axis = norm_dim(dim, input._data.ndim, op)
    _check_nonempty(input, op, axis)
    x = input._data if input._data.ndim else input._data.reshape(1)
    axis = 0 if axis is None else axis
    pick = np.argmax if largest else np.argmin
    index = np.expand_dims(pick(x, axis=axis), axis)
    if input._data.ndim == 0:
        return MaxMin(input, Tensor._wrap(np.asarray(0)))
    values = MaxAlongDim.apply(input, axis=axis, keepdims=keepdim, index=index)
    indices = index if keepdim else np.squeeze(index, axis=axis)
    return MaxMin(values, Tensor._wrap(indices.astype(np.int64)))


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """max(x): the largest element.  max(x, dim): (values, indices) along dim, as PyTorch.
    max(x, other_tensor): the elementwise maximum."""
    if isinstance(dim, Tensor):
        from glassnet.ops.elementwise import maximum

        return maximum(input, dim)
    return _max_min(input, dim, keepdim, True, "max")


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """min(x): the smallest element.  min(x, dim): (values, indices) along dim."""
    if isinstance(dim, Tensor):
        from glassnet.ops.elementwise import minimum

        return minimum(input, dim)
    return _max_min(input, dim, keepdim, False, "min")


def _flat_index(index: Any, ndim: int, keepdim: bool) -> Tensor:
    shape = (1,) * ndim if keepdim else ()
    return Tensor._wrap(np.asarray(index, dtype=np.int64).reshape(shape))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest value (in the flattened tensor when dim is None)."""
    if dim is None:
        _check_nonempty(input, "argmax", None)
        return _flat_index(np.argmax(input._data), input._data.ndim, keepdim)
    axis = norm_dim(dim, input._data.ndim, "argmax")
    _check_nonempty(input, "argmax", axis)
    return Tensor._wrap(np.argmax(input._data, axis=axis, keepdims=keepdim).astype(np.int64))


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest value (in the flattened tensor when dim is None)."""
    if dim is None:
        _check_nonempty(input, "argmin", None)
        return _flat_index(np.argmin(input._data), input._data.ndim, keepdim)
    axis = norm_dim(dim, input._data.ndim, "argmin")
    _check_nonempty(input, "argmin", axis)
    return Tensor._wrap(np.argmin(input._data, axis=axis, keepdims=keepdim).astype(np.int64))


def logsumexp(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """ln sum exp(x) over `dim`, without overflow (integers give floats, as in PyTorch)."""
    return LogSumExp.apply(
        to_float(input), axis=norm_dim(dim, input._data.ndim, "logsumexp"), keepdims=keepdim
    )


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """The p-norm over `dim` (all elements when None): p = 'fro'/2, 1, inf or any float > 0."""
    require_float(input, "norm")
    if p in ("fro", None):
        p = 2
    if isinstance(p, str):
        raise ValueError(f"norm: unsupported p={p!r}; use 'fro', a positive number or inf")
    p = float(p)
    if not p > 0:
        raise ValueError(f"norm: p must be positive, got {p}")
    axis = norm_dim(dim, input._data.ndim, "norm")
    return Norm.apply(input, p=p, axis=axis, keepdims=keepdim)
