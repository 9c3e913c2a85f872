"""More elementwise math: logs and exponentials in other bases, inverse trigonometry, erf, and
the fused forms PyTorch scripts use (lerp, addcmul, addcdiv, nan_to_num). Rounding (floor, ceil,
round, trunc, fix, frac) is in glassnet/ops/rounding.py, re-exported here.

Each class states y = f(x) and dL/dx = gy * f'(x). Functions that need a float take integer and
bool inputs as the default float dtype, as PyTorch does; rounding keeps the dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import Op
from glassnet.ops._common import check_broadcast, lift, operands
from glassnet.ops.elementwise import Clamp, cast, clamp, mul
from glassnet.ops.pointwise_fused import AddCMul, Lerp, addcdiv, addcmul, lerp  # noqa: F401
from glassnet.ops.rounding import (  # noqa: F401 (re-exported)
    Frac,
    Round,
    ceil,
    fix,
    floor,
    frac,
    round,
    trunc,
)
from glassnet.tensor import Tensor


def _float(input: Any) -> Tensor:
    """input as a floating point tensor (integers and bools become the default float dtype)."""
    input = lift(input)
    if input._data.dtype.kind != "f":
        return cast(input, _dtypes.get_default_dtype())
    return input


# ----------------------------------------------------------------------------- unary float math
class Unary(Op):
    """y = f(x) for one of the functions below.   dL/dx = gy * f'(x), f' given beside each f.

    reciprocal 1/x: -1/x^2 = -y^2       log2 x: 1/(x ln 2)       log10 x: 1/(x ln 10)
    exp2 2^x: y ln 2                    expm1 e^x - 1: y + 1     erf x: 2/sqrt(pi) e^(-x^2)
    erfc x: -2/sqrt(pi) e^(-x^2)        erfinv x: sqrt(pi)/2 e^(y^2)
    tan x: 1 + y^2                      sinh x: cosh x
    cosh x: sinh x                      asin x: 1/sqrt(1 - x^2)  acos x: -1/sqrt(1 - x^2)
    atan x: 1/(1 + x^2)                 asinh x: 1/sqrt(x^2+1)   atanh x: 1/(1 - x^2)
    lgamma ln|Gamma(x)|: digamma(x)     digamma: trigamma(x)     logit ln(x/(1-x)): 1/(x(1-x))
    sinc sin(pi x)/(pi x): (cos(pi x) - y) / x   (0 at x = 0)
    (logit's slope is NaN off [0, 1], lgamma(-inf) is +inf, as in PyTorch)
    """

    @staticmethod
    def forward(ctx, x, name):
        f, _ = _UNARY[name]
        y = f(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        ctx.name = name
        return y

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        name = ctx.name
        if name in _DENOMINATOR:  # gy / (x ln 2): no 1/x of its own to overflow float16
            with np.errstate(divide="ignore", invalid="ignore"):
                return (gy / _DENOMINATOR[name](x)).astype(gy.dtype, copy=False)
        slope = _UNARY[name][1](x, y)
        if name in _SLOPE_IS_AN_OP:  # the slope rounded to x's dtype first (float16 inf > 65504)
            slope = np.asarray(slope).astype(gy.dtype, copy=False)
        return (gy * slope).astype(gy.dtype, copy=False)


_LN2, _LN10 = np.log(2.0), np.log(10.0)
_UNARY = {
    "reciprocal": (np.reciprocal, lambda x, y: -y * y),
    "log2": (np.log2, lambda x, y: 1 / (x * _LN2)),
    "log10": (np.log10, lambda x, y: 1 / (x * _LN10)),
    "exp2": (np.exp2, lambda x, y: y * _LN2),
    "expm1": (np.expm1, lambda x, y: y + 1),
    "erf": (special.erf, lambda x, y: 2 / np.sqrt(np.pi) * np.exp(-x * x)),
    "erfc": (special.erfc, lambda x, y: -2 / np.sqrt(np.pi) * np.exp(-x * x)),
    "erfinv": (special.erfinv, lambda x, y: np.sqrt(np.pi) / 2 * np.exp(y * y)),
    "tan": (np.tan, lambda x, y: 1 + y * y),
    "sinh": (np.sinh, lambda x, y: np.cosh(x)),
    "cosh": (np.cosh, lambda x, y: np.sinh(x)),
    "asin": (np.arcsin, lambda x, y: 1 / np.sqrt(1 - x * x)),
    "acos": (np.arccos, lambda x, y: -1 / np.sqrt(1 - x * x)),
    "atan": (np.arctan, lambda x, y: 1 / (1 + x * x)),
    "asinh": (np.arcsinh, lambda x, y: 1 / np.sqrt(x * x + 1)),
    "atanh": (np.arctanh, lambda x, y: 1 / (1 - x * x)),
    "lgamma": (lambda x: _lgamma(x), lambda x, y: special.digamma(x)),
    "digamma": (special.digamma, lambda x, y: special.polygamma(1, x)),
    "logit": (special.logit, None),  # 1 / (x (1 - x)), applied as a quotient (_DENOMINATOR)
    "sinc": (np.sinc, lambda x, y: _sinc_slope(x, y)),
}

# How PyTorch evaluates some backward formulas, which decides where float16 overflows:
# as a quotient gy / d(x) (its 1/d(x) alone can pass 65504 where gy / d(x) does not) ...
_DENOMINATOR = {
    "log2": lambda x: x * _LN2,
    "log10": lambda x: x * _LN10,
    "logit": lambda x: _logit_denominator(x),
}
# ... or with the derivative as an op of its own, rounded before the product (digamma for
# lgamma, polygamma(1, .) for digamma)
_SLOPE_IS_AN_OP = {"lgamma", "digamma"}


def _lgamma(x: np.ndarray) -> np.ndarray:
    """ln |Gamma(x)|, +inf at x = -inf as in PyTorch (scipy's gammaln gives -inf there)."""
    y = special.gammaln(x)
    return np.where(np.isneginf(x), np.asarray(np.inf, dtype=y.dtype), y)


def _logit_denominator(x: np.ndarray) -> np.ndarray:
    """x (1 - x) on [0, 1], NaN outside (where logit is NaN), as PyTorch."""
    return np.where((x < 0) | (x > 1), np.asarray(np.nan, x.dtype), x * (1 - x))


def _sinc_slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    safe = np.where(x == 0, 1, x)
    return np.where(x == 0, 0, (np.cos(np.pi * x) - y) / safe)


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


def erfc(input: Tensor) -> Tensor:
    """y = 1 - erf(x), accurate where erf(x) is close to 1."""
    return _unary("erfc", input)


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


def lgamma(input: Tensor) -> Tensor:
    """y = ln |Gamma(x)|."""
    return _unary("lgamma", input)


def digamma(input: Tensor) -> Tensor:
    """y = d/dx ln Gamma(x)."""
    return _unary("digamma", input)


def sinc(input: Tensor) -> Tensor:
    """The normalised sinc: sin(pi x) / (pi x), 1 at x = 0."""
    return _unary("sinc", input)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """y = ln(x / (1 - x)); with `eps`, x is first clamped to [eps, 1 - eps] (no gradient
    outside, as PyTorch)."""
    x = _float(input)
    if eps is not None:
        x = Clamp.apply(x, lo=eps, hi=1 - eps)
    return Unary.apply(x, name="logit")


def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees: y = x * 180 / pi."""
    return mul(_float(input), 180.0 / np.pi)


def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians: y = x * pi / 180."""
    return mul(_float(input), np.pi / 180.0)


def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (negative numbers and -0.0)."""
    return Tensor._wrap(np.signbit(input._data))


arcsin, arccos, arctan, arcsinh, arctanh = asin, acos, atan, asinh, atanh


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
    check_broadcast(a, b, "isclose")
    return Tensor._wrap(
        np.asarray(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
    )
