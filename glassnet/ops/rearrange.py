"""Ops that move, repeat or pick out elements: roll, repeat_interleave, movedim, diagonal, diag,
trace, masked_select. Backward sends each gradient element back to where its value came from
(summing where one value was copied to several places).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim
from glassnet.ops.movement import permute, reshape
from glassnet.tensor import Tensor


class Roll(Op):
    """y = x shifted cyclically by `shifts` along `axes`.   dL/dx = gy shifted back by -shifts."""

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.args = (shifts, axes)
        return np.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, gy):
        shifts, axes = ctx.args
        return np.roll(gy, tuple(-s for s in shifts), axes)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically: y[(i + shift) mod n] = x[i] along each dim in `dims`.

    Without `dims` the tensor is flattened, rolled and put back in shape. `shifts` and `dims`
    are ints or tuples of the same length.

    Example
    -------
    >>> glassnet.roll(glassnet.tensor([1, 2, 3]), 1)
    tensor([3, 1, 2])
    """
    shift_t = tuple(int(s) for s in shifts) if isinstance(shifts, (tuple, list)) else (int(shifts),)
    if dims is None:
        if len(shift_t) != 1:
            raise ValueError(
                f"roll: shifts and dimensions must align (shifts: {len(shift_t)}, dims: 0)"
            )
        flat = reshape(input, -1)
        return reshape(Roll.apply(flat, shifts=shift_t, axes=(0,)), input._data.shape)
    dim_t = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(shift_t) != len(dim_t):
        raise ValueError(
            f"roll: shifts and dimensions must align (shifts: {len(shift_t)}, dims: {len(dim_t)})"
        )
    ndim = input._data.ndim
    if ndim == 0:
        raise IndexError(f"roll: dimension specified as {dim_t[0]} but tensor has no dimensions")
    axes = tuple(norm_dim(d, ndim, "roll") for d in dim_t)
    return Roll.apply(input, shifts=shift_t, axes=axes)


