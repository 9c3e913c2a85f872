"""Data types: glassnet's dtypes are NumPy dtype objects, so `t.dtype == glassnet.float32` and
`t.dtype == np.float32` both hold. float32 is the default for Python floats."""

from __future__ import annotations

from typing import Any

import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
float16 = np.dtype(np.float16)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
int16 = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)


class UnsupportedDtype:
    """A PyTorch dtype that glassnet can name but not store (NumPy has no such type).

    Scripts can pass it around (`{"bfloat16": glassnet.bfloat16}[name]`, `autocast(dtype=...)`);
    making a tensor of it (`zeros(2, dtype=glassnet.bfloat16)`, `x.to(glassnet.bfloat16)`,
    `model.to(glassnet.bfloat16)`) raises a TypeError that says so.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def is_floating_point(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"glassnet.{self.name}"


bfloat16 = UnsupportedDtype("bfloat16")
_UNSUPPORTED = {"bfloat16": bfloat16}

_NAMES = {
    "float32": float32,
    "float": float32,
    "float64": float64,
    "double": float64,
    "float16": float16,
    "half": float16,
    "int64": int64,
    "long": int64,
    "int32": int32,
    "int": int32,
    "int16": int16,
    "int8": int8,
    "uint8": uint8,
    "bool": bool_,
}
_default_float = float32


def get_default_dtype() -> np.dtype:
    """The dtype given to Python floats and to float tensors made without `dtype=`."""
    return _default_float


def set_default_dtype(dtype: Any) -> None:
    """Set the default float dtype (float32 or float64), as `torch.set_default_dtype`."""
    global _default_float
    d = to_dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {d}")
    _default_float = d


def to_dtype(dtype: Any) -> np.dtype:
    """Turn a glassnet/NumPy dtype, a Python type or a name ('float32', 'long') into a np.dtype."""
    if isinstance(dtype, np.dtype):
        return dtype
    if isinstance(dtype, str):
        dtype = _UNSUPPORTED.get(dtype.removeprefix("torch.").removeprefix("glassnet."), dtype)
    if isinstance(dtype, UnsupportedDtype):
        raise TypeError(
            f"dtype {dtype!r} is not supported: NumPy has no {dtype.name} type, so glassnet "
            f"cannot store tensors in it (it only names it, for scripts that choose a dtype); "
            f"use glassnet.float32. Mixed precision (glassnet.autocast) runs in float32 on the CPU"
        )
    if dtype is float:
        return _default_float
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    if isinstance(dtype, str):
        key = dtype.removeprefix("torch.").removeprefix("glassnet.")
        if key in _NAMES:
            return _NAMES[key]
        raise TypeError(f"unknown dtype {dtype!r}; expected one of {sorted(_NAMES)}")
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}") from None


def is_floating(dtype: np.dtype) -> bool:
    return dtype.kind == "f"
