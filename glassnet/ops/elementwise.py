"""Elementwise ops. Each class states y = f(x) and the local derivative dL/dx = gy * f'(x).

Binary ops broadcast their inputs as NumPy does; backward sums each gradient back to its input's
shape (`unbroadcast`), since a broadcast input was used once per copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import GlassnetTypeError, Op, unbroadcast
from glassnet.ops._common import lift, operands, to_float
from glassnet.tensor import Tensor


# ----------------------------------------------------------------------------- binary arithmetic
class Add(Op):
    """y = a + b.   dL/da = gy,   dL/db = gy."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a + b

    @staticmethod
    def backward(ctx, gy):
        sa, sb = ctx.shapes
        return unbroadcast(gy, sa), unbroadcast(gy, sb)


class Sub(Op):
    """y = a - b.   dL/da = gy,   dL/db = -gy."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a - b

    @staticmethod
    def backward(ctx, gy):
        sa, sb = ctx.shapes
        gb = unbroadcast(-gy, sb) if ctx.needs_input_grad[1] else None
        return unbroadcast(gy, sa), gb


class Mul(Op):
    """y = a * b.   dL/da = gy * b,   dL/db = gy * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(gy * b, a.shape) if need_a else None
        gb = unbroadcast(gy * a, b.shape) if need_b else None
        return ga, gb


class Div(Op):
    """y = a / b.   dL/da = gy / b,   dL/db = -gy * a / b^2 = -gy * y / b."""

    @staticmethod
    def forward(ctx, a, b):
        y = a / b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, gy):
        a, b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(gy / b, a.shape) if need_a else None
        gb = unbroadcast(-gy * y / b, b.shape) if need_b else None
        return ga, gb


