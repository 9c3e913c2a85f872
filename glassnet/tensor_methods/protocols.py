"""Tensor's Python protocols: operators (`a + b`, `a @ b`, `a < b`, `~a`, ... each one op of
`glassnet.ops`), `len`, iteration, `bool`/`float`/`int`/`index`, `repr` and `format`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_ops = OpsModule("glassnet.ops")


class TensorProtocolMethods:
    """Python protocols and operators (a mixin of Tensor)."""

    __slots__ = ()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"bool: the truth value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extra = ""
        if self._data.dtype not in (_dtypes.get_default_dtype(), _dtypes.int64, _dtypes.bool_):
            extra += f", dtype=glassnet.{self._data.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn=<{type(self._ctx).__name__}Backward>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __format__(self, format_spec: str) -> str:
        """`f"{loss:.4f}"`: a 0-d tensor formats as its Python number (as in PyTorch); any
        other tensor takes only the empty spec (its str), else TypeError."""
        if self._data.ndim == 0:
            return format(self._data.item(), format_spec)
        if format_spec:
            raise TypeError(
                f"unsupported format string {format_spec!r} passed to Tensor.__format__: only a "
                f"0-d tensor formats like a number (this one has shape {self._data.shape}; "
                f"use t.item() for a one-element tensor)"
            )
        return str(self)

    __hash__ = object.__hash__

    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        """number / self, computed as PyTorch does: reciprocal(self) * number (so in float16
        1e5 / 3 is 1e5 * 0.33325 = 33312, and a reciprocal that overflows stays inf)."""
        return _ops.mul(_ops.reciprocal(self), other)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        """Elementwise ==; against a non-number (None, a string) Python's plain answer, False,
        as in PyTorch."""
        try:
            return _ops.eq(self, other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        try:
            return _ops.ne(self, other)
        except TypeError:
            return NotImplemented

    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def __invert__(self) -> Tensor:
        return _ops.logical_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ops.logical_and(self, other)

    def __or__(self, other: Any) -> Tensor:
        return _ops.logical_or(self, other)

    def __xor__(self, other: Any) -> Tensor:
        return _ops.logical_xor(self, other)
