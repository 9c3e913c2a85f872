"""Writing into chosen places: scatter, index_fill, index_add, index_copy, index_put (out-of-place;
the `_` methods on Tensor write the result back). A value written over x[i] cuts x[i] out of the
gradient; a value added to x[i] leaves x's gradient whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops._common import lift, norm_dim
from glassnet.ops.indexing import _full_index, _index_array, scatter_add
from glassnet.tensor import Tensor


class Scatter(Op):
    """y = x, then y[i][index[i][j]] = src[i][j] (dim = 1), or = value for every such place.
    dL/dx = gy with 0 at the written places,   dL/dsrc = gy gathered at index."""

    @staticmethod
    def forward(ctx, x, *src, index, axis, value):
        where = _full_index(index, axis)
        ctx.args = (where, src[0].shape if src else None, index.shape)
        y = x.copy()
        window = tuple(slice(0, n) for n in index.shape)
        y[where] = src[0][window] if src else value
        return y

    @staticmethod
    def backward(ctx, gy):
        where, src_shape, index_shape = ctx.args
        gx = gy.copy()
        gx[where] = 0
        if src_shape is None:
            return gx
        gsrc = None
        if ctx.needs_input_grad[1]:
            gsrc = np.zeros(src_shape, dtype=gy.dtype)
            gsrc[tuple(slice(0, n) for n in index_shape)] = gy[where]
        return gx, gsrc


def scatter(
    input: Tensor,
    dim: int,
    index: Any,
    src: Any = None,
    value: Any = None,
    reduce: str | None = None,
) -> Tensor:
    """A copy of input with src[i][j] (or the number `value`) written at input[i][index[i][j]]
    (for dim = 1; likewise for other dims). `reduce="add"` adds instead (as scatter_add).
    With repeated indices the last write wins (PyTorch leaves that order undefined)."""
    if src is None and value is None:
        raise TypeError("scatter: give either src (a tensor) or value (a number)")
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src  # scatter(input, dim, index, 1.5): the number is the value
    idx = _index_array(index, "scatter")
    axis = norm_dim(dim, input._data.ndim, "scatter")
    if reduce is not None:
        if reduce != "add":
            raise ValueError(f"scatter: reduce must be 'add' or None, got {reduce!r}")
        if src is None:
            src = Tensor._wrap(np.full(idx.shape, value, dtype=input._data.dtype))
        return scatter_add(input, dim, idx, src)
    if idx.ndim != input._data.ndim or (src is not None and src._data.ndim != idx.ndim):
        raise ValueError(
            f"scatter: index {idx.shape}, input {input._data.shape}"
            + (f" and src {src._data.shape}" if src is not None else "")
            + " must have the same number of dims"
        )
    n = input._data.shape[axis] if input._data.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"scatter: index out of range for dim {dim} of size {n}")
    if src is None:
        v = value.item() if isinstance(value, Tensor) else value
        return Scatter.apply(input, index=idx, axis=axis or 0, value=v)
    src = src if src._data.dtype == input._data.dtype else src.to(input._data.dtype)
    return Scatter.apply(input, src, index=idx, axis=axis or 0, value=None)


def _along(axis: int, index: np.ndarray, ndim: int) -> tuple:
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


class IndexPut(Op):
    """y = x with the slices at `index` along `axis` set to `value`, set to src, or (add=True)
    increased by alpha * src.
    dL/dx = gy (0 on the overwritten slices),   dL/dsrc = (alpha *) gy at those slices."""

    @staticmethod
    def forward(ctx, x, *src, index, axis, value, add, alpha):
        where = _along(axis, index, x.ndim)
        ctx.args = (where, add, alpha)
        y = x.copy()
        if add:
            np.add.at(y, where, alpha * src[0] if alpha != 1 else src[0])
        else:
            y[where] = src[0] if src else value
        return y

    @staticmethod
    def backward(ctx, gy):
        where, add, alpha = ctx.args
        gx = gy
        if not add:
            gx = gy.copy()
            gx[where] = 0
        if len(ctx.needs_input_grad) == 1:
            return gx
        gsrc = gy[where] * alpha if ctx.needs_input_grad[1] else None
        return gx, gsrc


def _index_args(input: Tensor, dim: int, index: Any, op: str) -> tuple:
    idx = _index_array(index, op)
    if idx.ndim > 1:
        raise ValueError(f"{op}: index must be a vector (shape {idx.shape})")
    idx = idx.reshape(-1)
    axis = norm_dim(dim, input._data.ndim, op) or 0
    n = input._data.shape[axis] if input._data.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"{op}: index out of range for dim {dim} of size {n}")
    return idx, axis


def _source(input: Tensor, source: Any, idx: np.ndarray, axis: int, op: str) -> Tensor:
    src = lift(source, input._data)
    expected = list(input._data.shape)
    if expected:
        expected[axis] = idx.size
    if tuple(src._data.shape) != tuple(expected):
        raise ValueError(
            f"{op}: source shape {src._data.shape} does not match {tuple(expected)} (input "
            f"{input._data.shape} with {idx.size} indices along dim {axis})"
        )
    return src if src._data.dtype == input._data.dtype else src.to(input._data.dtype)


def index_fill(input: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of input with every slice input[..., i, ...] (i in `index`, along dim) set to
    `value`."""
    idx, axis = _index_args(input, dim, index, "index_fill")
    v = value.item() if isinstance(value, Tensor) else value
    return IndexPut.apply(input, index=idx, axis=axis, value=v, add=False, alpha=1)