class Pow(Op):
    """y = a ** b.   dL/da = gy * b * a^(b-1)  (0 where b == 0),
    dL/db = gy * a^b * ln(a)  (0 where a == 0 and b >= 0; NaN for a < 0), as PyTorch."""

    @staticmethod
    def forward(ctx, a, b):
        y = a**b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, gy):
        a, b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        zero = np.zeros((), dtype=gy.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_a:
                ga = unbroadcast(gy * np.where(b == 0, zero, b * a ** (b - 1)), a.shape)
            if need_b:
                local = np.where((a == 0) & (b >= 0), zero, y * np.log(a))
                gb = unbroadcast(gy * local, b.shape)
        return ga, gb


class PowScalar(Op):
    """y = x ** p for a number p.   dL/dx = gy * p * x^(p-1)."""

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        if p == 2:
            return x * x
        if p == 3:  # NumPy's float32 x**3 calls powf (~30x slower); PyTorch also multiplies
            return x * x * x
        return x**p

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 2:
            return gy * 2 * x
        if p == 3:
            return gy * (3 * (x * x))
        if p == 0:
            return np.zeros_like(gy)
        return gy * (p * x ** (p - 1))


class Maximum(Op):
    """y = max(a, b).   The gradient goes to the larger input; ties split it half and half."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        share_a = (a > b) + 0.5 * (a == b)
        share_a = share_a.astype(gy.dtype, copy=False)
        return unbroadcast(gy * share_a, a.shape), unbroadcast(gy * (1 - share_a), b.shape)


class Minimum(Op):
    """y = min(a, b).   The gradient goes to the smaller input; ties split it half and half."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        share_a = ((a < b) + 0.5 * (a == b)).astype(gy.dtype, copy=False)
        return unbroadcast(gy * share_a, a.shape), unbroadcast(gy * (1 - share_a), b.shape)


class Where(Op):
    """y = a where cond else b.   dL/da = gy * cond,   dL/db = gy * (1 - cond)."""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        ctx.shapes = (a.shape, b.shape)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, gy):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        zero = np.zeros((), dtype=gy.dtype)
        ga = unbroadcast(np.where(cond, gy, zero), sa) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(np.where(cond, zero, gy), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb


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


class Cast(Op):
    """y = x converted to another dtype.   dL/dx = gy converted back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, gy):
        return gy.astype(ctx.dtype) if ctx.dtype.kind == "f" else None


class Clone(Op):
    """y = a copy of x.   dL/dx = gy."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, gy):
        return gy


# ----------------------------------------------------------------------------- public functions
def add(input: Any, other: Any, alpha: float = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    a, b = operands(input, other)
    if alpha != 1:
        b = mul(b, alpha)
    return Add.apply(a, b)


def sub(input: Any, other: Any, alpha: float = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    a, b = operands(input, other)
    if alpha != 1:
        b = mul(b, alpha)
    return Sub.apply(a, b)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(*operands(input, other))


def div(input: Any, other: Any) -> Tensor:
    a, b = operands(input, other)
    if a._data.dtype.kind != "f":  # true division of integers gives floats, as in PyTorch
        a = cast(a, _dtypes.get_default_dtype())
        b = cast(b, a._data.dtype)
    return Div.apply(a, b)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, broadcasting; a number as exponent keeps the tensor's dtype.

    Bool bases follow PyTorch: `b ** True` is b and `b ** False` all True (bool), `b ** 2` is
    int64, `b ** 2.5` float32; two bool tensors are refused (PyTorch has no bool pow)."""
    if isinstance(input, Tensor) and isinstance(exponent, (int, float, np.number, np.bool_)):
        if input._data.dtype.kind == "b" and isinstance(exponent, (bool, np.bool_)):
            return logical_or(input, not exponent)  # b ** True = b,  b ** False = True
        # a Python number never upcasts: float(np.float64(2.0)) keeps float32 ** 2.0 float32
        p = float(exponent) if isinstance(exponent, (float, np.floating)) else int(exponent)
        if isinstance(p, float) and input._data.dtype.kind != "f":
            input = cast(input, _dtypes.get_default_dtype())
        elif input._data.dtype.kind == "b":
            input = cast(input, _dtypes.int64)
        return PowScalar.apply(input, p=p)
    a, b = operands(input, exponent)
    if a._data.dtype.kind == "b":
        raise GlassnetTypeError(
            f"pow: not implemented for two bool operands (shapes {a._data.shape} and "
            f"{b._data.shape}), as in PyTorch; convert one first, e.g. x.long()"
        )
    return Pow.apply(a, b)


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


def maximum(input: Any, other: Any) -> Tensor:
    return Maximum.apply(*operands(input, other))


def minimum(input: Any, other: Any) -> Tensor:
    return Minimum.apply(*operands(input, other))


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """Pick from input where condition is true, else from other (all three broadcast)."""
    cond = np.asarray(condition._data if isinstance(condition, Tensor) else condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    a, b = operands(input, other)
    return Where.apply(Tensor._wrap(cond), a, b)


def cast(input: Tensor, dtype: Any) -> Tensor:
    """input converted to `dtype` (a dtype or its name); differentiable between float dtypes."""
    dtype = _dtypes.to_dtype(dtype)
    if input._data.dtype == dtype:
        return input
    out = Cast.apply(input, dtype=dtype)
    if dtype.kind != "f" and out.requires_grad:
        out.requires_grad = False
        out._ctx = None
    return out


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)


# ------------------------------------------------------------------------- comparisons (no grad)
def _compare(ufunc: np.ufunc, a: Any, b: Any, name: str) -> Tensor:
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    try:
        return Tensor._wrap(np.asarray(ufunc(x, y)))
    except ValueError:
        raise ValueError(
            f"{name}: shapes {np.shape(x)} and {np.shape(y)} cannot be broadcast together"
        ) from None


def eq(input: Any, other: Any) -> Tensor:
    return _compare(np.equal, input, other, "eq")


def ne(input: Any, other: Any) -> Tensor:
    return _compare(np.not_equal, input, other, "ne")


def lt(input: Any, other: Any) -> Tensor:
    return _compare(np.less, input, other, "lt")


def le(input: Any, other: Any) -> Tensor:
    return _compare(np.less_equal, input, other, "le")


def gt(input: Any, other: Any) -> Tensor:
    return _compare(np.greater, input, other, "gt")


def ge(input: Any, other: Any) -> Tensor:
    return _compare(np.greater_equal, input, other, "ge")


def logical_and(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_and, input, other, "logical_and")


def logical_or(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_or, input, other, "logical_or")


def logical_xor(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_xor, input, other, "logical_xor")


def logical_not(input: Tensor) -> Tensor:
    return Tensor._wrap(np.logical_not(input._data))


def isnan(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isnan(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isfinite(input._data))


def allclose(input: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    return bool(np.allclose(input._data, lift(other)._data, rtol=rtol, atol=atol))


def equal(input: Tensor, other: Tensor) -> bool:
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))