class RepeatInterleave(Op):
    """y = x with element i along `axis` repeated repeats[i] times (np.repeat).
    dL/dx_i = the sum of gy over the repeats[i] copies of x_i."""

    @staticmethod
    def forward(ctx, x, repeats, axis):
        ctx.args = (x.shape, repeats, axis)
        return np.repeat(x, repeats, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        shape, repeats, axis = ctx.args
        n = shape[axis]
        owner = np.repeat(np.arange(n), np.broadcast_to(repeats, (n,)))  # source of each y
        gx = np.zeros(shape, dtype=gy.dtype)
        np.add.at(np.moveaxis(gx, axis, 0), owner, np.moveaxis(gy, axis, 0))
        return gx


def repeat_interleave(
    input: Tensor, repeats: Any = None, dim: int | None = None, output_size: int | None = None
) -> Tensor:
    """Repeat each element `repeats` times (an int, or a 1-D tensor with one count per element
    along `dim`); without `dim` the input is flattened first. Called with only a tensor of
    counts, returns repeat_interleave(arange(len(counts)), counts).

    Example
    -------
    >>> glassnet.repeat_interleave(glassnet.tensor([1, 2]), 2)
    tensor([1, 1, 2, 2])
    """
    if repeats is None:  # repeat_interleave(counts)
        counts = _counts(input, None, "repeat_interleave")
        return Tensor._wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input, axis = reshape(input, -1), 0
    elif input._data.ndim == 0:
        raise IndexError(
            f"repeat_interleave: dimension specified as {dim} but tensor has no dimensions"
        )
    else:
        axis = norm_dim(dim, input._data.ndim, "repeat_interleave")
    n = input._data.shape[axis]
    reps = _counts(repeats, n, "repeat_interleave")
    if output_size is not None and int(reps.sum() if reps.ndim else reps * n) != output_size:
        raise ValueError(
            f"repeat_interleave: output_size={output_size} does not match the repeats' total"
        )
    return RepeatInterleave.apply(input, repeats=reps, axis=axis)


def _counts(repeats: Any, n: int | None, op: str) -> np.ndarray:
    """Repeat counts as an int64 array: a 0-d count or one count per element (n of them)."""
    r = np.asarray(repeats._data if isinstance(repeats, Tensor) else repeats)
    if r.dtype.kind not in "iu":
        raise TypeError(f"{op}: repeats must be an integer or an integer tensor, got {r.dtype}")
    if r.ndim > 1:
        raise ValueError(f"{op}: repeats must be 0-dim or 1-dim tensor (shape {r.shape})")
    if np.any(r < 0):
        raise ValueError(f"{op}: repeats can not be negative")
    if r.ndim == 1 and n is not None and r.size != n and r.size != 1:
        raise ValueError(
            f"{op}: repeats must have the same size as input along dim, but got "
            f"repeats.size(0) = {r.size} and input.size(0) = {n}"
        )
    if r.ndim == 1 and r.size == 1 and n is not None:
        r = r.reshape(())
    return r.astype(np.int64)


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims `source` to positions `destination`, keeping the others' order (a permute)."""
    ndim = input._data.ndim
    src = source if isinstance(source, (tuple, list)) else (source,)
    dst = destination if isinstance(destination, (tuple, list)) else (destination,)
    if len(src) != len(dst):
        raise ValueError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = [norm_dim(d, ndim, "movedim") or 0 for d in src]
    dst = [norm_dim(d, ndim, "movedim") or 0 for d in dst]
    order = [d for d in range(ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, *order) if ndim else input


moveaxis = movedim


class Diagonal(Op):
    """y = the diagonal x[..., i, i + offset] over axes (a1, a2), appended as the last axis.
    dL/dx = zeros with gy written onto that diagonal."""

    @staticmethod
    def forward(ctx, x, offset, axis1, axis2):
        ctx.args = (x.shape, offset, axis1, axis2)
        return np.diagonal(x, offset, axis1, axis2).copy()

    @staticmethod
    def backward(ctx, gy):
        shape, offset, axis1, axis2 = ctx.args
        gx = np.zeros(shape, dtype=gy.dtype)
        i = np.arange(gy.shape[-1])
        np.moveaxis(gx, (axis1, axis2), (-2, -1))[..., i + max(-offset, 0), i + max(offset, 0)] = gy
        return gx


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal elements input[..., i, i + offset] of dims (dim1, dim2), as a new last dim."""
    ndim = input._data.ndim
    if ndim < 2:
        raise ValueError(f"diagonal: input must have at least 2 dims (shape {input.shape})")
    a1, a2 = norm_dim(dim1, ndim, "diagonal"), norm_dim(dim2, ndim, "diagonal")
    if a1 == a2:
        raise ValueError(f"diagonal: dim1 and dim2 cannot be the same (both are {a1})")
    return Diagonal.apply(input, offset=int(offset), axis1=a1, axis2=a2)


class DiagEmbed(Op):
    """y = the square matrix with the vector x on diagonal `offset`, zeros elsewhere.
    dL/dx = the diagonal `offset` of gy."""

    @staticmethod
    def forward(ctx, x, offset):
        ctx.offset = offset
        return np.diag(x, offset)

    @staticmethod
    def backward(ctx, gy):
        return np.diag(gy, ctx.offset).copy()


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes a square matrix with it on diagonal `diagonal`; a 2-D input gives its
    diagonal `diagonal` as a vector."""
    if input._data.ndim == 1:
        return DiagEmbed.apply(input, offset=int(diagonal))
    if input._data.ndim == 2:
        return Diagonal.apply(input, offset=int(diagonal), axis1=0, axis2=1)
    raise ValueError(f"diag: input must be 1-D or 2-D (shape {input._data.shape})")


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a 2-D input."""
    if input._data.ndim != 2:
        raise ValueError(f"trace: expected a matrix (shape {input._data.shape})")
    return diagonal(input).sum()


def masked_select(input: Tensor, mask: Any) -> Tensor:
    """The 1-D tensor of input's elements where the boolean `mask` (broadcast) is true."""
    from glassnet.ops.indexing import getitem

    m = np.asarray(mask._data if isinstance(mask, Tensor) else mask)
    if m.dtype != np.bool_:
        raise TypeError(f"masked_select: mask must be a bool tensor, got dtype {m.dtype}")
    try:
        shape = np.broadcast_shapes(m.shape, input._data.shape)
    except ValueError:
        raise ValueError(
            f"masked_select: mask of shape {m.shape} cannot be broadcast to input shape "
            f"{input._data.shape}"
        ) from None
    x = input if shape == input._data.shape else input.expand(*shape)
    return getitem(x, Tensor._wrap(np.broadcast_to(m, shape)))


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor (row-major)."""
    return reshape(input, -1)


def take_along_dim(input: Tensor, indices: Any, dim: int | None = None) -> Tensor:
    """Pick along `dim` by `indices` (broadcast against input in the other dims); without dim,
    from the flattened input."""
    from glassnet.ops.indexing import gather

    idx = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if dim is None:
        return gather(reshape(input, -1), 0, Tensor._wrap(idx.reshape(-1)))
    axis = norm_dim(dim, input._data.ndim, "take_along_dim")
    shape_x = list(input._data.shape)
    shape_i = list(idx.shape)
    shape_x[axis] = shape_i[axis] = 1
    common = np.broadcast_shapes(tuple(shape_x), tuple(shape_i))
    x_shape = common[:axis] + (input._data.shape[axis],) + common[axis + 1 :]
    i_shape = common[:axis] + (idx.shape[axis],) + common[axis + 1 :]
    x = input if tuple(x_shape) == input._data.shape else input.expand(*x_shape)
    return gather(x, axis, Tensor._wrap(np.broadcast_to(idx, i_shape)))


class Unfold(Op):
    """y = the windows x[..., j*step : j*step + size, ...] along `axis`, stacked on that axis,
    each window's elements on a new last axis.   dL/dx = each window's gy added back in place
    (overlapping windows add up)."""

    @staticmethod
    def forward(ctx, x, axis, size, step):
        ctx.args = (x.shape, axis, size, step)
        windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=axis)
        index = (slice(None),) * axis + (slice(None, None, step),)
        return windows[index].copy()

    @staticmethod
    def backward(ctx, gy):
        shape, axis, size, step = ctx.args
        gx = np.zeros(shape, dtype=gy.dtype)
        count = gy.shape[axis]
        for j in range(size):  # offset j inside every window
            target = (slice(None),) * axis + (slice(j, j + step * (count - 1) + 1, step),)
            gx[target] += gy[..., j]
        return gx


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """All windows of `size` elements along `dimension`, `step` apart: that dim becomes the
    number of windows, (n - size) // step + 1, and a last dim of `size` holds each window
    (Tensor.unfold in PyTorch)."""
    axis = norm_dim(dimension, input._data.ndim, "unfold")
    if input._data.ndim == 0:
        input, axis = reshape(input, 1), 0
    n = input._data.shape[axis]
    if not 0 <= size <= n:
        raise ValueError(f"unfold: size {size} exceeds the size of dim {dimension} ({n})")
    if step <= 0:
        raise ValueError(f"unfold: step is {step} but must be > 0")
    return Unfold.apply(input, axis=axis, size=int(size), step=int(step))


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Cut along `dim` into k nearly equal parts (an int k: the first n % k parts one longer), or
    at the listed indices (a list: the pieces [0, i0), [i0, i1), ..., [ik, n))."""
    from glassnet.ops.indexing import narrow

    axis = norm_dim(dim, input._data.ndim, "tensor_split")
    n = input._data.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"tensor_split: number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.cumsum([0] + sizes)
    else:
        cuts = [int(i) + n if int(i) < 0 else int(i) for i in indices_or_sections]  # as x[:i]
        bounds = [0] + [min(max(c, 0), n) for c in cuts] + [n]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        pieces.append(narrow(input, axis, int(start), max(int(stop) - int(start), 0)))
    return tuple(pieces)


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """Cut along `dim` into pieces of the listed sizes (they must add up to the dim's size)."""
    from glassnet.ops.movement import split

    return split(input, list(split_sizes), dim)


def diff(
    input: Tensor, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None
) -> Tensor:
    """The n-th forward difference along `dim`: y_i = x_{i+1} - x_i (applied n times), after
    putting `prepend` before and `append` after the input along that dim."""
    from glassnet.ops.elementwise import sub
    from glassnet.ops.indexing import narrow
    from glassnet.ops.movement import cat

    axis = norm_dim(dim, input._data.ndim, "diff")
    if axis is None:
        raise ValueError("diff: expected a tensor with at least 1 dimension")
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, axis) if len(parts) > 1 else input
    for _ in range(n):
        length = x._data.shape[axis]
        if length == 0:
            break
        x = sub(narrow(x, axis, 1, length - 1), narrow(x, axis, 0, length - 1))
    return x


def take(input: Tensor, index: Any) -> Tensor:
    """input read as if flattened, at `index` (the result has index's shape)."""
    from glassnet.ops.indexing import getitem

    idx = np.asarray(index._data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"take: index must be an integer tensor, got dtype {idx.dtype}")
    n = input._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"take: index out of range for a tensor of {n} elements")
    return getitem(reshape(input, -1), Tensor._wrap(idx))
