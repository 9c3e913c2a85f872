"""Ops that move or copy values without arithmetic. Backward routes each gradient back to the
place its value came from: a reshape is undone, a transpose is transposed back, a copy sums.

Joining and cutting (cat, stack, split, chunk, unbind) are in glassnet/ops/movement_join.py,
re-exported here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._memory import check_allocation
from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops._common import norm_dim
from glassnet.ops.elementwise import Clone
from glassnet.ops.movement_join import (  # noqa: F401 (re-exported)
    Cat,
    Stack,
    cat,
    chunk,
    concat,
    concatenate,
    split,
    stack,
    unbind,
)
from glassnet.tensor import Tensor


class Reshape(Op):
    """y = x with a new shape (same elements, row-major order).   dL/dx = gy reshaped back."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, gy):
        return gy.reshape(ctx.shape)


class Permute(Op):
    """y = x with its axes reordered by `dims`.   dL/dx = gy permuted by the inverse order."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, gy):
        return gy.transpose(ctx.inverse)


class Expand(Op):
    """y = x broadcast to a larger shape (a view).   dL/dx = gy summed over the copies."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, gy):
        return unbroadcast(gy, ctx.shape)


class Repeat(Op):
    """y = x tiled `reps` times along each axis.   dL/dx = sum of gy over the tiles."""

    @staticmethod
    def forward(ctx, x, reps):
        x_shape = (1,) * (len(reps) - x.ndim) + x.shape
        ctx.shapes = (x.shape, x_shape, reps)
        return np.tile(x.reshape(x_shape), reps)

    @staticmethod
    def backward(ctx, gy):
        shape, x_shape, reps = ctx.shapes
        interleaved = [n for pair in zip(reps, x_shape) for n in pair]  # (r0, s0, r1, s1, ...)
        g = gy.reshape(interleaved).sum(axis=tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(shape)


class Pad(Op):
    """y = x with (lo, hi) widths added around each axis: constant `value` where a width is
    positive, elements cut away where it is negative (as torch.nn.functional.pad crops).
    dL/dx = gy with the padding cut away, and zero where x was cut away."""

    @staticmethod
    def forward(ctx, x, widths, value):
        cut = tuple((max(-lo, 0), max(-hi, 0)) for lo, hi in widths)
        grow = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
        kept = x[tuple(slice(lo, n - hi) for (lo, hi), n in zip(cut, x.shape))]
        ctx.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(grow, kept.shape))
        ctx.cut = cut if any(lo or hi for lo, hi in cut) else None
        return np.pad(kept, grow, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, gy):
        gx = gy[ctx.inner]
        return gx if ctx.cut is None else np.pad(gx, ctx.cut)


class Flip(Op):
    """y = x reversed along `axes`.   dL/dx = gy reversed along the same axes."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.flip(x, axis=axes)

    @staticmethod
    def backward(ctx, gy):
        return np.flip(gy, axis=ctx.axes)


class Triangle(Op):
    """y = x with the elements above (tril) or below (triu) the k-th diagonal set to 0.
    dL/dx = gy with the same elements set to 0."""

    @staticmethod
    def forward(ctx, x, k, lower):
        ctx.args = (k, lower)
        return np.tril(x, k) if lower else np.triu(x, k)

    @staticmethod
    def backward(ctx, gy):
        k, lower = ctx.args
        return np.tril(gy, k) if lower else np.triu(gy, k)


# ----------------------------------------------------------------------------- public functions
def _shape_arg(shape: Sequence[Any]) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape; one dimension may be -1 (inferred)."""
    shape = _shape_arg(shape)
    if shape == input._data.shape:
        return input
    try:
        return Reshape.apply(input, shape=shape)
    except ValueError:
        raise ValueError(
            f"reshape: shape {input._data.shape} ({input._data.size} elements) cannot be "
            f"reshaped to {shape}"
        ) from None


