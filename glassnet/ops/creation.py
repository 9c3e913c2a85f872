"""Functions that make new tensors, with PyTorch's names, defaults and `dtype=` everywhere.

Every factory takes `device=` as PyTorch does: None or "cpu" (any spelling:
`glassnet.device("cpu")`, "cpu:0"); any other device is refused with an error naming it (glassnet
runs on the CPU only, see `glassnet/_device.py`). `pin_memory=` is accepted where PyTorch has
it and changes nothing: pinned (page-locked) memory only speeds up copies to an accelerator, and
there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def _size(size: Sequence[Any]) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    shape = tuple(int(s) for s in size)
    if any(s < 0 for s in shape):
        raise ValueError(f"negative dimension in size {shape}")
    return shape


def _float_dtype(dtype: Any) -> np.dtype:
    return _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)


def _made(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


# Tensors hold numbers glassnet computes with: bool, integers, floats (no complex, strings or
# Python objects, which NumPy would store but no op handles).
_KINDS = "biuf"


def _checked(data: Any, dtype: Any, requires_grad: bool, op: str) -> Tensor:
    """Tensor(data, dtype), with NumPy's conversion errors and unsupported dtypes explained."""
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
    return _made(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "ones")
    return _made(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "empty")
    return _made(np.empty(_size(size), dtype=_float_dtype(dtype)), requires_grad)


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
    return _made(np.full(_size((size,)), fill_value, dtype=_dtypes.to_dtype(dtype)), requires_grad)


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
    return _made(np.arange(start, end, step, dtype=_dtypes.to_dtype(dtype)), requires_grad)


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
    if steps < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {steps}")
    return _made(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "eye")
    _size((n,) if m is None else (n, m))  # checks: no negative size
    return _made(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(
    *size: Any,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Uniform samples from [0, 1)."""
    _device.check(device, "rand")
    d = _float_dtype(dtype)
    return _made(rng_of(generator).random(_size(size), dtype=np.float64).astype(d), requires_grad)


def randn(
    *size: Any,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    _device.check(device, "randn")
    d = _float_dtype(dtype)
    return _made(rng_of(generator).standard_normal(_size(size)).astype(d), requires_grad)


def randint(
    low: int,
    high: Any = None,
    size: Sequence[int] | None = None,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Integers drawn uniformly from [low, high) (int64 unless `dtype` says otherwise).

    As in PyTorch, `randint(high, size)` draws from [0, high).
    """
    _device.check(device, "randint")
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: empty range [{low}, {high})")
    d = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    return _made(
        rng_of(generator).integers(low, high, size=_size((size,))).astype(d), requires_grad
    )


def randperm(
    n: int,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A random permutation of 0..n-1."""
    _device.check(device, "randperm")
    d = _dtypes.int64 if dtype is None else _dtypes.to_dtype(dtype)
    _size((n,))  # checks: no negative size
    return _made(rng_of(generator).permutation(n).astype(d), requires_grad)


def rand_like(
    input: Tensor,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    _device.check(device, "rand_like")
    return rand(
        *input._data.shape,
        generator=generator,
        dtype=dtype or input._data.dtype,
        requires_grad=requires_grad,
    )


def randn_like(
    input: Tensor,
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    _device.check(device, "randn_like")
    return randn(
        *input._data.shape,
        generator=generator,
        dtype=dtype or input._data.dtype,
        requires_grad=requires_grad,
    )


def normal(
    mean: float,
    std: float,
    size: Sequence[int],
    generator: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    _device.check(device, "normal")
    d = _float_dtype(dtype)
    if not std >= 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return _made(rng_of(generator).normal(mean, std, _size((size,))).astype(d), requires_grad)
