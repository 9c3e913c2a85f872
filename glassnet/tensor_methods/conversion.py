"""Conversions of a Tensor: to NumPy and Python (`numpy`, `item`, `tolist`), to another dtype
(`to`, `float`, `half`, ...) or device, copies (`clone`), and new tensors like this one
(`new_zeros`, `new_full`, `new_tensor`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet._memory import AllocationError, check_allocation
from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_ops = OpsModule("glassnet.ops")
# glassnet.tensor, for `Tensor` at call time: it imports this module
_tensor = OpsModule("glassnet.tensor")


class TensorConversionMethods:
    """Conversions to NumPy, Python, dtypes and devices; new tensors (a mixin of Tensor)."""

    __slots__ = ()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared memory). Refused while it requires grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; "
                "use tensor.detach().numpy()"
            )
        return self._data

    def item(self) -> Any:
        if self._data.size != 1:
            raise ValueError(
                f"item: only a tensor with one element can be converted to a Python scalar "
                f"(shape {self._data.shape})"
            )
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self._data  # no copy when the dtype already fits
        return self._data.astype(dtype)

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype; differentiable between float dtypes."""
        return _ops.cast(self, _dtypes.to_dtype(dtype))

    def to(
        self,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        non_blocking: bool = False,
        copy: bool = False,
        memory_format: Any = None,
    ) -> Tensor:
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`, as in PyTorch.

        Returns this tensor when nothing changes (a copy when `copy=True`), else a converted copy
        that stays in the graph. glassnet runs on the CPU only: any other device ("cuda",
        `glassnet.device("mps")`, an int CUDA index) is refused with an error naming it.
        `non_blocking` and `memory_format` are accepted for PyTorch scripts; every copy is
        immediate and contiguous.
        """
        for arg in args:
            if isinstance(arg, _tensor.Tensor):
                dtype = arg._data.dtype
            elif _device.is_device(arg) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            elif arg is not None:
                dtype = arg
        _device.check(device, "to")
        out = self if dtype is None else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def type(self, dtype: Any) -> Tensor:
        return self.astype(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.astype(other._data.dtype)

    def float(self) -> Tensor:
        return self.astype(_dtypes.float32)

    def double(self) -> Tensor:
        return self.astype(_dtypes.float64)

    def long(self) -> Tensor:
        return self.astype(_dtypes.int64)

    def int(self) -> Tensor:
        return self.astype(_dtypes.int32)

    def bool(self) -> Tensor:
        return self.astype(_dtypes.bool_)

    def clone(self) -> Tensor:
        return _ops.clone(self)

    def contiguous(self) -> Tensor:
        return self

    def cpu(self, memory_format: Any = None) -> Tensor:
        """This tensor (it is already on the CPU, as PyTorch returns a CPU tensor itself)."""
        return self

    def cuda(
        self, device: Any = None, non_blocking: bool = False, memory_format: Any = None
    ) -> Tensor:
        """Refused: glassnet has no CUDA device (the error names the one asked for; an int
        `device` is a CUDA index, as in PyTorch)."""
        _device.check("cuda" if device is None else device, "cuda")
        return self

    def half(self) -> Tensor:
        return self.astype(_dtypes.float16)

    def short(self) -> Tensor:
        return self.astype(_dtypes.int16)

    def char(self) -> Tensor:
        return self.astype(_dtypes.int8)

    def byte(self) -> Tensor:
        return self.astype(_dtypes.uint8)

    def _new(
        self, name: str, size: tuple, fill: Any, dtype: Any, device: Any, requires_grad: bool
    ) -> Tensor:
        _device.check(device, name)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        dt = self._data.dtype if dtype is None else _dtypes.to_dtype(dtype)
        try:
            shape = tuple(int(n) for n in size)
            if min(shape, default=0) >= 0:
                check_allocation(name, shape, dt)
            data = np.empty(shape, dt) if fill is None else np.full(shape, self._rhs(fill), dt)
        except AllocationError:
            raise
        except (ValueError, TypeError) as err:
            raise ValueError(f"{name}: invalid size {size}: {err}") from None
        out = _tensor.Tensor._wrap(data)
        return out.requires_grad_(True) if requires_grad else out

    def new_zeros(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """Zeros of `size`, with this tensor's dtype unless `dtype` is given (as PyTorch).
        `device` may name the CPU; layout=/pin_memory= are accepted and ignored."""
        return self._new("new_zeros", size, 0, dtype, device, requires_grad)

    def new_ones(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """Ones of `size`, with this tensor's dtype unless `dtype` is given."""
        return self._new("new_ones", size, 1, dtype, device, requires_grad)

    def new_empty(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """An uninitialised tensor of `size`, with this tensor's dtype unless `dtype` is given."""
        return self._new("new_empty", size, None, dtype, device, requires_grad)

    def new_full(
        self,
        size: Any,
        fill_value: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """A tensor of `size` filled with fill_value, with this tensor's dtype unless given."""
        return self._new("new_full", (size,), fill_value, dtype, device, requires_grad)

    def new_tensor(
        self,
        data: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """A new tensor (a copy) of `data`, with this tensor's dtype unless `dtype` is given
        (checked as `glassnet.tensor` checks its data and device)."""
        _device.check(device, "new_tensor")
        dt = self._data.dtype if dtype is None else dtype
        return _ops.tensor(data, dtype=dt, requires_grad=requires_grad)