view = reshape


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, 1)
    s = norm_dim(start_dim, len(shape), "flatten")
    e = norm_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(input, shape[:s] + (-1,) + shape[e + 1 :] if shape[s : e + 1] else shape)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    shape = input._data.shape
    d = norm_dim(dim, len(shape), "unflatten")
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1 :])


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes: output axis i is input axis dims[i]."""
    dims = _shape_arg(dims)
    n = input._data.ndim
    valid = len(dims) == n and all(-n <= d < n for d in dims)
    if not valid or sorted(d % n for d in dims) != list(range(n)):
        raise ValueError(
            f"permute: dims {dims} are not a permutation of the {n} axes of shape "
            f"{input._data.shape}"
        )
    return Permute.apply(input, dims=tuple(d % n for d in dims)) if n else input


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two axes."""
    n = input._data.ndim
    if n < 2:
        return input
    d0, d1 = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, dims=tuple(dims))


swapaxes = transpose


def t(input: Tensor) -> Tensor:
    if input._data.ndim > 2:
        raise ValueError(f"t: expects a tensor with <= 2 dimensions, got shape {input._data.shape}")
    return transpose(input, 0, 1)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove axes of size 1 (only `dim` when given; a dim of other size is left alone)."""
    shape = input._data.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
    else:
        axes = norm_dim(dim, len(shape), "squeeze")
        axes = (axes,) if isinstance(axes, int) else (axes or ())
        new = tuple(n for i, n in enumerate(shape) if not (i in axes and n == 1))
    return reshape(input, new)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert an axis of size 1 at `dim` (negative counts from the end of the new shape)."""
    shape = input._data.shape
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(f"unsqueeze: dim {dim} is out of range for a result with {n} dimensions")
    d = dim % n
    return reshape(input, shape[:d] + (1,) + shape[d:])


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise ValueError(
            f"expand: the shape {sizes} has fewer dimensions than the tensor's {shape}"
        )
    target = tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, n in enumerate(shape):
        if n != 1 and n != target[i + lead]:
            raise ValueError(
                f"expand: shape {shape} cannot be expanded to {sizes} (dim {i + lead})"
            )
    return input if target == shape else Expand.apply(input, shape=target)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    return expand(input, tuple(shape))


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor: `sizes[i]` copies along axis i (as torch.Tensor.repeat)."""
    reps = _shape_arg(sizes)
    if len(reps) < input._data.ndim:
        raise ValueError(
            f"repeat: give at least one repeat per dimension ({input._data.ndim}), got {reps}"
        )
    return Repeat.apply(input, reps=reps)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad with a constant; `pad` lists (left, right) pairs from the last axis backwards, as
    torch.nn.functional.pad: (1, 1) pads the last axis, (1, 1, 2, 2) the last two."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
    if len(pad) % 2 or len(pad) // 2 > input._data.ndim:
        raise ValueError(
            f"pad: needs (left, right) pairs for at most {input._data.ndim} dims, got {tuple(pad)}"
        )
    shape = input._data.shape
    widths = [(0, 0)] * len(shape)
    for i in range(len(pad) // 2):
        axis = len(shape) - 1 - i
        lo, hi = int(pad[2 * i]), int(pad[2 * i + 1])
        if shape[axis] + min(lo, 0) + min(hi, 0) < 0:  # negative widths crop, as in torch
            raise ValueError(
                f"pad: padding ({lo}, {hi}) cuts more than the {shape[axis]} elements of dim "
                f"{axis} (input shape {shape})"
            )
        widths[axis] = (lo, hi)
    out = tuple(n + lo + hi for n, (lo, hi) in zip(shape, widths))
    check_allocation("pad", out, input._data.dtype)
    return Pad.apply(input, widths=tuple(widths), value=value)


def flip(input: Tensor, *dims: Any) -> Tensor:
    """Reverse the order of elements along `dims` (`flip(x, (0, 1))` or `x.flip(0, 1)`)."""
    axes = norm_dim(_shape_arg(dims), input._data.ndim, "flip")
    if input._data.ndim == 0 or axes is None:
        return Clone.apply(input)  # nothing to reverse
    return Flip.apply(input, axes=axes)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the lower triangle (on and below the `diagonal`-th diagonal) of the last two axes."""
    if input._data.ndim < 2:
        raise ValueError(f"tril: needs at least 2 dimensions, got shape {input._data.shape}")
    return Triangle.apply(input, k=diagonal, lower=True)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the upper triangle (on and above the `diagonal`-th diagonal) of the last two axes."""
    if input._data.ndim < 2:
        raise ValueError(f"triu: needs at least 2 dimensions, got shape {input._data.shape}")
    return Triangle.apply(input, k=diagonal, lower=False)
