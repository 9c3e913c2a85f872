"""More elementwise math: rounding, logs and exponentials in other bases, inverse trigonometry,
erf, and the fused forms PyTorch scripts use (lerp, addcmul, addcdiv, nan_to_num).

Each class states y = f(x) and dL/dx = gy * f'(x). Functions that need a float take integer and
bool inputs as the default float dtype, as PyTorch does; rounding keeps the dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from glassnet import _dtypes
from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops._common import lift, operands
from glassnet.ops.elementwise import Clamp, add, cast, div, mul
from glassnet.tensor import Tensor


def _float(input: Any) -> Tensor:
    """input as a floating point tensor (integers and bools become the default float dtype)."""
    input = lift(input)
    if input._data.dtype.kind != "f":
        return cast(input, _dtypes.get_default_dtype())
    return input


# ----------------------------------------------------------------------------- rounding
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


# ----------------------------------------------------------------------------- unary float math
class Unary(Op):
    """y = f(x) for one of the functions below.   dL/dx = gy * f'(x), f' given beside each f.

    reciprocal 1/x: -1/x^2 = -y^2       log2 x: 1/(x ln 2)       log10 x: 1/(x ln 10)
    exp2 2^x: y ln 2                    expm1 e^x - 1: y + 1     erf x: 2/sqrt(pi) e^(-x^2)
    erfinv x: sqrt(pi)/2 e^(y^2)        tan x: 1 + y^2           sinh x: cosh x
    cosh x: sinh x                      asin x: 1/sqrt(1 - x^2)  acos x: -1/sqrt(1 - x^2)
    atan x: 1/(1 + x^2)                 asinh x: 1/sqrt(x^2+1)   atanh x: 1/(1 - x^2)
    """

    @staticmethod
    def forward(ctx, x, name):
        f, df = _UNARY[name]
        y = f(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        ctx.df = df
        return y

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        return (gy * ctx.df(x, y)).astype(gy.dtype, copy=False)


_LN2, _LN10 = np.log(2.0), np.log(10.0)
_UNARY = {
    "reciprocal": (np.reciprocal, lambda x, y: -y * y),
    "log2": (np.log2, lambda x, y: 1 / (x * _LN2)),
    "log10": (np.log10, lambda x, y: 1 / (x * _LN10)),
    "exp2": (np.exp2, lambda x, y: y * _LN2),
    "expm1": (np.expm1, lambda x, y: y + 1),
    "erf": (special.erf, lambda x, y: 2 / np.sqrt(np.pi) * np.exp(-x * x)),
    "erfinv": (special.erfinv, lambda x, y: np.sqrt(np.pi) / 2 * np.exp(y * y)),
    "tan": (np.tan, lambda x, y: 1 + y * y),
    "sinh": (np.sinh, lambda x, y: np.cosh(x)),
    "cosh": (np.cosh, lambda x, y: np.sinh(x)),
    "asin": (np.arcsin, lambda x, y: 1 / np.sqrt(1 - x * x)),
    "acos": (np.arccos, lambda x, y: -1 / np.sqrt(1 - x * x)),
    "atan": (np.arctan, lambda x, y: 1 / (1 + x * x)),
    "asinh": (np.arcsinh, lambda x, y: 1 / np.sqrt(x * x + 1)),
    "atanh": (np.arctanh, lambda x, y: 1 / (1 - x * x)),
}


def _unary(name: str, input: Tensor) -> Tensor:
    return Unary.apply(_float(input), name=name)


def reciprocal(input: Tensor) -> Tensor:
    """y = 1 / x."""
    return _unary("reciprocal", input)


def log2(input: Tensor) -> Tensor:
    """y = log2 x."""
    return _unary("log2", input)


def log10(input: Tensor) -> Tensor:
    """y = log10 x."""
    return _unary("log10", input)


def exp2(input: Tensor) -> Tensor:
    """y = 2^x."""
    return _unary("exp2", input)


def expm1(input: Tensor) -> Tensor:
    """y = e^x - 1, accurate for small x."""
    return _unary("expm1", input)


def erf(input: Tensor) -> Tensor:
    """y = 2/sqrt(pi) * integral_0^x e^(-t^2) dt."""
    return _unary("erf", input)


def erfinv(input: Tensor) -> Tensor:
    """The inverse of erf on (-1, 1)."""
    return _unary("erfinv", input)


def tan(input: Tensor) -> Tensor:
    """y = tan x."""
    return _unary("tan", input)


def sinh(input: Tensor) -> Tensor:
    """y = sinh x."""
    return _unary("sinh", input)


def cosh(input: Tensor) -> Tensor:
    """y = cosh x."""
    return _unary("cosh", input)


def asin(input: Tensor) -> Tensor:
    """y = arcsin x."""
    return _unary("asin", input)


def acos(input: Tensor) -> Tensor:
    """y = arccos x."""
    return _unary("acos", input)


def atan(input: Tensor) -> Tensor:
    """y = arctan x."""
    return _unary("atan", input)


def asinh(input: Tensor) -> Tensor:
    """y = arsinh x."""
    return _unary("asinh", input)


def atanh(input: Tensor) -> Tensor:
    """y = artanh x."""
    return _unary("atanh", input)


arcsin, arccos, arctan, arcsinh, arctanh = asin, acos, atan, asinh, atanh


# ----------------------------------------------------------------------------- binary float math
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
    """floor(input / other), elementwise (not differentiable, as in PyTorch)."""
    a, b = operands(input, other)
    return Tensor._wrap(np.asarray(np.floor_divide(a._data, b._data)))


# ----------------------------------------------------------------------------- fused forms
class Lerp(Op):
    """y = a + w (b - a).   dL/da = gy (1 - w),   dL/db = gy w,   dL/dw = gy (b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, gy):
        a, b, w = ctx.saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        ga = unbroadcast(gy * (1 - w), a.shape) if need_a else None
        gb = unbroadcast(gy * w, b.shape) if need_b else None
        gw = unbroadcast(gy * (b - a), w.shape) if need_w else None
        return ga, gb, gw


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation: input + weight * (end - input); weight a number or a tensor
    (broadcast). Differentiable in all three.

    Example
    -------
    >>> glassnet.lerp(glassnet.tensor([0.0, 10.0]), glassnet.tensor([10.0, 20.0]), 0.5)
    tensor([ 5., 15.])
    """
    if input._data.dtype != end._data.dtype:
        raise TypeError(
            f"lerp: expected dtype {input._data.dtype} for `end` but got dtype {end._data.dtype}"
        )
    w = lift(weight, input._data)
    if w._data.dtype != input._data.dtype:
        w = cast(w, input._data.dtype) if w._data.ndim == 0 else w
    if w._data.dtype != input._data.dtype:
        raise TypeError(
            f"lerp: expected dtype {input._data.dtype} for `weight` but got dtype {w._data.dtype}"
        )
    return Lerp.apply(input, end, w)


def addcmul(input: Tensor, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
    """y = input + value * tensor1 * tensor2 (broadcasting)."""
    prod = mul(tensor1, tensor2)
    return add(input, prod if value == 1 else mul(prod, value))


def addcdiv(input: Tensor, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
    """y = input + value * tensor1 / tensor2 (broadcasting)."""
    quot = div(tensor1, tensor2)
    return add(input, quot if value == 1 else mul(quot, value))


class NanToNum(Op):
    """y = x with NaN, +inf and -inf replaced by finite numbers.
    dL/dx = gy where x is finite, else 0 (the replacements are constants)."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, gy):
        return gy * np.isfinite(ctx.saved_tensors[0])


