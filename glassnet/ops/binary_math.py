"""Binary elementwise math on floats: atan2, logaddexp, hypot, xlogy, remainder, fmod, fmax,
fmin, copysign, float_power, floor_divide and heaviside. Both inputs broadcast; each gradient is
summed back to its input's shape (`unbroadcast`). Integer inputs become the default float dtype
where the result is a float, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from glassnet.autograd.function import Op, unbroadcast
from glassnet.kernels.simd import select
from glassnet.ops._common import check_broadcast, operands
from glassnet.ops.elementwise_binary import half_meets_number, in_float32
from glassnet.ops.pointwise import _float
from glassnet.tensor import Tensor


class Atan2(Op):
    """y = atan2(a, b), the angle of the point (b, a).
    dL/da = gy * b / (a^2 + b^2),   dL/db = -gy * a / (a^2 + b^2)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        return unbroadcast(gy * b / r2, a.shape), unbroadcast(-gy * a / r2, b.shape)


class Logaddexp(Op):
    """y = ln(e^a + e^b).   dL/da = gy * e^(a - y),   dL/db = gy * e^(b - y)."""

    @staticmethod
    def forward(ctx, a, b):
        y = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, gy):
        a, b, y = ctx.saved_tensors
        return unbroadcast(gy * np.exp(a - y), a.shape), unbroadcast(gy * np.exp(b - y), b.shape)


class Hypot(Op):
    """y = sqrt(a^2 + b^2).   dL/da = gy * a / y,   dL/db = gy * b / y."""

    @staticmethod
    def forward(ctx, a, b):
        y = np.hypot(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, gy):
        a, b, y = ctx.saved_tensors
        return unbroadcast(gy * a / y, a.shape), unbroadcast(gy * b / y, b.shape)


class Remainder(Op):
    """y = a - q b with q = floor(a / b) (remainder, sign of b) or trunc(a / b) (fmod, sign
    of a).   dL/da = gy,   dL/db = -gy * q."""

    @staticmethod
    def forward(ctx, a, b, rounding):
        q = rounding(a / b) if a.dtype.kind == "f" else None
        ctx.args = (a.shape, b.shape, q)
        return np.mod(a, b) if rounding is np.floor else np.fmod(a, b)

    @staticmethod
    def backward(ctx, gy):
        sa, sb, q = ctx.args
        return unbroadcast(gy, sa), unbroadcast(-gy * q, sb)


class Xlogy(Op):
    """y = a * ln b, defined as 0 where a == 0.
    dL/da = gy * ln b (0 where a == 0 and b <= 0, as PyTorch),   dL/db = gy * a / b."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return special.xlogy(a, b).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = np.where((a == 0) & (b <= 0), 0, gy * np.log(b)).astype(gy.dtype, copy=False)
            gb = gy * a / b
        return unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)


def _float_pair(input: Any, other: Any) -> tuple:
    a, b = operands(input, other)
    if a._data.dtype.kind != "f":
        a, b = _float(a), _float(b)
    return a, b


def atan2(input: Tensor, other: Any) -> Tensor:
    """The angle (radians, in [-pi, pi]) of the point (other, input), elementwise."""
    return Atan2.apply(*_float_pair(input, other))


arctan2 = atan2


def logaddexp(input: Tensor, other: Any) -> Tensor:
    """y = ln(e^input + e^other) without overflow."""
    return Logaddexp.apply(*_float_pair(input, other))


def hypot(input: Tensor, other: Any) -> Tensor:
    """y = sqrt(input^2 + other^2) without overflow."""
    return Hypot.apply(*_float_pair(input, other))


def xlogy(input: Any, other: Any) -> Tensor:
    """y = input * ln(other), 0 where input == 0."""
    return Xlogy.apply(*_float_pair(input, other))


def remainder(input: Any, other: Any) -> Tensor:
    """Python's modulus: input - floor(input / other) * other (takes the sign of other)."""
    return Remainder.apply(*operands(input, other), rounding=np.floor)


def fmod(input: Any, other: Any) -> Tensor:
    """C's fmod: input - trunc(input / other) * other (takes the sign of input)."""
    return Remainder.apply(*operands(input, other), rounding=np.trunc)


