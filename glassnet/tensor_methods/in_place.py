"""In-place forms of pointwise ops: `x.sin_()` is `x = x.sin()` written into x (see Tensor._apply_).

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
_elementwise = OpsModule("glassnet.ops.elementwise")
_pointwise = OpsModule("glassnet.ops.pointwise")
_products = OpsModule("glassnet.ops.products")
_scan = OpsModule("glassnet.ops.scan")


class TensorInPlaceMethods:
    """In-place forms of pointwise ops (a mixin of Tensor)."""

    __slots__ = ()

    def acos_(self) -> Tensor:
        """In place: self = acos(self, ...); see `glassnet.ops.pointwise.acos`."""
        return self._apply_("acos_", _pointwise.acos)

    def asin_(self) -> Tensor:
        """In place: self = asin(self, ...); see `glassnet.ops.pointwise.asin`."""
        return self._apply_("asin_", _pointwise.asin)

    def atan_(self) -> Tensor:
        """In place: self = atan(self, ...); see `glassnet.ops.pointwise.atan`."""
        return self._apply_("atan_", _pointwise.atan)

    def atan2_(self, other: Any) -> Tensor:
        """In place: self = atan2(self, ...); see `glassnet.ops.binary_math.atan2`."""
        return self._apply_("atan2_", _binary_math.atan2, other)

    def arccos_(self) -> Tensor:
        """In place: self = arccos(self, ...); see `glassnet.ops.pointwise.acos`."""
        return self._apply_("arccos_", _pointwise.acos)

    def arcsin_(self) -> Tensor:
        """In place: self = arcsin(self, ...); see `glassnet.ops.pointwise.asin`."""
        return self._apply_("arcsin_", _pointwise.asin)

    def arctan_(self) -> Tensor:
        """In place: self = arctan(self, ...); see `glassnet.ops.pointwise.atan`."""
        return self._apply_("arctan_", _pointwise.atan)

    def arctan2_(self, other: Any) -> Tensor:
        """In place: self = arctan2(self, ...); see `glassnet.ops.binary_math.atan2`."""
        return self._apply_("arctan2_", _binary_math.atan2, other)

    def cos_(self) -> Tensor:
        """In place: self = cos(self, ...); see `glassnet.ops.elementwise.cos`."""
        return self._apply_("cos_", _elementwise.cos)

    def sin_(self) -> Tensor:
        """In place: self = sin(self, ...); see `glassnet.ops.elementwise.sin`."""
        return self._apply_("sin_", _elementwise.sin)

    def tan_(self) -> Tensor:
        """In place: self = tan(self, ...); see `glassnet.ops.pointwise.tan`."""
        return self._apply_("tan_", _pointwise.tan)

    def cosh_(self) -> Tensor:
        """In place: self = cosh(self, ...); see `glassnet.ops.pointwise.cosh`."""
        return self._apply_("cosh_", _pointwise.cosh)

    def sinh_(self) -> Tensor:
        """In place: self = sinh(self, ...); see `glassnet.ops.pointwise.sinh`."""
        return self._apply_("sinh_", _pointwise.sinh)

    def asinh_(self) -> Tensor:
        """In place: self = asinh(self, ...); see `glassnet.ops.pointwise.asinh`."""
        return self._apply_("asinh_", _pointwise.asinh)

    def atanh_(self) -> Tensor:
        """In place: self = atanh(self, ...); see `glassnet.ops.pointwise.atanh`."""
        return self._apply_("atanh_", _pointwise.atanh)

    def erf_(self) -> Tensor:
        """In place: self = erf(self, ...); see `glassnet.ops.pointwise.erf`."""
        return self._apply_("erf_", _pointwise.erf)

    def erfc_(self) -> Tensor:
        """In place: self = erfc(self, ...); see `glassnet.ops.pointwise.erfc`."""
        return self._apply_("erfc_", _pointwise.erfc)

    def erfinv_(self) -> Tensor:
        """In place: self = erfinv(self, ...); see `glassnet.ops.pointwise.erfinv`."""
        return self._apply_("erfinv_", _pointwise.erfinv)

    def exp2_(self) -> Tensor:
        """In place: self = exp2(self, ...); see `glassnet.ops.pointwise.exp2`."""
        return self._apply_("exp2_", _pointwise.exp2)

    def expm1_(self) -> Tensor:
        """In place: self = expm1(self, ...); see `glassnet.ops.pointwise.expm1`."""
        return self._apply_("expm1_", _pointwise.expm1)

    def fix_(self) -> Tensor:
        """In place: self = fix(self, ...); see `glassnet.ops.pointwise.trunc`."""
        return self._apply_("fix_", _pointwise.trunc)

    def frac_(self) -> Tensor:
        """In place: self = frac(self, ...); see `glassnet.ops.pointwise.frac`."""
        return self._apply_("frac_", _pointwise.frac)

    def log10_(self) -> Tensor:
        """In place: self = log10(self, ...); see `glassnet.ops.pointwise.log10`."""
        return self._apply_("log10_", _pointwise.log10)

    def log1p_(self) -> Tensor:
        """In place: self = log1p(self, ...); see `glassnet.ops.elementwise.log1p`."""
        return self._apply_("log1p_", _elementwise.log1p)

    def log2_(self) -> Tensor:
        """In place: self = log2(self, ...); see `glassnet.ops.pointwise.log2`."""
        return self._apply_("log2_", _pointwise.log2)

    def lgamma_(self) -> Tensor:
        """In place: self = lgamma(self, ...); see `glassnet.ops.pointwise.lgamma`."""
        return self._apply_("lgamma_", _pointwise.lgamma)

    def digamma_(self) -> Tensor:
        """In place: self = digamma(self, ...); see `glassnet.ops.pointwise.digamma`."""
        return self._apply_("digamma_", _pointwise.digamma)

    def logit_(self, eps: float | None = None) -> Tensor:
        """In place: self = logit(self, ...); see `glassnet.ops.pointwise.logit`."""
        return self._apply_("logit_", _pointwise.logit, eps)

    def sinc_(self) -> Tensor:
        """In place: self = sinc(self, ...); see `glassnet.ops.pointwise.sinc`."""
        return self._apply_("sinc_", _pointwise.sinc)

    def rad2deg_(self) -> Tensor:
        """In place: self = rad2deg(self, ...); see `glassnet.ops.pointwise.rad2deg`."""
        return self._apply_("rad2deg_", _pointwise.rad2deg)

    def deg2rad_(self) -> Tensor:
        """In place: self = deg2rad(self, ...); see `glassnet.ops.pointwise.deg2rad`."""
        return self._apply_("deg2rad_", _pointwise.deg2rad)

    def sign_(self) -> Tensor:
        """In place: self = sign(self, ...); see `glassnet.ops.elementwise.sign`."""
        return self._apply_("sign_", _elementwise.sign)

    def sgn_(self) -> Tensor:
        """In place: self = sgn(self, ...); see `glassnet.ops.elementwise.sign`."""
        return self._apply_("sgn_", _elementwise.sign)

    def fmod_(self, other: Any) -> Tensor:
        """In place: self = fmod(self, ...); see `glassnet.ops.binary_math.fmod`."""
        return self._apply_("fmod_", _binary_math.fmod, other)

    def remainder_(self, other: Any) -> Tensor:
        """In place: self = remainder(self, ...); see `glassnet.ops.binary_math.remainder`."""
        return self._apply_("remainder_", _binary_math.remainder, other)

    def hypot_(self, other: Any) -> Tensor:
        """In place: self = hypot(self, ...); see `glassnet.ops.binary_math.hypot`."""
        return self._apply_("hypot_", _binary_math.hypot, other)

    def copysign_(self, other: Any) -> Tensor:
        """In place: self = copysign(self, ...); see `glassnet.ops.binary_math.copysign`."""
        return self._apply_("copysign_", _binary_math.copysign, other)

    def floor_divide_(self, other: Any) -> Tensor:
        """In place: self = floor_divide(self, ...); see `glassnet.ops.binary_math.floor_divide`."""
        return self._apply_("floor_divide_", _binary_math.floor_divide, other)

    def xlogy_(self, other: Any) -> Tensor:
        """In place: self = xlogy(self, ...); see `glassnet.ops.binary_math.xlogy`."""
        return self._apply_("xlogy_", _binary_math.xlogy, other)

    def cumprod_(self, dim: int, dtype: Any = None) -> Tensor:
        """In place: self = cumprod(self, ...); see `glassnet.ops.scan.cumprod`."""
        return self._apply_("cumprod_", _scan.cumprod, dim, dtype)

    def clip_(self, min: Any = None, max: Any = None) -> Tensor:
        """In place: self = clip(self, ...); see `glassnet.ops.elementwise.clamp`."""
        return self._apply_("clip_", _elementwise.clamp, min, max)

    def absolute_(self) -> Tensor:
        """In place: self = absolute(self, ...); see `glassnet.ops.elementwise.abs`."""
        return self._apply_("absolute_", _elementwise.abs)

    def negative_(self) -> Tensor:
        """In place: self = negative(self, ...); see `glassnet.ops.elementwise.neg`."""
        return self._apply_("negative_", _elementwise.neg)

    def multiply_(self, other: Any) -> Tensor:
        """In place: self = multiply(self, ...); see `glassnet.ops.elementwise.mul`."""
        return self._apply_("multiply_", _elementwise.mul, other)

    def subtract_(self, other: Any, alpha: float = 1) -> Tensor:
        """In place: self = subtract(self, ...); see `glassnet.ops.elementwise.sub`."""
        return self._apply_("subtract_", _elementwise.sub, other, alpha)

    def divide_(self, other: Any) -> Tensor:
        """In place: self = divide(self, ...); see `glassnet.ops.elementwise.div`."""
        return self._apply_("divide_", _elementwise.div, other)

    def true_divide_(self, other: Any) -> Tensor:
        """In place: self = true_divide(self, ...); see `glassnet.ops.elementwise.div`."""
        return self._apply_("true_divide_", _elementwise.div, other)

    def logical_and_(self, other: Any) -> Tensor:
        """In place: self = logical_and(self, ...); see `glassnet.ops.elementwise.logical_and`."""
        return self._apply_("logical_and_", _elementwise.logical_and, other)

    def logical_or_(self, other: Any) -> Tensor:
        """In place: self = logical_or(self, ...); see `glassnet.ops.elementwise.logical_or`."""
        return self._apply_("logical_or_", _elementwise.logical_or, other)

    def logical_xor_(self, other: Any) -> Tensor:
        """In place: self = logical_xor(self, ...); see `glassnet.ops.elementwise.logical_xor`."""
        return self._apply_("logical_xor_", _elementwise.logical_xor, other)

    def logical_not_(self) -> Tensor:
        """In place: self = logical_not(self, ...); see `glassnet.ops.elementwise.logical_not`."""
        return self._apply_("logical_not_", _elementwise.logical_not)

    def eq_(self, other: Any) -> Tensor:
        """In place: self = eq(self, ...); see `glassnet.ops.elementwise.eq`."""
        return self._apply_("eq_", _elementwise.eq, other)

    def ne_(self, other: Any) -> Tensor:
        """In place: self = ne(self, ...); see `glassnet.ops.elementwise.ne`."""
        return self._apply_("ne_", _elementwise.ne, other)

    def lt_(self, other: Any) -> Tensor:
        """In place: self = lt(self, ...); see `glassnet.ops.elementwise.lt`."""
        return self._apply_("lt_", _elementwise.lt, other)

    def le_(self, other: Any) -> Tensor:
        """In place: self = le(self, ...); see `glassnet.ops.elementwise.le`."""
        return self._apply_("le_", _elementwise.le, other)

    def gt_(self, other: Any) -> Tensor:
        """In place: self = gt(self, ...); see `glassnet.ops.elementwise.gt`."""
        return self._apply_("gt_", _elementwise.gt, other)

    def ge_(self, other: Any) -> Tensor:
        """In place: self = ge(self, ...); see `glassnet.ops.elementwise.ge`."""
        return self._apply_("ge_", _elementwise.ge, other)

    def greater_(self, other: Any) -> Tensor:
        """In place: self = greater(self, ...); see `glassnet.ops.elementwise.gt`."""
        return self._apply_("greater_", _elementwise.gt, other)

    def less_(self, other: Any) -> Tensor:
        """In place: self = less(self, ...); see `glassnet.ops.elementwise.lt`."""
        return self._apply_("less_", _elementwise.lt, other)

    def greater_equal_(self, other: Any) -> Tensor:
        """In place: self = greater_equal(self, ...); see `glassnet.ops.elementwise.ge`."""
        return self._apply_("greater_equal_", _elementwise.ge, other)

    def less_equal_(self, other: Any) -> Tensor:
        """In place: self = less_equal(self, ...); see `glassnet.ops.elementwise.le`."""
        return self._apply_("less_equal_", _elementwise.le, other)

    def not_equal_(self, other: Any) -> Tensor:
        """In place: self = not_equal(self, ...); see `glassnet.ops.elementwise.ne`."""
        return self._apply_("not_equal_", _elementwise.ne, other)

    def addmm_(self, mat1: Tensor, mat2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """In place: self = addmm(self, ...); see `glassnet.ops.products.addmm`."""
        return self._apply_("addmm_", _products.addmm, mat1, mat2, beta, alpha)

    def addbmm_(self, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """In place: self = addbmm(self, ...); see `glassnet.ops.products.addbmm`."""
        return self._apply_("addbmm_", _products.addbmm, batch1, batch2, beta, alpha)

    def baddbmm_(self, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """In place: self = baddbmm(self, ...); see `glassnet.ops.products.baddbmm`."""
        return self._apply_("baddbmm_", _products.baddbmm, batch1, batch2, beta, alpha)

    def addmv_(self, mat: Tensor, vec: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """In place: self = addmv(self, ...); see `glassnet.ops.products.addmv`."""
        return self._apply_("addmv_", _products.addmv, mat, vec, beta, alpha)

    def addr_(self, vec1: Tensor, vec2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """In place: self = addr(self, ...); see `glassnet.ops.products.addr`."""
        return self._apply_("addr_", _products.addr, vec1, vec2, beta, alpha)

    def bitwise_and_(self, other: Any) -> Tensor:
        """In place: self = bitwise_and(self, ...); see `glassnet.ops.binary_math.bitwise_and`."""
        return self._apply_("bitwise_and_", _binary_math.bitwise_and, other)

    def bitwise_or_(self, other: Any) -> Tensor:
        """In place: self = bitwise_or(self, ...); see `glassnet.ops.binary_math.bitwise_or`."""
        return self._apply_("bitwise_or_", _binary_math.bitwise_or, other)

    def bitwise_xor_(self, other: Any) -> Tensor:
        """In place: self = bitwise_xor(self, ...); see `glassnet.ops.binary_math.bitwise_xor`."""
        return self._apply_("bitwise_xor_", _binary_math.bitwise_xor, other)

    def bitwise_not_(self) -> Tensor:
        """In place: self = bitwise_not(self, ...); see `glassnet.ops.binary_math.bitwise_not`."""
        return self._apply_("bitwise_not_", _binary_math.bitwise_not)

    def heaviside_(self, values: Any) -> Tensor:
        """In place: self = heaviside(self, ...); see `glassnet.ops.binary_math.heaviside`."""
        return self._apply_("heaviside_", _binary_math.heaviside, values)