def nan_to_num(
    input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """Replace NaN by `nan`, +inf by `posinf` and -inf by `neginf` (default: the largest and
    smallest finite numbers of the dtype). Integer tensors come back unchanged (a copy)."""
    if input._data.dtype.kind != "f":
        return Tensor._wrap(input._data.copy())
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def clamp_min(input: Tensor, min: Any) -> Tensor:
    """y = max(x, min). dL/dx = gy where x >= min."""
    return _clamp_one(input, min, None)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    """y = min(x, max). dL/dx = gy where x <= max."""
    return _clamp_one(input, None, max)


def _clamp_one(input: Tensor, lo: Any, hi: Any) -> Tensor:
    bound = lo if hi is None else hi
    if isinstance(bound, Tensor):
        from glassnet.ops.elementwise import clamp

        return clamp(input, lo, hi)
    if input._data.dtype.kind != "f" and isinstance(bound, (float, np.floating)):
        input = _float(input)  # an integer tensor clamped to a float bound becomes float
    return Clamp.apply(input, lo=lo, hi=hi)


# ----------------------------------------------------------------------------- tests (no grad)
def isinf(input: Tensor) -> Tensor:
    """True where x is +inf or -inf."""
    return Tensor._wrap(np.isinf(input._data))


def isposinf(input: Tensor) -> Tensor:
    """True where x is +inf."""
    return Tensor._wrap(np.isposinf(input._data))


def isneginf(input: Tensor) -> Tensor:
    """True where x is -inf."""
    return Tensor._wrap(np.isneginf(input._data))


def isclose(
    input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """True where |input - other| <= atol + rtol * |other|, elementwise."""
    a, b = operands(input, other)
    return Tensor._wrap(
        np.asarray(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
    )
