"""A Module's dtype and device conversions: `to(...)`, `float()`, `double()`, `half()`, `cpu()`,
`cuda()` (refused: glassnet runs on the CPU). Floating parameters, their gradients and buffers
change dtype in place, so an optimizer built before still holds the same Parameter objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.tensor import Tensor

if TYPE_CHECKING:
    from glassnet.nn.module import Module


class ModuleDtypeMethods:
    """The conversions of `Module` (a mixin: they walk `self.modules()`)."""

    def _cast_floats(self, dtype: np.dtype) -> Module:
        """Convert every floating parameter, gradient and buffer to `dtype`, keeping the same
        Parameter objects (an optimizer built before still holds them)."""
        for module in self.modules():
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is None or t._data.dtype.kind != "f" or t._data.dtype == dtype:
                    continue
                t._data = t._data.astype(dtype)
                if t.grad is not None:
                    t.grad = Tensor._wrap(t.grad._data.astype(dtype))
        return self

    def to(
        self,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        non_blocking: bool = False,
        memory_format: Any = None,
    ) -> Module:
        """Convert floating parameters and buffers: `to(glassnet.float64)`, `to("cpu")`,
        `to(device)`, `to(device, dtype)`, `to(dtype=...)` or `to(tensor)` (its dtype).

        Only the CPU device exists: any other ("cuda", `glassnet.device("mps")`, an int CUDA
        index) is refused with an error naming it. Every conversion is immediate and contiguous
        (`non_blocking` and `memory_format` are accepted for PyTorch scripts)."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg._data.dtype
            elif _device.is_device(arg) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            else:
                dtype = arg
        _device.check(device, "Module.to")
        if dtype is None:
            return self
        dtype = _dtypes.to_dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: module parameters can only be cast to a float dtype, got {dtype}")
        return self._cast_floats(dtype)

    def float(self) -> Module:
        return self._cast_floats(_dtypes.float32)

    def double(self) -> Module:
        return self._cast_floats(_dtypes.float64)

    def half(self) -> Module:
        return self._cast_floats(_dtypes.float16)

    def cpu(self) -> Module:
        """This module (its parameters and buffers are on the CPU already)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: glassnet has no CUDA device (the error names the one asked for)."""
        _device.check("cuda" if device is None else device, "Module.cuda")
        return self