def index_copy(input: Tensor, dim: int, index: Any, source: Tensor) -> Tensor:
    """A copy of input with slice index[k] along dim replaced by slice k of source."""
    idx, axis = _index_args(input, dim, index, "index_copy")
    src = _source(input, source, idx, axis, "index_copy")
    return IndexPut.apply(input, src, index=idx, axis=axis, value=None, add=False, alpha=1)


def index_add(input: Tensor, dim: int, index: Any, source: Tensor, alpha: float = 1) -> Tensor:
    """A copy of input with alpha * slice k of source added to slice index[k] along dim
    (repeated indices accumulate)."""
    idx, axis = _index_args(input, dim, index, "index_add")
    src = _source(input, source, idx, axis, "index_add")
    return IndexPut.apply(input, src, index=idx, axis=axis, value=None, add=True, alpha=alpha)


class IndexPutAdvanced(Op):
    """y = x with y[indices] = values (or += values with accumulate), NumPy advanced indexing.
    dL/dx = gy (0 at the written places unless accumulating),
    dL/dvalues = gy read at indices, summed back to values' shape."""

    @staticmethod
    def forward(ctx, x, values, indices, accumulate):
        ctx.args = (indices, accumulate, values.shape)
        y = x.copy()
        if accumulate:
            np.add.at(y, indices, values)
        else:
            y[indices] = values
        return y

    @staticmethod
    def backward(ctx, gy):
        indices, accumulate, shape = ctx.args
        gx = gy
        if not accumulate:
            gx = gy.copy()
            gx[indices] = 0
        gv = unbroadcast(np.asarray(gy[indices]), shape) if ctx.needs_input_grad[1] else None
        return gx, gv


def index_put(input: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """A copy of input with input[indices] = values (`indices` a tuple of index tensors, as
    `input[i, j] = values`); with `accumulate`, repeated places add up."""
    from glassnet.ops.indexing import to_index

    index = to_index(tuple(indices))
    vals = lift(values, input._data)
    if vals._data.dtype != input._data.dtype:
        vals = vals.to(input._data.dtype)
    try:
        target = np.empty(input._data.shape, dtype=np.int8)[index]
        np.broadcast_to(vals._data, target.shape)
    except (IndexError, ValueError) as err:
        raise type(err)(f"index_put: {err} (input shape {input._data.shape})") from None
    return IndexPutAdvanced.apply(input, vals, indices=index, accumulate=bool(accumulate))
