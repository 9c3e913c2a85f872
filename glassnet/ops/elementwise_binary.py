"""Binary elementwise arithmetic: add, sub, mul, div, pow, maximum, minimum and where. Each class
states y = f(a, b) and the local derivatives dL/da = gy * df/da, dL/db = gy * df/db.

Inputs broadcast as NumPy does; backward sums each gradient back to its input's shape
(`unbroadcast`), since a broadcast input was used once per copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import GlassnetTypeError, Op, unbroadcast
from glassnet.kernels.simd import select
from glassnet.ops._common import operands, result_dtype
from glassnet.ops.elementwise_copy import cast
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
        return select(cond, a, b)

    @staticmethod
    def backward(ctx, gy):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        zero = np.zeros((), dtype=gy.dtype)
        ga = unbroadcast(select(cond, gy, zero), sa) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(select(cond, zero, gy), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb


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


def half_meets_number(input: Any, other: Any) -> bool:
    """True when a float16 tensor meets a number (a Python number or a 0-d tensor).

    PyTorch's mul and div then keep the number in float32, the type float16 arithmetic is
    carried out in ("opmath"), so `x * 1e5` on x = 1e-7 gives 0.0119 instead of the number
    overflowing float16 to inf first (its largest value is 65504)."""
    for t, number in ((input, other), (other, input)):
        if isinstance(t, Tensor) and t._data.dtype == _dtypes.float16:
            if not isinstance(number, Tensor):
                return True
            n = number._data
            return n.ndim == 0 and result_dtype(t._data, n) == _dtypes.float16
    return False


def in_float32(op: Any, input: Any, other: Any) -> Tensor:
    """op(input, other) in float32, rounded once to float16 (see `half_meets_number`)."""

    def wide(x: Any) -> Any:
        if isinstance(x, Tensor):
            return cast(x, _dtypes.float32)
        return _dtypes.float32.type(x) if isinstance(x, (int, float, np.number)) else x

    return cast(op(wide(input), wide(other)), _dtypes.float16)


def mul(input: Any, other: Any) -> Tensor:
    if half_meets_number(input, other):
        return in_float32(mul, input, other)
    return Mul.apply(*operands(input, other))


def div(input: Any, other: Any) -> Tensor:
    if half_meets_number(input, other):
        return in_float32(div, input, other)
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
            # the comparisons stay in elementwise (the ONNX exporter records them there)
            from glassnet.ops.elementwise import logical_or

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
