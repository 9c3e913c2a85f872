"""Pointwise math methods of Tensor: trigonometry, rounding, special functions, `x.atan2(y)`.

Each method delegates to one op function (named in its docstring), where the math and the
backward are written; see `glassnet.tensor_methods.lazy` for why ops are reached through
`OpsModule` rather than imported at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_binary_math = OpsModule("glassnet.ops.binary_math")
_pointwise = OpsModule("glassnet.ops.pointwise")


class TensorPointwiseMethods:
    """Pointwise math methods of Tensor (a mixin of Tensor)."""

    __slots__ = ()

    # ------------------------------------------------------------ glassnet.ops.pointwise
    def acos(self) -> Tensor:
        """y = arccos x. See `glassnet.ops.pointwise.acos`."""
        return _pointwise.acos(self)

    def addcdiv(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """y = input + value * tensor1 / tensor2 (broadcasting)."""
        return _pointwise.addcdiv(self, tensor1, tensor2, value)

    def addcmul(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """y = input + value * tensor1 * tensor2 (broadcasting)."""
        return _pointwise.addcmul(self, tensor1, tensor2, value)

    def arccos(self) -> Tensor:
        """Alias of `acos`: y = arccos x. See `glassnet.ops.pointwise.acos`."""
        return _pointwise.acos(self)

    def arcsin(self) -> Tensor:
        """Alias of `asin`: y = arcsin x. See `glassnet.ops.pointwise.asin`."""
        return _pointwise.asin(self)

    def arcsinh(self) -> Tensor:
        """Alias of `asinh`: y = arsinh x. See `glassnet.ops.pointwise.asinh`."""
        return _pointwise.asinh(self)

    def arctan(self) -> Tensor:
        """Alias of `atan`: y = arctan x. See `glassnet.ops.pointwise.atan`."""
        return _pointwise.atan(self)

    def arctanh(self) -> Tensor:
        """Alias of `atanh`: y = artanh x. See `glassnet.ops.pointwise.atanh`."""
        return _pointwise.atanh(self)

    def asin(self) -> Tensor:
        """y = arcsin x. See `glassnet.ops.pointwise.asin`."""
        return _pointwise.asin(self)

    def asinh(self) -> Tensor:
        """y = arsinh x. See `glassnet.ops.pointwise.asinh`."""
        return _pointwise.asinh(self)

    def atan(self) -> Tensor:
        """y = arctan x. See `glassnet.ops.pointwise.atan`."""
        return _pointwise.atan(self)

    def atanh(self) -> Tensor:
        """y = artanh x. See `glassnet.ops.pointwise.atanh`."""
        return _pointwise.atanh(self)

    def ceil(self) -> Tensor:
        """The smallest integer >= x, elementwise (same dtype). Gradient 0."""
        return _pointwise.ceil(self)

    def clamp_max(self, max: Any) -> Tensor:
        """y = min(x, max). dL/dx = gy where x <= max. See `glassnet.ops.pointwise.clamp_max`."""
        return _pointwise.clamp_max(self, max)

    def clamp_min(self, min: Any) -> Tensor:
        """y = max(x, min). dL/dx = gy where x >= min. See `glassnet.ops.pointwise.clamp_min`."""
        return _pointwise.clamp_min(self, min)

    def cosh(self) -> Tensor:
        """y = cosh x. See `glassnet.ops.pointwise.cosh`."""
        return _pointwise.cosh(self)

    def deg2rad(self) -> Tensor:
        """Degrees to radians: y = x * pi / 180. See `glassnet.ops.pointwise.deg2rad`."""
        return _pointwise.deg2rad(self)

    def digamma(self) -> Tensor:
        """y = d/dx ln Gamma(x). See `glassnet.ops.pointwise.digamma`."""
        return _pointwise.digamma(self)

    def erf(self) -> Tensor:
        """y = 2/sqrt(pi) * integral_0^x e^(-t^2) dt. See `glassnet.ops.pointwise.erf`."""
        return _pointwise.erf(self)

    def erfc(self) -> Tensor:
        """y = 1 - erf(x), accurate where erf(x) is close to 1."""
        return _pointwise.erfc(self)

    def erfinv(self) -> Tensor:
        """The inverse of erf on (-1, 1). See `glassnet.ops.pointwise.erfinv`."""
        return _pointwise.erfinv(self)

    def exp2(self) -> Tensor:
        """y = 2^x. See `glassnet.ops.pointwise.exp2`."""
        return _pointwise.exp2(self)

    def expm1(self) -> Tensor:
        """y = e^x - 1, accurate for small x. See `glassnet.ops.pointwise.expm1`."""
        return _pointwise.expm1(self)

    def fix(self) -> Tensor:
        """Alias of `trunc`: x rounded toward zero. Gradient 0."""
        return _pointwise.trunc(self)

    def floor(self) -> Tensor:
        """The largest integer <= x, elementwise (same dtype). Gradient 0."""
        return _pointwise.floor(self)

    def frac(self) -> Tensor:
        """The fractional part x - trunc(x) (sign of x kept). dL/dx = gy."""
        return _pointwise.frac(self)

    def isclose(
        self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> Tensor:
        """True where |input - other| <= atol + rtol * |other|, elementwise."""
        return _pointwise.isclose(self, other, rtol, atol, equal_nan)

    def isinf(self) -> Tensor:
        """True where x is +inf or -inf. See `glassnet.ops.pointwise.isinf`."""
        return _pointwise.isinf(self)

    def isneginf(self) -> Tensor:
        """True where x is -inf. See `glassnet.ops.pointwise.isneginf`."""
        return _pointwise.isneginf(self)

    def isposinf(self) -> Tensor:
        """True where x is +inf. See `glassnet.ops.pointwise.isposinf`."""
        return _pointwise.isposinf(self)

    def lerp(self, end: Tensor, weight: Any) -> Tensor:
        """Linear interpolation: input + weight * (end - input); weight a number or a tensor
        (broadcast). Differentiable in all three.
        """
        return _pointwise.lerp(self, end, weight)

    def lgamma(self) -> Tensor:
        """y = ln |Gamma(x)|. See `glassnet.ops.pointwise.lgamma`."""
        return _pointwise.lgamma(self)

    def log10(self) -> Tensor:
        """y = log10 x. See `glassnet.ops.pointwise.log10`."""
        return _pointwise.log10(self)

    def log2(self) -> Tensor:
        """y = log2 x. See `glassnet.ops.pointwise.log2`."""
        return _pointwise.log2(self)

    def logit(self, eps: float | None = None) -> Tensor:
        """y = ln(x / (1 - x)); with `eps`, x is first clamped to [eps, 1 - eps] (no gradient
        outside, as PyTorch).
        """
        return _pointwise.logit(self, eps)

    def nan_to_num(
        self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        """Replace NaN by `nan`, +inf by `posinf` and -inf by `neginf` (default: the largest and
        smallest finite numbers of the dtype). Integer tensors come back unchanged (a copy).
        """
        return _pointwise.nan_to_num(self, nan, posinf, neginf)

    def rad2deg(self) -> Tensor:
        """Radians to degrees: y = x * 180 / pi. See `glassnet.ops.pointwise.rad2deg`."""
        return _pointwise.rad2deg(self)

    def reciprocal(self) -> Tensor:
        """y = 1 / x. See `glassnet.ops.pointwise.reciprocal`."""
        return _pointwise.reciprocal(self)

    def round(self, decimals: int = 0) -> Tensor:
        """x rounded to `decimals` places, halves to even (as PyTorch). Gradient 0."""
        return _pointwise.round(self, decimals)

    def signbit(self) -> Tensor:
        """True where the sign bit is set (negative numbers and -0.0)."""
        return _pointwise.signbit(self)

    def sinc(self) -> Tensor:
        """The normalised sinc: sin(pi x) / (pi x), 1 at x = 0."""
        return _pointwise.sinc(self)

    def sinh(self) -> Tensor:
        """y = sinh x. See `glassnet.ops.pointwise.sinh`."""
        return _pointwise.sinh(self)

    def tan(self) -> Tensor:
        """y = tan x. See `glassnet.ops.pointwise.tan`."""
        return _pointwise.tan(self)

    def trunc(self) -> Tensor:
        """x rounded toward zero. Gradient 0. See `glassnet.ops.pointwise.trunc`."""
        return _pointwise.trunc(self)

    # ------------------------------------------------------------ glassnet.ops.binary_math
    def arctan2(self, other: Any) -> Tensor:
        """Alias of `atan2`: The angle (radians, in [-pi, pi]) of the point (other, input),
        elementwise.
        """
        return _binary_math.atan2(self, other)

    def atan2(self, other: Any) -> Tensor:
        """The angle (radians, in [-pi, pi]) of the point (other, input), elementwise."""
        return _binary_math.atan2(self, other)

    def bitwise_and(self, other: Any) -> Tensor:
        """a & b bit by bit (logical and for bools). See `glassnet.ops.binary_math.bitwise_and`."""
        return _binary_math.bitwise_and(self, other)

    def bitwise_not(self) -> Tensor:
        """~a bit by bit (logical not for bools). See `glassnet.ops.binary_math.bitwise_not`."""
        return _binary_math.bitwise_not(self)

    def bitwise_or(self, other: Any) -> Tensor:
        """a | b bit by bit (logical or for bools). See `glassnet.ops.binary_math.bitwise_or`."""
        return _binary_math.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        """a ^ b bit by bit (logical xor for bools). See `glassnet.ops.binary_math.bitwise_xor`."""
        return _binary_math.bitwise_xor(self, other)

    def copysign(self, other: Any) -> Tensor:
        """|input| with the sign of other, elementwise (the sign bit, so -0.0 counts as
        negative).
        """
        return _binary_math.copysign(self, other)

    def float_power(self, exponent: Any) -> Tensor:
        """input ** exponent computed in float64 (the result is always float64, as PyTorch)."""
        return _binary_math.float_power(self, exponent)

    def floor_divide(self, other: Any) -> Tensor:
        """floor(input / other), elementwise (not differentiable, as in PyTorch)."""
        return _binary_math.floor_divide(self, other)

    def fmax(self, other: Any) -> Tensor:
        """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
        return _binary_math.fmax(self, other)

    def fmin(self, other: Any) -> Tensor:
        """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
        return _binary_math.fmin(self, other)

    def fmod(self, other: Any) -> Tensor:
        """C's fmod: input - trunc(input / other) * other (takes the sign of input)."""
        return _binary_math.fmod(self, other)

    def heaviside(self, values: Any) -> Tensor:
        """The step function: 0 where input < 0, values where input == 0, 1 where input > 0. Not
        differentiable, as in PyTorch.
        """
        return _binary_math.heaviside(self, values)

    def hypot(self, other: Any) -> Tensor:
        """y = sqrt(input^2 + other^2) without overflow. See `glassnet.ops.binary_math.hypot`."""
        return _binary_math.hypot(self, other)

    def logaddexp(self, other: Any) -> Tensor:
        """y = ln(e^input + e^other) without overflow. See `glassnet.ops.binary_math.logaddexp`."""
        return _binary_math.logaddexp(self, other)

    def remainder(self, other: Any) -> Tensor:
        """Python's modulus: input - floor(input / other) * other (takes the sign of other)."""
        return _binary_math.remainder(self, other)

    def xlogy(self, other: Any) -> Tensor:
        """y = input * ln(other), 0 where input == 0. See `glassnet.ops.binary_math.xlogy`."""
        return _binary_math.xlogy(self, other)
