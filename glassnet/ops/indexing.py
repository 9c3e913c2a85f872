"""Indexing ops: reading chosen elements, and the scatter-add that is their backward.

Reading y = x[idx] copies some elements (possibly the same one several times); its backward adds
each gy element into the position it was read from, so repeated indices accumulate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.engine import SliceGrad
from glassnet.autograd.function import Op, unbroadcast
from glassnet.kernels.rows import add_rows
from glassnet.ops._common import norm_dim
from glassnet.tensor import Tensor

_BASIC = (int, slice, type(None), type(Ellipsis))


def to_index(index: Any) -> Any:
    """Turn tensors and lists inside an index into NumPy arrays NumPy can index with."""
    if isinstance(index, tuple):
        return tuple(to_index(i) for i in index)
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _is_basic(index: Any) -> bool:
    if isinstance(index, tuple):
        return all(isinstance(i, _BASIC) and not isinstance(i, bool) for i in index)
    return isinstance(index, _BASIC) and not isinstance(index, bool)


class GetItem(Op):
    """y = x[index].   dL/dx = zeros with gy added at the indexed positions (scatter-add)."""

    @staticmethod
    def forward(ctx, x, index, basic):
        ctx.args = (x.shape, x.dtype, index, basic)
        y = x[index]
        return y if basic else np.asarray(y)

    @staticmethod
    def backward(ctx, gy):
        shape, dtype, index, basic = ctx.args
        if basic:  # basic indices name each element at most once: gy lands on x[index]
            return SliceGrad(shape, index, gy)  # made a full array only when needed
        rows = _row_index(index)
        if rows is not None:  # x[idx]: whole rows, summed by `add_rows` (np.add.at: 4-20x slower)
            return _rows_back(shape, 0, rows, gy)
        gx = np.zeros(shape, dtype=gy.dtype)
        np.add.at(gx, index, gy)  # repeated integer indices must accumulate
        return gx


def _rows_back(shape: tuple, axis: int, index: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """dL/dx (shape) of x read at `index` along `axis`: each slice of gy added into the slice it
    was read from (negative indices counted from the end), repeated ones accumulating."""
    others = shape[:axis] + shape[axis + 1 :]
    flat = np.asarray(index).reshape(-1) % shape[axis]
    moved = np.moveaxis(gy, axis, 0).reshape(flat.size, math.prod(others))  # a row per index
    sums = add_rows(shape[axis], flat, moved)
    return np.moveaxis(sums.reshape((shape[axis],) + others), 0, axis)


def _row_index(index: Any) -> np.ndarray | None:
    """The integer array of an index that picks whole rows (x[idx] or x[(idx,)]), else None."""
    if isinstance(index, tuple) and len(index) == 1:
        index = index[0]
    if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        return index
    return None


class Gather(Op):
    """y[i][j] = x[i][index[i][j]] (for dim = 1).   dL/dx = gy scatter-added at those places."""

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.args = (x.shape, index, axis)
        window = tuple(slice(0, n) if d != axis else slice(None) for d, n in enumerate(index.shape))
        return np.take_along_axis(x[window], index, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        shape, index, axis = ctx.args
        gx = np.zeros(shape, dtype=gy.dtype)
        np.add.at(gx, _full_index(index, axis), gy)
        return gx


def _full_index(index: np.ndarray, axis: int) -> tuple:
    """The NumPy index that picks x[i0, .., index[i], .., ik] for every position i of index."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


class ScatterAdd(Op):
    """y = x, then y[i][index[i][j]] += src[i][j] (for dim = 1).
    dL/dx = gy,   dL/dsrc = gy gathered at index."""

    @staticmethod
    def forward(ctx, x, src, index, axis):
        ctx.args = (index, axis)
        y = x.copy()
        window = tuple(slice(0, n) for n in index.shape)
        np.add.at(y, _full_index(index, axis), src[window])
        ctx.src_shape = src.shape
        return y

    @staticmethod
    def backward(ctx, gy):
        index, axis = ctx.args
        gsrc = None
        if ctx.needs_input_grad[1]:
            gsrc = np.zeros(ctx.src_shape, dtype=gy.dtype)
            gsrc[tuple(slice(0, n) for n in index.shape)] = gy[_full_index(index, axis)]
        return gy, gsrc


class IndexSelect(Op):
    """y = x taken at `index` along one axis.   dL/dx = gy scatter-added back along that axis."""

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.args = (x.shape, index, axis)
        return np.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, gy):
        shape, index, axis = ctx.args
        return _rows_back(shape, axis, index, gy)


class MaskedFill(Op):
    """y = value where mask else x.   dL/dx = gy where not mask, else 0."""

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.args = (x.shape, mask)
        return np.where(mask, value, x)  # value: a 0-d array of x's dtype (_fill_value)

    @staticmethod
    def backward(ctx, gy):
        shape, mask = ctx.args
        return unbroadcast(np.where(mask, np.zeros((), dtype=gy.dtype), gy), shape)


