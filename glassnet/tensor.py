"""The Tensor: an n-dimensional array (a NumPy ndarray, `._data`) that remembers how it was made.

A tensor made by an op holds `_ctx`, the graph node of that op; a leaf (made by the user) has
none. `backward()` walks these nodes from the output to the leaves and fills each leaf's `.grad`.
Every operator and method delegates to one op in `glassnet.ops`, where its math is written.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.tensor_methods import (
    TensorArithmeticMethods,
    TensorAutogradMethods,
    TensorConversionMethods,
    TensorInPlaceMethods,
    TensorPointwiseMethods,
    TensorProtocolMethods,
    TensorRandomFillMethods,
    TensorReductionMethods,
    TensorShapeMethods,
    TensorWriteMethods,
)
from glassnet.tensor_methods.lazy import OpsModule

# glassnet.ops, reached on first use: ops import Tensor (see glassnet/tensor_methods/lazy.py)
_ops = OpsModule("glassnet.ops")


def array_from(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data to an ndarray with PyTorch's dtype rules.

    Python floats become the default float dtype (float32), Python ints int64, bools bool; a NumPy
    array keeps its dtype unless `dtype` is given.
    """
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        return np.array(data, dtype=_dtypes.to_dtype(dtype))
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, np.generic):
        return np.array(data)
    arr = np.array(data)
    if arr.dtype.kind == "f":
        return arr.astype(_dtypes.get_default_dtype(), copy=False)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype == object:
        raise TypeError(f"tensor: cannot build a tensor from {type(data).__name__} ({data!r:.60})")
    return arr


class Tensor(
    TensorAutogradMethods,
    TensorConversionMethods,
    TensorWriteMethods,
    TensorRandomFillMethods,
    TensorProtocolMethods,
    TensorArithmeticMethods,
    TensorPointwiseMethods,
    TensorShapeMethods,
    TensorReductionMethods,
    TensorInPlaceMethods,
):
    """An ndarray with an optional gradient and the graph node that produced it.

    The methods that are ops (`x.sum()`, `x.view(...)`, `x.sin_()`) are written out in the mixin
    classes of `glassnet/tensor_methods/`, each delegating to its op in `glassnet.ops`, and so
    are the Tensor's own methods (autograd.py, conversion.py, writes.py, random_fills.py,
    protocols.py); the class itself holds the data, shape, dtype, device and layout.

    Parameters
    ----------
    data : array_like
        Numbers, nested lists, a NumPy array or another Tensor.
    dtype : dtype, optional
        `glassnet.float32` (default for Python floats), `float64`, `int64`, `int32`, `bool`.
    requires_grad : bool
        Record operations on this tensor so that `backward()` can compute its gradient.

    Example
    -------
    >>> x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = ("_data", "grad", "requires_grad", "_ctx", "_retains_grad", "__weakref__")
    __array_priority__ = 1000
    __array_ufunc__ = None  # make `ndarray + Tensor` call Tensor.__radd__

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self._data = array_from(data, dtype)
        self.grad: Tensor | None = None
        self._ctx = None
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, data: np.ndarray) -> Tensor:
        """Fast constructor for ops: wraps an ndarray without copying or checking."""
        t = object.__new__(cls)
        t._data = data
        t.grad = None
        t.requires_grad = False
        t._ctx = None
        t._retains_grad = False
        return t

    # ----------------------------------------------------------------- properties
    @property
    def data(self) -> Tensor:
        """The same values as a tensor outside the graph, sharing memory (as in PyTorch).

        In-place changes through it (`p.data.add_(g, alpha=-lr)`, `w.data.normal_(0, 0.02)`)
        change this tensor, and are seen by an optimizer holding it. The NumPy array is
        `.numpy()` (on `.data` or a detached tensor).
        """
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        """`t.data = other`: this tensor now holds `other`'s values (shared, not copied)."""
        if isinstance(value, Tensor):
            self._data = value._data
        elif isinstance(value, np.ndarray):
            self._data = value
        else:
            raise TypeError(
                f"data: can only assign a Tensor (or a NumPy array), got {type(value).__name__}"
            )

    @property
    def shape(self) -> tuple:
        return self._data.shape

    def size(self, dim: int | None = None) -> Any:
        """The shape (as PyTorch's `size()`), or the length of one dimension."""
        return self._data.shape if dim is None else self._data.shape[dim]

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op on tensors that require grad)."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Any:
        return self._ctx

    @property
    def device(self) -> _device.device:
        """Where the tensor lives: always `glassnet.device("cpu")`."""
        return _device.get_default_device()

    @property
    def is_cuda(self) -> bool:
        """False: glassnet tensors live on the CPU."""
        return False

    def get_device(self) -> int:
        """The CUDA index of the tensor's device; -1 for the CPU, as in PyTorch."""
        return -1

    @property
    def T(self) -> Tensor:
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def where(self, condition: Any, other: Any) -> Tensor:
        """`x.where(condition, y)`: x where condition holds, else y (as torch.Tensor.where)."""
        return _ops.where(condition, self, other)

    # ----------------------------------------------------------------- layout questions
    def nelement(self) -> int:
        """The number of elements (as numel)."""
        return self._data.size

    def element_size(self) -> int:
        """Bytes per element (4 for float32)."""
        return self._data.itemsize

    def stride(self, dim: int | None = None) -> Any:
        """Steps in elements between neighbours along each dim (PyTorch's strides, in elements)."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements lie in row-major order without gaps."""
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self) -> int:
        """The address of the first element."""
        return self._data.ctypes.data

    def ndimension(self) -> int:
        return self._data.ndim

    @property
    def nbytes(self) -> int:
        """Bytes held by the elements."""
        return self._data.nbytes

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    def is_signed(self) -> bool:
        """True for signed dtypes (floats and signed integers)."""
        return self._data.dtype.kind in "fi"

    def is_complex(self) -> bool:
        """Always False: glassnet has no complex dtypes."""
        return False

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(*other._data.shape)

    # comparisons: no gradient
