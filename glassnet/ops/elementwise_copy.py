"""Copies of a tensor: cast (to another dtype; differentiable between float dtypes) and clone."""

from __future__ import annotations

from typing import Any

import glassnet._dtypes as _dtypes
from glassnet.autograd.function import Op
from glassnet.tensor import Tensor


class Cast(Op):
    """y = x converted to another dtype.   dL/dx = gy converted back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, gy):
        return gy.astype(ctx.dtype) if ctx.dtype.kind == "f" else None


class Clone(Op):
    """y = a copy of x.   dL/dx = gy."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, gy):
        return gy


def cast(input: Tensor, dtype: Any) -> Tensor:
    """input converted to `dtype` (a dtype or its name); differentiable between float dtypes."""
    dtype = _dtypes.to_dtype(dtype)
    if input._data.dtype == dtype:
        return input
    out = Cast.apply(input, dtype=dtype)
    if dtype.kind != "f" and out.requires_grad:
        out.requires_grad = False
        out._ctx = None
    return out


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)
