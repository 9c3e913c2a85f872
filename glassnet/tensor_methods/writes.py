"""In-place writes into a Tensor's data: fills and copies (`zero_`, `fill_`, `copy_`), in-place
arithmetic (`add_`, `mul_`, `t += x`), ops written back (`Tensor._apply_`: `exp_`, `scatter_`,
...), item assignment (`t[i] = x`) and in-place shape changes (`squeeze_`, `t_`, ...).

A leaf that requires grad can only be written under `no_grad` (`_check_inplace`); a tensor in
the graph gets a new graph node instead (`_apply_`, `_inplace`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd.grad_mode import STATE
from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_ops = OpsModule("glassnet.ops")
# glassnet.tensor, for `Tensor` at call time: it imports this module
_tensor = OpsModule("glassnet.tensor")


def _inplace_error(t: Any, op: str, other: Any, err: Exception) -> Exception:
    """NumPy's casting error of an in-place update (bool += 0.5), or its broadcasting error
    (a (1,) tensor += a (2, 3) one), with PyTorch's meaning."""
    if isinstance(err, ValueError):
        return ValueError(
            f"{op}: other's shape {np.shape(other)} does not broadcast to this tensor's shape "
            f"{t._data.shape} (an in-place op cannot grow a tensor)"
        )
    other = getattr(other, "dtype", type(other).__name__)
    return TypeError(
        f"{op}: result type of {t._data.dtype} and {other} can't be cast to the tensor's "
        f"dtype {t._data.dtype} in place ({err})"
    )


