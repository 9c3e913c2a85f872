"""Joining tensors and cutting them apart: cat (concat, concatenate), stack, split, chunk and
unbind. Backward of a join hands each input the slice of the gradient it filled; the cuts are
views (narrow / select), whose gradients land in their slice of the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim
from glassnet.tensor import Tensor


class Cat(Op):
    """y = the inputs joined along `axis`.   dL/dx_k = the slice of gy that x_k filled."""

    @staticmethod
    def forward(ctx, *xs, axis):
        ctx.axis = axis
        ctx.bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        return tuple(np.split(gy, ctx.bounds, axis=ctx.axis))


class Stack(Op):
    """y = the inputs stacked along a new `axis`.   dL/dx_k = gy taken at index k of that axis."""

    @staticmethod
    def forward(ctx, *xs, axis):
        ctx.axis = axis
        return np.stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        return tuple(np.moveaxis(gy, ctx.axis, 0))


def _tensors(tensors: Sequence[Any], op: str) -> list:
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError(f"{op}: expects a non-empty sequence of tensors")
    from glassnet.ops._common import lift, promote

    ts = [lift(t) for t in tensors]
    if any(t._data.dtype != ts[0]._data.dtype for t in ts):
        ts = promote(*ts)  # PyTorch's result type: int64 with float32 gives float32
    return ts


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing axis; all other axes must match."""
    ts = _tensors(tensors, "cat")
    ref = ts[0]._data.shape
    if any(t._data.ndim == 0 for t in ts):
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use stack")
    axis = norm_dim(dim, len(ref), "cat")
    for k, t in enumerate(ts):
        s = t._data.shape
        if len(s) != len(ref) or any(a != b for i, (a, b) in enumerate(zip(s, ref)) if i != axis):
            raise ValueError(
                f"cat: tensor {k} has shape {s}, which does not match {ref} outside dim {dim}"
            )
    return Cat.apply(*ts, axis=axis)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis."""
    ts = _tensors(tensors, "stack")
    ref = ts[0]._data.shape
    for k, t in enumerate(ts):
        if t._data.shape != ref:
            raise ValueError(f"stack: tensor {k} has shape {t._data.shape}, but tensor 0 has {ref}")
    n = len(ref) + 1
    if not -n <= dim < n:
        raise IndexError(f"stack: dim {dim} is out of range for a result with {n} dimensions")
    return Stack.apply(*ts, axis=dim % n)


def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Cut into pieces of `split_size` (the last may be smaller) or of the listed sizes."""
    from glassnet.ops.indexing import narrow

    _at_least_1d(input, "split")
    axis = norm_dim(dim, input._data.ndim, "split")
    n = input._data.shape[axis]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size < 0 or (size == 0 and n):
            raise ValueError(
                f"split: split_size must be positive (0 only for an empty dim), got {size} "
                f"for dim {dim} of size {n}"
            )
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else []
        sizes = sizes or [0]  # an empty dim: one empty piece, as PyTorch
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(f"split: sections {sizes} do not add up to dim {dim} of size {n}")
    starts = np.cumsum([0] + sizes[:-1])
    return tuple(narrow(input, axis, int(s), int(k)) for s, k in zip(starts, sizes))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Cut into `chunks` nearly equal pieces (fewer if the axis is short), as PyTorch."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    _at_least_1d(input, "chunk")
    axis = norm_dim(dim, input._data.ndim, "chunk")
    n = input._data.shape[axis]
    if n == 0:  # PyTorch: `chunks` empty pieces
        return split(input, [0] * chunks, axis)
    return split(input, -(-n // chunks), axis)


def _at_least_1d(input: Tensor, op: str) -> None:
    if input._data.ndim == 0:
        raise IndexError(f"{op}: expects a tensor with at least 1 dimension, got a 0-d tensor")


def unbind(input: Tensor, dim: int = 0) -> tuple:
    from glassnet.ops.indexing import select

    _at_least_1d(input, "unbind")
    axis = norm_dim(dim, input._data.ndim, "unbind")
    return tuple(select(input, axis, i) for i in range(input._data.shape[axis]))
