"""Helpers shared by the op files: turning Python numbers into tensors, normalising `dim`."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.kernels.cache import scalar as const  # noqa: F401 (0-d constants, shared)
from glassnet.kernels.reductions import column_sums, ones_vector, row_sums  # noqa: F401 (shared)
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
        dtype = np.int64 if kind == "b" else like.dtype
        try:
            return Tensor._wrap(np.asarray(x, dtype=dtype))
        except OverflowError:
            raise OverflowError(
                f"the number {x} does not fit in the tensor's dtype {np.dtype(dtype)} "
                f"(range {np.iinfo(dtype).min} to {np.iinfo(dtype).max})"
            ) from None
    if isinstance(x, np.ndarray):
        return Tensor._wrap(x)
    return Tensor(x)


def lifted(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors, before any promotion: a number takes the other side's dtype
    (see `lift`); two non-tensors become tensors of their own."""
    if isinstance(a, Tensor):
        return a, b if isinstance(b, Tensor) else lift(b, a._data)
    if isinstance(b, Tensor):
        return lift(a, b._data), b
    return Tensor(a), Tensor(b)


def operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as tensors of one dtype (a number takes the other side's
    dtype; two tensors of different dtypes meet at PyTorch's result type, see `result_dtype`)."""
    a, b = lifted(a, b)
    da, db = a._data.dtype, b._data.dtype
    if da is not db and da != db:
        a, b = promote(a, b)
    return a, b


def operand_arrays(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of their common result dtype, cast outside the graph (for the
    ops without a gradient, such as the comparisons); see `operands`."""
    a, b = lifted(a, b)
    x, y = a._data, b._data
    if x.dtype != y.dtype:
        dtype = result_dtype(x, y)
        a, b = Tensor._wrap(x.astype(dtype, copy=False)), Tensor._wrap(y.astype(dtype, copy=False))
    return a, b


def check_broadcast(a: Tensor, b: Tensor, op: str) -> None:
    """Refuse two tensors whose shapes do not broadcast, naming the op and the shapes (for ops
    that call NumPy directly, outside an Op whose errors are named for it)."""
    try:
        np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a._data.shape} and {b._data.shape} do not broadcast"
        ) from None


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promoted_dtype(d1: np.dtype, d2: np.dtype) -> np.dtype:
    """PyTorch's promote_types: the higher category (bool < integer < float) wins, within a
    category the wider dtype."""
    c1, c2 = _CATEGORY.get(d1.kind, 3), _CATEGORY.get(d2.kind, 3)
    if c1 != c2:
        return d1 if c1 > c2 else d2  # int64 with float32 gives float32, not NumPy's float64
    return np.promote_types(d1, d2)


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """PyTorch's type promotion: the higher category (bool < integer < float) wins, and within a
    category the wider dtype; 0-d tensors only decide when their category is higher than that of
    every tensor with dimensions (so float32 (3,) + float64 0-d stays float32)."""
    dim = zero = None
    for x in arrays:
        if x.ndim:
            dim = x.dtype if dim is None else promoted_dtype(dim, x.dtype)
        else:
            zero = x.dtype if zero is None else promoted_dtype(zero, x.dtype)
    if dim is None:
        return zero
    if zero is None or _CATEGORY.get(zero.kind, 3) <= _CATEGORY.get(dim.kind, 3):
        return dim
    return zero


def promote(*tensors: Tensor) -> list:
    """The tensors cast to their common result dtype (a differentiable cast between floats)."""
    from glassnet.ops.elementwise import cast

    dtype = result_dtype(*[t._data for t in tensors])
    return [t if t._data.dtype == dtype else cast(t, dtype) for t in tensors]


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


def to_float(x: Tensor) -> Tensor:
    """x itself when floating; a bool or integer tensor cast to the default float dtype.

    The math functions (exp, log, sin, sigmoid, ...) give floats for integer input, as in
    PyTorch (`sigmoid(tensor([1, 2]))` is float32), where NumPy would give float64 (or float16
    for bool)."""
    if x._data.dtype.kind == "f":
        return x
    from glassnet.ops.elementwise import cast

    return cast(x, _dtypes.get_default_dtype())


def require_float(x: Tensor, op: str) -> None:
    """Refuse a bool or integer tensor where PyTorch does (softmax, mean, var, gelu, ...)."""
    if x._data.dtype.kind != "f":
        from glassnet.autograd.function import GlassnetTypeError

        raise GlassnetTypeError(
            f"{op}: expected a floating-point tensor, got dtype {x._data.dtype} (shape "
            f"{x._data.shape}); convert it first, e.g. x.float()"
        )
