"""Functions that make new tensors, with PyTorch's names, defaults and `dtype=` everywhere (the
random ones are in glassnet/ops/creation_random.py and re-exported here).

Every factory takes `device=` as PyTorch does: None or "cpu" (any spelling:
`glassnet.device("cpu")`, "cpu:0"); any other device is refused with an error naming it (glassnet
runs on the CPU only, see `glassnet/_device.py`). `pin_memory=` is accepted where PyTorch has
it and changes nothing: pinned (page-locked) memory only speeds up copies to an accelerator, and
there is none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.ops.creation_checks import _float_dtype, _made, _new, _size
from glassnet.ops.creation_random import (  # noqa: F401 (re-exported)
    normal,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
)
from glassnet.tensor import Tensor

# Tensors hold numbers glassnet computes with: bool, integers, floats (no complex, strings or
# Python objects, which NumPy would store but no op handles).
_KINDS = "biuf"


def _checked(data: Any, dtype: Any, requires_grad: bool, op: str) -> Tensor:
    """Tensor(data, dtype), with NumPy's conversion errors and unsupported dtypes explained."""
    if dtype is not None and (data is None or isinstance(data, (list, tuple))):
        _check_no_objects(data, op)  # NumPy would turn None into NaN under a float dtype
    try:
        t = Tensor(data, dtype=dtype, requires_grad=requires_grad)
    except (ValueError, OverflowError) as err:
        raise ValueError(f"{op}: cannot convert {type(data).__name__} to a tensor: {err}") from None
    except TypeError as err:
        if str(err).startswith("tensor:") or str(err).startswith("unknown dtype"):
            raise
        raise TypeError(f"{op}: cannot convert {type(data).__name__} to a tensor: {err}") from None
    _check_kind(t._data.dtype, data, op)
    return t


def _check_no_objects(data: Any, op: str) -> None:
    """Refuse None (or another object) among the numbers, as PyTorch does."""
    try:
        probe = np.asarray(data)
    except (ValueError, TypeError):
        return  # ragged: the conversion itself explains it
    if probe.dtype == object:
        raise TypeError(
            f"{op}: cannot convert {data!r:.60} to a tensor: None (or another object) is not a "
            f"number"
        )


def _check_kind(dtype: np.dtype, data: Any, op: str) -> None:
    if dtype.kind not in _KINDS:
        raise TypeError(
            f"{op}: glassnet tensors hold bool, integer or floating-point numbers; "
            f"got {type(data).__name__} of dtype {dtype} ({data!r:.60})"
        )


def tensor(
    data: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor holding a copy of `data` (Python floats become float32; arrays keep dtype).

    Strings, complex numbers and other objects are refused with a TypeError."""
    _device.check(device, "tensor")
    return _checked(data, dtype, requires_grad, "tensor")


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a NumPy array (or returns a Tensor) when it can."""
    _device.check(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.astype(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == _dtypes.to_dtype(dtype)):
        _check_kind(data.dtype, data, "as_tensor")
        return Tensor._wrap(data)
    return _checked(data, dtype, False, "as_tensor")


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` (same dtype)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    _check_kind(array.dtype, array, "from_numpy")
    return Tensor._wrap(array)


def zeros(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "zeros")
    shape, d = _size(size, "zeros"), _float_dtype(dtype)
    return _new("zeros", shape, d, lambda: np.zeros(shape, d), requires_grad)


def ones(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "ones")
    shape, d = _size(size, "ones"), _float_dtype(dtype)
    return _new("ones", shape, d, lambda: np.ones(shape, d), requires_grad)


def empty(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "empty")
    shape, d = _size(size, "empty"), _float_dtype(dtype)
    return _new("empty", shape, d, lambda: np.empty(shape, d), requires_grad)


def full(
    size: Sequence[int],
    fill_value: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A tensor of `size` filled with `fill_value` (dtype inferred from the value, as PyTorch)."""
    _device.check(device, "full")
    if dtype is None:
        dtype = (
            _dtypes.bool_
            if isinstance(fill_value, bool)
            else _dtypes.int64
            if isinstance(fill_value, int)
            else _dtypes.get_default_dtype()
        )
    shape, d = _size((size,), "full"), _dtypes.to_dtype(dtype)
    return _new("full", shape, d, lambda: np.full(shape, fill_value, d), requires_grad)


def zeros_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    _device.check(device, "zeros_like")
    return _made(np.zeros_like(input._data, dtype=dtype and _dtypes.to_dtype(dtype)), requires_grad)


def ones_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    _device.check(device, "ones_like")
    return _made(np.ones_like(input._data, dtype=dtype and _dtypes.to_dtype(dtype)), requires_grad)


def full_like(
    input: Tensor,
    fill_value: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    _device.check(device, "full_like")
    d = input._data.dtype if dtype is None else _dtypes.to_dtype(dtype)
    return _made(np.full(input._data.shape, fill_value, dtype=d), requires_grad)


def empty_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    _device.check(device, "empty_like")
    return _made(np.empty_like(input._data, dtype=dtype and _dtypes.to_dtype(dtype)), requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Values start, start+step, ... below end; int64 when all arguments are ints, as PyTorch."""
    _device.check(device, "arange")
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = _dtypes.int64 if ints else _dtypes.get_default_dtype()
    try:
        span = float((end - start) / step)
    except (TypeError, ValueError):
        raise TypeError(
            f"arange: start, end and step must be numbers, got {start!r}, {end!r}, {step!r}"
        ) from None
    if not math.isfinite(span):
        raise ValueError(f"arange: unsupported range {start} -> {end} with step {step}")
    shape, d = (max(math.ceil(span), 0),), _dtypes.to_dtype(dtype)
    return _new("arange", shape, d, lambda: np.arange(start, end, step, dtype=d), requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """`steps` evenly spaced values from start to end inclusive."""
    _device.check(device, "linspace")
    if not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace: steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {steps}")
    d = _float_dtype(dtype)
    return _new(
        "linspace", (steps,), d, lambda: np.linspace(start, end, steps, dtype=d), requires_grad
    )


def eye(
    n: int,
    m: int | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "eye")
    shape, d = _size((n, n if m is None else m), "eye"), _float_dtype(dtype)
    return _new("eye", shape, d, lambda: np.eye(*shape, dtype=d), requires_grad)
