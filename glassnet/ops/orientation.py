"""Tiling, flipping and rotating whole tensors: tile, fliplr, flipud, rot90. Each is built from
repeat, flip, transpose and reshape, whose backward passes route the gradient back."""

from __future__ import annotations

from typing import Any

from glassnet.ops._common import norm_dim
from glassnet.ops.movement import flip, repeat, reshape, transpose
from glassnet.tensor import Tensor


def tile(input: Tensor, dims: Any) -> Tensor:
    """Repeat the whole tensor dims[i] times along dim i; a shorter `dims` is padded with
    leading 1s, a shorter input gets leading dims of size 1 (unlike Tensor.repeat)."""
    reps = tuple(dims) if isinstance(dims, (tuple, list)) else (int(dims),)
    ndim = max(len(reps), input._data.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    x = reshape(input, (1,) * (ndim - input._data.ndim) + input._data.shape)
    return repeat(x, *reps)


def fliplr(input: Tensor) -> Tensor:
    """Reverse the order along dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise ValueError(f"fliplr: input must be >= 2-d (shape {input._data.shape})")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """Reverse the order along dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise ValueError("flipud: input must be >= 1-d")
    return flip(input, 0)


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90 degrees k times in the plane of `dims`, from the first toward the second."""
    if len(dims) != 2:
        raise ValueError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    a, b = (norm_dim(d, input._data.ndim, "rot90") for d in dims)
    if a == b:
        raise ValueError(f"rot90: expected the rotation dims to differ, got {dims}")
    k %= 4
    if k == 1:
        return transpose(flip(input, b), a, b)
    if k == 2:
        return flip(input, a, b)
    if k == 3:
        return flip(transpose(input, a, b), b)
    return reshape(input, input._data.shape)
