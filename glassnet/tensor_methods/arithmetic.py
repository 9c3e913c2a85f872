"""Arithmetic, comparison and activation methods of Tensor: `x.add(y)`, `x.exp()`, `x.relu()`.

Each method delegates to one op function (named in its docstring), where the math and the
backward are written; see `glassnet.tensor_methods.lazy` for why ops are reached through
`OpsModule` rather than imported at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_activation = OpsModule("glassnet.ops.activation")
_elementwise = OpsModule("glassnet.ops.elementwise")


class TensorArithmeticMethods:
    """Arithmetic, comparison and activation methods of Tensor (a mixin of Tensor)."""

    __slots__ = ()

    # ------------------------------------------------------------ glassnet.ops.elementwise
    def abs(self) -> Tensor:
        """See `glassnet.ops.elementwise.abs`."""
        return _elementwise.abs(self)

    def absolute(self) -> Tensor:
        """Alias of `abs`: See `glassnet.ops.elementwise.abs`."""
        return _elementwise.abs(self)

    def add(self, other: Any, alpha: float = 1) -> Tensor:
        """input + alpha * other, broadcasting. See `glassnet.ops.elementwise.add`."""
        return _elementwise.add(self, other, alpha)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08) -> bool:
        """See `glassnet.ops.elementwise.allclose`."""
        return _elementwise.allclose(self, other, rtol, atol)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit every element to [min, max]; either bound may be None."""
        return _elementwise.clamp(self, min, max)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Alias of `clamp`: Limit every element to [min, max]; either bound may be None."""
        return _elementwise.clamp(self, min, max)

    def cos(self) -> Tensor:
        """See `glassnet.ops.elementwise.cos`."""
        return _elementwise.cos(self)

    def div(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.div`."""
        return _elementwise.div(self, other)

    def divide(self, other: Any) -> Tensor:
        """Alias of `div`: See `glassnet.ops.elementwise.div`."""
        return _elementwise.div(self, other)

    def eq(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.eq`."""
        return _elementwise.eq(self, other)

    def equal(self, other: Tensor) -> bool:
        """See `glassnet.ops.elementwise.equal`."""
        return _elementwise.equal(self, other)

    def exp(self) -> Tensor:
        """See `glassnet.ops.elementwise.exp`."""
        return _elementwise.exp(self)

    def ge(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.ge`."""
        return _elementwise.ge(self, other)

    def greater(self, other: Any) -> Tensor:
        """Alias of `gt`: See `glassnet.ops.elementwise.gt`."""
        return _elementwise.gt(self, other)

    def greater_equal(self, other: Any) -> Tensor:
        """Alias of `ge`: See `glassnet.ops.elementwise.ge`."""
        return _elementwise.ge(self, other)

    def gt(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.gt`."""
        return _elementwise.gt(self, other)

    def isfinite(self) -> Tensor:
        """See `glassnet.ops.elementwise.isfinite`."""
        return _elementwise.isfinite(self)

    def isnan(self) -> Tensor:
        """See `glassnet.ops.elementwise.isnan`."""
        return _elementwise.isnan(self)

    def le(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.le`."""
        return _elementwise.le(self, other)

    def less(self, other: Any) -> Tensor:
        """Alias of `lt`: See `glassnet.ops.elementwise.lt`."""
        return _elementwise.lt(self, other)

    def less_equal(self, other: Any) -> Tensor:
        """Alias of `le`: See `glassnet.ops.elementwise.le`."""
        return _elementwise.le(self, other)

    def log(self) -> Tensor:
        """See `glassnet.ops.elementwise.log`."""
        return _elementwise.log(self)

    def log1p(self) -> Tensor:
        """See `glassnet.ops.elementwise.log1p`."""
        return _elementwise.log1p(self)

    def logical_and(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.logical_and`."""
        return _elementwise.logical_and(self, other)

    def logical_not(self) -> Tensor:
        """See `glassnet.ops.elementwise.logical_not`."""
        return _elementwise.logical_not(self)

    def logical_or(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.logical_or`."""
        return _elementwise.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.logical_xor`."""
        return _elementwise.logical_xor(self, other)

    def lt(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.lt`."""
        return _elementwise.lt(self, other)

    def maximum(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.maximum`."""
        return _elementwise.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.minimum`."""
        return _elementwise.minimum(self, other)

    def mul(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.mul`."""
        return _elementwise.mul(self, other)

    def multiply(self, other: Any) -> Tensor:
        """Alias of `mul`: See `glassnet.ops.elementwise.mul`."""
        return _elementwise.mul(self, other)

    def ne(self, other: Any) -> Tensor:
        """See `glassnet.ops.elementwise.ne`."""
        return _elementwise.ne(self, other)

    def neg(self) -> Tensor:
        """See `glassnet.ops.elementwise.neg`."""
        return _elementwise.neg(self)

    def negative(self) -> Tensor:
        """Alias of `neg`: See `glassnet.ops.elementwise.neg`."""
        return _elementwise.neg(self)

    def not_equal(self, other: Any) -> Tensor:
        """Alias of `ne`: See `glassnet.ops.elementwise.ne`."""
        return _elementwise.ne(self, other)

    def pow(self, exponent: Any) -> Tensor:
        """input ** exponent, broadcasting; a number as exponent keeps the tensor's dtype."""
        return _elementwise.pow(self, exponent)

    def rsqrt(self) -> Tensor:
        """See `glassnet.ops.elementwise.rsqrt`."""
        return _elementwise.rsqrt(self)

    def sgn(self) -> Tensor:
        """Alias of `sign`: See `glassnet.ops.elementwise.sign`."""
        return _elementwise.sign(self)

    def sign(self) -> Tensor:
        """See `glassnet.ops.elementwise.sign`."""
        return _elementwise.sign(self)

    def sin(self) -> Tensor:
        """See `glassnet.ops.elementwise.sin`."""
        return _elementwise.sin(self)

    def sqrt(self) -> Tensor:
        """See `glassnet.ops.elementwise.sqrt`."""
        return _elementwise.sqrt(self)

    def square(self) -> Tensor:
        """See `glassnet.ops.elementwise.square`."""
        return _elementwise.square(self)

    def sub(self, other: Any, alpha: float = 1) -> Tensor:
        """input - alpha * other, broadcasting. See `glassnet.ops.elementwise.sub`."""
        return _elementwise.sub(self, other, alpha)

    def subtract(self, other: Any, alpha: float = 1) -> Tensor:
        """Alias of `sub`: input - alpha * other, broadcasting."""
        return _elementwise.sub(self, other, alpha)

    def true_divide(self, other: Any) -> Tensor:
        """Alias of `div`: See `glassnet.ops.elementwise.div`."""
        return _elementwise.div(self, other)

    # ------------------------------------------------------------ glassnet.ops.activation
    def log_softmax(self, dim: int | None = None) -> Tensor:
        """log(softmax(x)) along `dim`, computed stably in one pass."""
        return _activation.log_softmax(self, dim)

    def relu(self) -> Tensor:
        """See `glassnet.ops.activation.relu`."""
        return _activation.relu(self)

    def sigmoid(self) -> Tensor:
        """See `glassnet.ops.activation.sigmoid`."""
        return _activation.sigmoid(self)

    def softmax(self, dim: int | None = None) -> Tensor:
        """Softmax along `dim`: non-negative values summing to 1."""
        return _activation.softmax(self, dim)

    def tanh(self) -> Tensor:
        """See `glassnet.ops.activation.tanh`."""
        return _activation.tanh(self)