class TensorWriteMethods:
    """In-place writes into the data (a mixin of Tensor)."""

    __slots__ = ()

    def _check_inplace(self, name: str) -> None:
        if STATE.enabled and self.requires_grad:
            what = "a leaf tensor" if self._ctx is None else "a tensor in the graph"
            raise RuntimeError(
                f"{name}: {what} that requires grad can't be modified in place while the graph is "
                f"recorded; wrap the update in `with glassnet.no_grad():`"
            )

    def _rhs(self, other: Any) -> Any:
        return other._data if isinstance(other, _tensor.Tensor) else other

    def _scale(self, other: Any) -> Any:
        """The right-hand side of mul_ / div_: a number meeting a float16 tensor stays float32,
        as in PyTorch's float16 arithmetic (x *= 1e5 does not overflow the 1e5 to inf first);
        the product is rounded to float16 once, when written back."""
        if self._data.dtype == np.float16 and isinstance(other, (int, float, np.number)):
            return np.float32(other)
        return self._rhs(other)

    def zero_(self) -> Tensor:
        self._check_inplace("zero_")
        self._data[...] = 0
        return self

    def fill_(self, value: Any) -> Tensor:
        self._check_inplace("fill_")
        self._data[...] = self._rhs(value)
        return self

    def copy_(self, src: Any) -> Tensor:
        self._check_inplace("copy_")
        src = np.asarray(self._rhs(src))
        try:
            np.copyto(self._data, np.broadcast_to(src, self._data.shape), casting="unsafe")
        except ValueError:
            raise ValueError(
                f"copy_: source shape {src.shape} does not fit {self._data.shape}"
            ) from None
        return self

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        self._check_inplace("add_")
        other = self._rhs(other)
        try:
            self._data += other if alpha == 1 else alpha * np.asarray(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "add_", other, err) from None
        return self

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self.add_(other, -alpha)

    def mul_(self, other: Any) -> Tensor:
        self._check_inplace("mul_")
        try:
            self._data *= self._scale(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "mul_", other, err) from None
        return self

    def div_(self, other: Any) -> Tensor:
        self._check_inplace("div_")
        try:
            self._data /= self._scale(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "div_", other, err) from None
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._apply_("clamp_", _ops.clamp, min, max)

    def _apply_(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Tensor:
        """In place, as PyTorch's `x.op_(...)`: self takes the values of `fn(self, *args)`.

        Outside the graph (nothing requires grad, or under no_grad) the result is written into
        self's memory, so views such as `p.data` see it. A tensor inside the graph (made by an
        op) takes the result's values and graph node, so gradients flow through the in-place
        step as in PyTorch; a leaf that requires grad is refused, as in PyTorch.
        """
        grad_args = any(isinstance(a, _tensor.Tensor) and a.requires_grad for a in args)
        if STATE.enabled and (self.requires_grad or grad_args):
            if self._ctx is None and self.requires_grad:
                self._check_inplace(name)
            out = self._fits(name, fn(self._alias(), *args, **kwargs))  # self as it was
            self._data, self._ctx, self.requires_grad = out._data, out._ctx, out.requires_grad
            return self
        out = self._fits(name, fn(self, *args, **kwargs))
        np.copyto(self._data, out._data, casting="unsafe")
        return self

    def _fits(self, name: str, out: Tensor) -> Tensor:
        """The result of an in-place op, checked to fit self's shape and dtype (cast between
        floats; an integer tensor cannot take float results, as in PyTorch)."""
        if out._data.shape != self._data.shape:
            raise ValueError(
                f"{name}: the result's shape {out._data.shape} does not match this tensor's "
                f"shape {self._data.shape} (an in-place op cannot grow a tensor by broadcasting)"
            )
        if out._data.dtype != self._data.dtype:
            if not np.can_cast(out._data.dtype, self._data.dtype, casting="same_kind"):
                raise TypeError(
                    f"{name}: result type {out._data.dtype} can't be cast to the desired output "
                    f"type {self._data.dtype}"
                )
            out = _ops.cast(out, self._data.dtype)
        return out

    def lerp_(self, end: Tensor, weight: Any) -> Tensor:
        """self = self + weight * (end - self), in place."""
        return self._apply_("lerp_", _ops.lerp, end, weight)

    def addcmul_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """self += value * tensor1 * tensor2, in place."""
        return self._apply_("addcmul_", _ops.addcmul, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """self += value * tensor1 / tensor2, in place."""
        return self._apply_("addcdiv_", _ops.addcdiv, tensor1, tensor2, value=value)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """self = value where mask, in place."""
        return self._apply_("masked_fill_", _ops.masked_fill, mask, value)

    def clamp_min_(self, min: Any) -> Tensor:
        return self._apply_("clamp_min_", _ops.clamp_min, min)

    def clamp_max_(self, max: Any) -> Tensor:
        return self._apply_("clamp_max_", _ops.clamp_max, max)

    def pow_(self, exponent: Any) -> Tensor:
        return self._apply_("pow_", _ops.pow, exponent)

    def exp_(self) -> Tensor:
        return self._apply_("exp_", _ops.exp)

    def log_(self) -> Tensor:
        return self._apply_("log_", _ops.log)

    def sqrt_(self) -> Tensor:
        return self._apply_("sqrt_", _ops.sqrt)

    def rsqrt_(self) -> Tensor:
        return self._apply_("rsqrt_", _ops.rsqrt)

    def square_(self) -> Tensor:
        return self._apply_("square_", _ops.square)

    def neg_(self) -> Tensor:
        return self._apply_("neg_", _ops.neg)

    def abs_(self) -> Tensor:
        return self._apply_("abs_", _ops.abs)

    def reciprocal_(self) -> Tensor:
        return self._apply_("reciprocal_", _ops.reciprocal)

    def sigmoid_(self) -> Tensor:
        return self._apply_("sigmoid_", _ops.sigmoid)

    def tanh_(self) -> Tensor:
        return self._apply_("tanh_", _ops.tanh)

    def relu_(self) -> Tensor:
        return self._apply_("relu_", _ops.relu)

    def floor_(self) -> Tensor:
        return self._apply_("floor_", _ops.floor)

    def ceil_(self) -> Tensor:
        return self._apply_("ceil_", _ops.ceil)

    def round_(self, decimals: int = 0) -> Tensor:
        return self._apply_("round_", _ops.round, decimals)

    def trunc_(self) -> Tensor:
        return self._apply_("trunc_", _ops.trunc)

    def tril_(self, diagonal: int = 0) -> Tensor:
        return self._apply_("tril_", _ops.tril, diagonal)

    def triu_(self, diagonal: int = 0) -> Tensor:
        return self._apply_("triu_", _ops.triu, diagonal)

    def cumsum_(self, dim: int) -> Tensor:
        return self._apply_("cumsum_", _ops.cumsum, dim)

    def nan_to_num_(
        self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        return self._apply_("nan_to_num_", _ops.nan_to_num, nan, posinf, neginf)

    def scatter_(
        self, dim: int, index: Any, src: Any = None, value: Any = None, reduce: Any = None
    ) -> Tensor:
        """self[i][index[i][j]] = src[i][j] (dim = 1), in place (see glassnet.scatter)."""
        return self._apply_("scatter_", _ops.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim: int, index: Any, src: Tensor) -> Tensor:
        """self[i][index[i][j]] += src[i][j] (dim = 1), in place."""
        return self._apply_("scatter_add_", _ops.scatter_add, dim, index, src)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        return self._apply_("index_fill_", _ops.index_fill, dim, index, value)

    def index_add_(self, dim: int, index: Any, source: Tensor, alpha: float = 1) -> Tensor:
        return self._apply_("index_add_", _ops.index_add, dim, index, source, alpha=alpha)

    def index_copy_(self, dim: int, index: Any, source: Tensor) -> Tensor:
        return self._apply_("index_copy_", _ops.index_copy, dim, index, source)

    def index_put_(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """self[indices] = values (or += with accumulate), in place."""
        return self._apply_("index_put_", _ops.index_put, indices, values, accumulate)

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Tensor:
        """Write fill_value on the main diagonal (all indices equal), in place; a tall matrix
        starts again below each square block when `wrap`."""
        self._check_inplace("fill_diagonal_")
        if self._data.ndim < 2 or (self._data.ndim > 2 and len(set(self._data.shape)) != 1):
            raise ValueError(
                f"fill_diagonal_: dimensions must be larger than 1 and all of equal length for "
                f"more than 2 dims (shape {self._data.shape})"
            )
        np.fill_diagonal(self._data, self._rhs(fill_value), wrap=wrap)
        return self

    def _reshape_(self, name: str, fn: Any, *args: Any) -> Tensor:
        """self becomes fn(self, *args), a view with another shape (graph node included)."""
        if self._ctx is None and self.requires_grad and STATE.enabled:
            self._check_inplace(name)
        out = fn(self._alias(), *args)
        self._data = out._data
        if STATE.enabled:  # under no_grad a parameter stays a parameter
            self._ctx, self.requires_grad = out._ctx, out.requires_grad
        return self

    def _alias(self) -> Tensor:
        before = _tensor.Tensor._wrap(self._data)
        before.requires_grad, before._ctx = self.requires_grad, self._ctx
        return before

    def squeeze_(self, dim: Any = None) -> Tensor:
        return self._reshape_("squeeze_", _ops.squeeze, dim)

    def unsqueeze_(self, dim: int) -> Tensor:
        return self._reshape_("unsqueeze_", _ops.unsqueeze, dim)

    def t_(self) -> Tensor:
        return self._reshape_("t_", _ops.t)

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        return self._reshape_("transpose_", _ops.transpose, dim0, dim1)

    def _inplace(self, name: str, ufunc: Any, other: Any, out_of_place: Any) -> Tensor:
        """`t += x` and friends: in place on the data when no graph is recorded (an optimizer
        step under no_grad); a new graph node when this tensor is an intermediate of the graph."""
        other_grad = isinstance(other, _tensor.Tensor) and other.requires_grad
        if STATE.enabled and (self.requires_grad or other_grad):
            if self._ctx is None and self.requires_grad:
                self._check_inplace(name)
            return out_of_place(self, other)
        ufunc(self._data, self._rhs(other), out=self._data, casting="same_kind")
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace("__iadd__", np.add, other, _ops.add)

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace("__isub__", np.subtract, other, _ops.sub)

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace("__imul__", np.multiply, other, _ops.mul)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace("__itruediv__", np.true_divide, other, _ops.div)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check_inplace("__setitem__")
        self._data[_ops.to_index(index)] = self._rhs(value)
