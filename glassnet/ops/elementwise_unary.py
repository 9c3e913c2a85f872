"""Unary elementwise ops: neg, exp, log, log1p, sqrt, rsqrt, sin, cos, abs, sign, square and
clamp. Each class states y = f(x) and the local derivative dL/dx = gy * f'(x).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import Op
from glassnet.ops._common import to_float
from glassnet.ops.elementwise_binary import PowScalar, maximum, minimum
from glassnet.ops.elementwise_copy import cast
from glassnet.tensor import Tensor


# ----------------------------------------------------------------------------- unary
class Neg(Op):
    """y = -x.   dL/dx = -gy."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, gy):
        return -gy


class Exp(Op):
    """y = e^x.   dL/dx = gy * e^x = gy * y."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        return gy * ctx.saved_tensors[0]


class Log(Op):
    """y = ln x.   dL/dx = gy / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, gy):
        return gy / ctx.saved_tensors[0]


class Log1p(Op):
    """y = ln(1 + x), accurate for small x.   dL/dx = gy / (1 + x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, gy):
        return gy / (1 + ctx.saved_tensors[0])


class Sqrt(Op):
    """y = sqrt(x).   dL/dx = gy / (2 sqrt(x)) = gy / (2 y)."""

    @staticmethod
    def forward(ctx, x):
        y = np.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        return gy / (2 * ctx.saved_tensors[0])


class Rsqrt(Op):
    """y = 1 / sqrt(x).   dL/dx = -gy / (2 x^(3/2)) = -gy * y^3 / 2."""

    @staticmethod
    def forward(ctx, x):
        y = 1 / np.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return -0.5 * gy * y * y * y


class Sin(Op):
    """y = sin x.   dL/dx = gy * cos x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, gy):
        return gy * np.cos(ctx.saved_tensors[0])


class Cos(Op):
    """y = cos x.   dL/dx = -gy * sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, gy):
        return -gy * np.sin(ctx.saved_tensors[0])


class Abs(Op):
    """y = |x|.   dL/dx = gy * sign(x)   (0 at x = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, gy):
        return gy * np.sign(ctx.saved_tensors[0])


class Sign(Op):
    """y = sign(x) in {-1, 0, 1} (0 for NaN, as PyTorch).   dL/dx = 0 (a step function has zero
    slope almost everywhere)."""

    @staticmethod
    def forward(ctx, x):
        y = np.sign(x)
        if x.dtype.kind == "f":
            y = np.where(np.isnan(y), np.zeros((), x.dtype), y)
        return y

    @staticmethod
    def backward(ctx, gy):
        return np.zeros_like(gy)


class Clamp(Op):
    """y = min(max(x, lo), hi).   dL/dx = gy where lo <= x <= hi, else 0."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return gy * inside


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


def exp(input: Tensor) -> Tensor:
    return Exp.apply(to_float(input))


def log(input: Tensor) -> Tensor:
    return Log.apply(to_float(input))


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(to_float(input))


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(to_float(input))


def rsqrt(input: Tensor) -> Tensor:
    return Rsqrt.apply(to_float(input))


def sin(input: Tensor) -> Tensor:
    return Sin.apply(to_float(input))


def cos(input: Tensor) -> Tensor:
    return Cos.apply(to_float(input))


def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


def square(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "b":  # PyTorch: square of a bool tensor is int64
        input = cast(input, _dtypes.int64)
    return PowScalar.apply(input, p=2)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max]; either bound may be None."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
    if input._data.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
        input = to_float(input)  # an integer tensor clamped to a float bound is float, as PyTorch
    return Clamp.apply(input, lo=min, hi=max)


clip = clamp