def floor_divide(input: Any, other: Any) -> Tensor:
    """floor(input / other), elementwise (not differentiable, as in PyTorch); a number meeting
    a float16 tensor stays float32 there, as in PyTorch (see `half_meets_number`)."""
    if half_meets_number(input, other):
        return in_float32(floor_divide, input, other)
    a, b = operands(input, other)
    check_broadcast(a, b, "floor_divide")
    return Tensor._wrap(np.asarray(np.floor_divide(a._data, b._data)))


class Fmax(Op):
    """y = max(a, b) ignoring NaN (fmax) or min(a, b) ignoring NaN (fmin).
    dL/da = gy where a was taken (ties go to a, as PyTorch),   dL/db = gy elsewhere."""

    @staticmethod
    def forward(ctx, a, b, largest):
        take_a = ((a >= b) if largest else (a <= b)) | np.isnan(b)
        ctx.args = (take_a, a.shape, b.shape)
        return np.fmax(a, b) if largest else np.fmin(a, b)

    @staticmethod
    def backward(ctx, gy):
        take_a, sa, sb = ctx.args
        zero = np.zeros((), dtype=gy.dtype)
        return unbroadcast(select(take_a, gy, zero), sa), unbroadcast(select(take_a, zero, gy), sb)


class Copysign(Op):
    """y = |a| with the sign of b.   dL/da = gy * sign(a) * sign(y) (0 at a = 0),   dL/db = 0."""

    @staticmethod
    def forward(ctx, a, b):
        y = np.copysign(a, b)
        ctx.save_for_backward(a, y)
        ctx.shape_b = b.shape
        return y

    @staticmethod
    def backward(ctx, gy):
        a, y = ctx.saved_tensors
        factor = (np.sign(a) * np.where(np.signbit(y), -1, 1)).astype(gy.dtype, copy=False)
        return unbroadcast(gy * factor, a.shape), np.zeros(ctx.shape_b, dtype=gy.dtype)


def fmax(input: Tensor, other: Any) -> Tensor:
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    return Fmax.apply(*operands(input, other), largest=True)


def fmin(input: Tensor, other: Any) -> Tensor:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    return Fmax.apply(*operands(input, other), largest=False)


def copysign(input: Any, other: Any) -> Tensor:
    """|input| with the sign of other, elementwise (the sign bit, so -0.0 counts as negative)."""
    return Copysign.apply(*_float_pair(input, other))


def float_power(input: Any, exponent: Any) -> Tensor:
    """input ** exponent computed in float64 (the result is always float64, as PyTorch)."""
    from glassnet.ops.elementwise import cast, pow

    f64 = np.dtype(np.float64)

    def as_f64(x: Any) -> Tensor:  # each operand on its own: no rounding to a common dtype first
        return cast(x, f64) if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x, f64))

    return pow(as_f64(input), as_f64(exponent))


def heaviside(input: Tensor, values: Any) -> Tensor:
    """The step function: values where input == 0, else 1 where input > 0 and 0 elsewhere (a
    NaN input gives 0, as in PyTorch; NumPy's heaviside would give NaN). Not differentiable."""
    a, b = operands(input, values)
    check_broadcast(a, b, "heaviside")
    x, v = a._data, b._data
    return Tensor._wrap(np.asarray(np.where(x == 0, v, x > 0)).astype(x.dtype))


def _bitwise(ufunc: np.ufunc, input: Any, other: Any, op: str) -> Tensor:
    a, b = operands(input, other)
    if a._data.dtype.kind not in "biu":
        raise TypeError(f"{op}: only integer and bool tensors, got dtype {a._data.dtype}")
    check_broadcast(a, b, op)
    return Tensor._wrap(np.asarray(ufunc(a._data, b._data)))


def bitwise_and(input: Any, other: Any) -> Tensor:
    """a & b bit by bit (logical and for bools)."""
    return _bitwise(np.bitwise_and, input, other, "bitwise_and")


def bitwise_or(input: Any, other: Any) -> Tensor:
    """a | b bit by bit (logical or for bools)."""
    return _bitwise(np.bitwise_or, input, other, "bitwise_or")


def bitwise_xor(input: Any, other: Any) -> Tensor:
    """a ^ b bit by bit (logical xor for bools)."""
    return _bitwise(np.bitwise_xor, input, other, "bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    """~a bit by bit (logical not for bools)."""
    if input._data.dtype.kind not in "biu":
        raise TypeError(f"bitwise_not: only integer and bool tensors, got dtype {input.dtype}")
    return Tensor._wrap(np.invert(input._data))