# ----------------------------------------------------------------------------- public functions
def getitem(input: Tensor, index: Any) -> Tensor:
    """x[index] with basic (ints, slices, None, ...), boolean and integer-array indices."""
    index = to_index(index)
    basic = _is_basic(index)
    if not basic:
        _check_advanced(input, index)
    return GetItem.apply(input, index=index, basic=basic)


def _check_advanced(input: Tensor, index: Any) -> None:
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype.kind not in "iub":
            raise IndexError(
                f"getitem: tensors used as indices must be integer or bool, got {part.dtype}"
            )


def _index_array(index: Any, op: str) -> np.ndarray:
    arr = np.asarray(index._data if isinstance(index, Tensor) else index)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The slice start:start+length of axis `dim`."""
    axis = norm_dim(dim, input._data.ndim, "narrow")
    size = input._data.shape[axis] if input._data.ndim else 1
    start = int(start)
    if start < 0:
        start += size  # counted from the end, as PyTorch
    if not (0 <= start <= size and 0 <= length <= size - start):
        raise IndexError(
            f"narrow: start {start} and length {length} are out of range for dim {dim} of "
            f"size {size} (shape {input._data.shape})"
        )
    index = (slice(None),) * (axis or 0) + (slice(start, start + length),)
    return GetItem.apply(input, index=index, basic=True)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The sub-tensor at position `index` of axis `dim` (that axis removed)."""
    axis = norm_dim(dim, input._data.ndim, "select")
    return GetItem.apply(input, index=(slice(None),) * axis + (int(index),), basic=True)


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """Pick along `dim` by `index`: out[i][j] = input[i][index[i][j]] for dim = 1."""
    idx = _index_array(index, "gather")
    axis = norm_dim(dim, input._data.ndim, "gather")
    if idx.ndim != input._data.ndim:
        raise ValueError(
            f"gather: index has {idx.ndim} dims but input has {input._data.ndim} "
            f"(shapes {idx.shape} and {input._data.shape})"
        )
    for d, (a, b) in enumerate(zip(idx.shape, input._data.shape)):
        if d != axis and a > b:
            raise ValueError(
                f"gather: index shape {idx.shape} is larger than input shape "
                f"{input._data.shape} in dim {d}"
            )
    if idx.size and (idx.min() < -input._data.shape[axis] or idx.max() >= input._data.shape[axis]):
        raise IndexError(
            f"gather: index out of range for dim {dim} of size {input._data.shape[axis]}"
        )
    return Gather.apply(input, index=idx, axis=axis)


def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """A copy of input with src[i][j] added at input[i][index[i][j]] (dim = 1)."""
    idx = _index_array(index, "scatter_add")
    axis = norm_dim(dim, input._data.ndim, "scatter_add")
    if idx.ndim != input._data.ndim or src._data.ndim != input._data.ndim:
        raise ValueError(
            f"scatter_add: input {input._data.shape}, index {idx.shape} and src "
            f"{src._data.shape} must have the same number of dims"
        )
    return ScatterAdd.apply(input, src, index=idx, axis=axis)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The entries of axis `dim` listed in the 1-D `index`."""
    idx = _index_array(index, "index_select")
    if idx.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {idx.shape}")
    axis = norm_dim(dim, input._data.ndim, "index_select")
    n = input._data.shape[axis] if input._data.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"index_select: index out of range for dim {dim} of size {n}")
    return IndexSelect.apply(input, index=idx.reshape(-1), axis=axis or 0)


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """input with `value` wherever the boolean `mask` (broadcast to input) is true."""
    m = np.asarray(mask._data if isinstance(mask, Tensor) else mask)
    if m.dtype != np.bool_:
        raise TypeError(f"masked_fill: mask must be a bool tensor, got dtype {m.dtype}")
    try:
        np.broadcast_shapes(m.shape, input._data.shape)
    except ValueError:
        raise ValueError(
            f"masked_fill: mask of shape {m.shape} cannot be broadcast to input shape "
            f"{input._data.shape}"
        ) from None
    value = value.item() if isinstance(value, Tensor) else value
    return MaskedFill.apply(input, mask=m, value=_fill_value(value, input._data.dtype))


def _fill_value(value: Any, dtype: np.dtype) -> np.ndarray:
    """value as a 0-d array of dtype, refused (as PyTorch does) when it does not fit:
    1e30 or NaN into an integer tensor, 1e30 into float16."""
    try:
        v = np.asarray(value, dtype=dtype)
        fits = dtype.kind != "f" or not np.isfinite(value) or np.isfinite(v)
    except (OverflowError, ValueError, TypeError):
        fits = False
    if not fits:
        raise ValueError(
            f"masked_fill: value {value!r} cannot be converted to the input's dtype {dtype} "
            f"without overflow"
        )
    return v
