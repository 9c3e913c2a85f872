"""Helpers shared by the op files: turning Python numbers into tensors, normalising `dim`."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import _dtypes
from glassnet.tensor import Tensor


def lift(x: Any, like: np.ndarray | None = None) -> Tensor:
    """A Tensor for x. A Python number takes the dtype of the tensor it meets (`like`), so
    `float32_tensor * 2.0` stays float32; a float meeting an integer tensor becomes float32."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool, np.number, np.bool_)):
        kind = like.dtype.kind
        if kind == "f" or isinstance(x, (bool, np.bool_)):
            return Tensor._wrap(np.asarray(x, dtype=like.dtype))
        if isinstance(x, (float, np.floating)):
            return Tensor._wrap(np.asarray(x, dtype=_dtypes.get_default_dtype()))
        if kind == "b":
            return Tensor._wrap(np.asarray(x, dtype=np.int64))
        return Tensor._wrap(np.asarray(x, dtype=like.dtype))
    if isinstance(x, np.ndarray):
        return Tensor._wrap(x)
    return Tensor(x)


def operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as tensors (a number takes the other side's dtype)."""
    if isinstance(a, Tensor):
        return a, (b if isinstance(b, Tensor) else lift(b, a.data))
    if isinstance(b, Tensor):
        return lift(a, b.data), b
    return Tensor(a), Tensor(b)


def norm_dim(dim: Any, ndim: int, op: str) -> Any:
    """`dim` as NumPy's `axis`: None (all), an int, or a tuple of ints, checked against ndim."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        return tuple(norm_dim(d, ndim, op) for d in dim)
    n = max(ndim, 1)
    d = int(dim)
    if not -n <= d < n:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dimensions")
    return d % n if ndim else None


def keepdim_shape(shape: tuple, axis: Any) -> tuple:
    """The shape of a reduction's result with keepdim=True (reduced axes kept as size 1)."""
    if axis is None:
        return (1,) * len(shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
