"""ONNX mappings of the ops that move elements: reshape, transpose, slicing, joining, gathers.

Shapes in the trace are concrete; where a dimension may be dynamic (the batch), the mappings
write shapes relative to the input (Reshape's 0 = "as the input", Expand's 1 = "keep"), so the
graph also runs at other sizes.
"""

from __future__ import annotations

import numpy as np

from glassnet.onnx.graph import INT64_MAX, INT64_MIN, GraphBuilder, OnnxExportError
from glassnet.ops import indexing as I
from glassnet.ops import movement as M


def _x(g: GraphBuilder, call) -> str:
    return g.name(call.inputs[0])


def reshape_shape(in_shape: tuple, out_shape: tuple) -> list[int]:
    """The ONNX Reshape target: 0 for each leading dimension that keeps its size (it follows the
    input, dynamic or not), -1 for the first other one (it absorbs a dynamic size)."""
    target = list(out_shape)
    i = 0
    while i < min(len(in_shape), len(out_shape)) and in_shape[i] == out_shape[i]:
        target[i] = 0
        i += 1
    if i < len(target) and target[i] != 0:
        target[i] = -1
    return target


def _reshape(g, call):  # y = x with the same elements in a new shape
    shape = reshape_shape(call.inputs[0]._data.shape, call.out._data.shape)
    return g.op("Reshape", _x(g, call), g.ints(shape))


def _permute(g, call):  # y[i_p0, i_p1, ...] = x[i_0, i_1, ...]
    return g.op("Transpose", _x(g, call), perm=[int(d) for d in call.params["dims"]])


def _expand(g, call):  # y = x broadcast to shape (1 = keep the input's size)
    in_shape = (1,) * (call.out._data.ndim - call.inputs[0]._data.ndim) + call.inputs[0]._data.shape
    target = [1 if a == b else b for a, b in zip(in_shape, call.out._data.shape)]
    return g.op("Expand", _x(g, call), g.ints(target))


def _repeat(g, call):  # y = x tiled reps times along each axis
    x, reps = _x(g, call), call.params["reps"]
    extra = len(reps) - call.inputs[0]._data.ndim
    if extra > 0:
        x = g.unsqueeze(x, list(range(extra)))
    return g.op("Tile", x, g.ints(reps))


def _cat(g, call):  # y = inputs joined along axis
    return g.op("Concat", *[g.name(t) for t in call.inputs], axis=int(call.params["axis"]))


def _stack(g, call):  # y = inputs joined along a new axis
    axis = int(call.params["axis"])
    parts = [g.unsqueeze(g.name(t), axis) for t in call.inputs]
    return g.op("Concat", *parts, axis=axis)


def _pad(g, call):  # y = x surrounded by a constant
    widths = call.params["widths"]
    pads = [int(lo) for lo, _ in widths] + [int(hi) for _, hi in widths]
    value = g.scalar_like(call.params["value"], call.out._data.dtype)
    return g.op("Pad", _x(g, call), g.ints(pads), value, mode="constant")


def _flip(g, call):  # y = x reversed along axes
    axes = [int(a) for a in np.atleast_1d(call.params["axes"])]
    n = len(axes)
    return g.slice(_x(g, call), [-1] * n, [INT64_MIN] * n, axes, [-1] * n)


def _triangle(g, call):  # y = x with the elements off the kept triangle set to 0
    k, lower = call.params["k"], call.params["lower"]
    return g.op("Trilu", _x(g, call), g.ints([k]), upper=0 if lower else 1)


def _getitem(g, call):  # y = x[index]: slices, ints, None, Ellipsis and one integer array
    x, shape = _x(g, call), call.inputs[0]._data.shape
    index = call.params["index"]
    index = index if isinstance(index, tuple) else (index,)
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise OnnxExportError("onnx.export: an index with more than one Ellipsis")
    used = sum(1 for i in index if i is not None and i is not Ellipsis)
    if any(i is Ellipsis for i in index):
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (len(shape) - used) + index[at + 1 :]
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if len(arrays) > 1 or any(a.dtype == np.bool_ for a in arrays):
        raise OnnxExportError(
            "onnx.export: indexing with a boolean mask or with several integer arrays"
        )
    axis = 0  # the axis of the (partly indexed) value that the next index entry addresses
    for i in index:
        if i is None:
            x = g.unsqueeze(x, axis)
            axis += 1
        elif isinstance(i, slice):
            if i != slice(None):
                step = 1 if i.step is None else int(i.step)
                start = i.start if i.start is not None else 0 if step > 0 else -1
                stop = i.stop if i.stop is not None else INT64_MAX if step > 0 else INT64_MIN
                x = g.slice(x, [int(start)], [int(stop)], [axis], [step])
            axis += 1
        elif isinstance(i, np.ndarray):
            x = g.op("Gather", x, g.name(i), axis=axis)
            axis += i.ndim
        else:  # an int: the axis goes
            x = g.op("Gather", x, g.const(np.asarray(int(i), dtype=np.int64)), axis=axis)
    return x


def _gather(g, call):  # y[..., i, ...] = x[..., index[..., i, ...], ...] along axis
    index = g.name(call.params["index"])
    return g.op("GatherElements", _x(g, call), index, axis=int(call.params["axis"]))


def _index_select(g, call):  # y = x taken at the indices along axis
    index = g.name(call.params["index"])
    return g.op("Gather", _x(g, call), index, axis=int(call.params["axis"]))


def _masked_fill(g, call):  # y = value where mask else x
    mask = g.name(call.params["mask"])
    value = g.scalar_like(call.params["value"], call.out._data.dtype)
    return g.op("Where", mask, value, _x(g, call))


MAPPINGS = {
    M.Reshape: _reshape,
    M.Permute: _permute,
    M.Expand: _expand,
    M.Repeat: _repeat,
    M.Cat: _cat,
    M.Stack: _stack,
    M.Pad: _pad,
    M.Flip: _flip,
    M.Triangle: _triangle,
    I.GetItem: _getitem,
    I.Gather: _gather,
    I.IndexSelect: _index_select,
    I.MaskedFill: _masked_fill,
}
