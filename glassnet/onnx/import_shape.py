"""ONNX ops that move elements or compute shapes, run with glassnet ops (NumPy for the integer
values that describe shapes and indices)."""

from __future__ import annotations

import numpy as np
from onnx import numpy_helper

import glassnet.ops as G
from glassnet.tensor import Tensor

MAX_ELEMENTS = 2**28  # the largest tensor a shape-making op (Expand, Tile, ...) may create


def _wrap(array) -> Tensor:
    return Tensor._wrap(np.asarray(array))


def _ints(t: Tensor | None) -> list[int]:
    return [] if t is None else [int(v) for v in t._data.reshape(-1)]


def _is_float(t: Tensor) -> bool:
    return t._data.dtype.kind == "f"


def _sized(shape: tuple, op: str) -> tuple:
    if any(n < 0 for n in shape) or int(np.prod(shape, dtype=np.int64)) > MAX_ELEMENTS:
        raise ValueError(f"{op}: refusing to create a tensor of shape {shape}")
    return shape


def _reshape(args, attrs, m):  # y = x in a new shape (0 = as the input, -1 = inferred)
    x, shape = args[0], _ints(args[1])
    if not attrs.get("allowzero", 0):
        shape = [x.shape[i] if n == 0 else n for i, n in enumerate(shape)]
    if not _is_float(x):
        return _wrap(x._data.reshape(shape))
    return G.reshape(x, tuple(shape))


def _transpose(args, attrs, m):  # y = x with its axes permuted (default: reversed)
    x = args[0]
    perm = attrs.get("perm") or list(range(x.ndim))[::-1]
    if not _is_float(x):
        return _wrap(x._data.transpose(perm))
    return G.permute(x, *perm)


def _flatten(args, attrs, m):  # y = x as a matrix (prod(shape[:axis]), prod(shape[axis:]))
    x = args[0]
    axis = int(attrs.get("axis", 1)) % (x.ndim + 1) if x.ndim else 0
    rows = int(np.prod(x.shape[:axis], dtype=np.int64))
    return G.reshape(x, (rows, -1)) if x._data.size else G.reshape(x, (rows, 0))


def _squeeze(args, attrs, m):  # y = x without the given axes of size 1 (all when none)
    x = args[0]
    axes = _ints(args[1]) if len(args) > 1 else list(attrs.get("axes", []))
    if not axes:
        axes = [i for i, n in enumerate(x.shape) if n == 1]
    axes = tuple(a % x.ndim for a in axes)
    if not _is_float(x):
        return _wrap(np.squeeze(x._data, axis=axes))
    return G.reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _unsqueeze(args, attrs, m):  # y = x with new axes of size 1
    x = args[0]
    axes = _ints(args[1]) if len(args) > 1 else list(attrs.get("axes", []))
    n = x.ndim + len(axes)
    axes = sorted(a % n for a in axes)
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    if not _is_float(x):
        return _wrap(x._data.reshape(shape))
    return G.reshape(x, tuple(shape))


def _concat(args, attrs, m):  # y = inputs joined along axis
    axis = int(attrs["axis"])
    parts = [a for a in args if a is not None and (a._data.size or a.ndim > 1)]
    if not any(_is_float(a) for a in parts):
        return _wrap(np.concatenate([a._data for a in parts], axis=axis))
    return G.cat(parts, dim=axis)


def _slice(args, attrs, m):  # y = x[starts:ends:steps] along axes
    x = args[0]
    starts, ends = _ints(args[1]), _ints(args[2])
    axes = _ints(args[3]) if len(args) > 3 and args[3] is not None else list(range(len(starts)))
    steps = _ints(args[4]) if len(args) > 4 and args[4] is not None else [1] * len(starts)
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        n = x.shape[a]
        s, e = max(min(s, n), -n - 1), max(min(e, n), -n - 1)  # ONNX clamps; so does Python
        index[a % x.ndim] = slice(s, None if st < 0 and e < -n else e, st)
    if not _is_float(x):
        return _wrap(x._data[tuple(index)])
    return x[tuple(index)]


def _gather(args, attrs, m):  # y = x taken at `indices` along axis
    x, idx = args
    axis = int(attrs.get("axis", 0)) % x.ndim
    i = idx._data.astype(np.int64)
    i = np.where(i < 0, i + x.shape[axis], i)
    if not _is_float(x):
        return _wrap(np.take(x._data, i, axis=axis))
    return G.getitem(x, (slice(None),) * axis + (i,))


def _gather_elements(args, attrs, m):  # y[..i..] = x[..index[..i..]..] along axis
    x, idx = args
    axis = int(attrs.get("axis", 0))
    return G.gather(x, axis, Tensor._wrap(idx._data.astype(np.int64)))


def _expand(args, attrs, m):  # y = x broadcast with `shape` (both ways, as NumPy)
    x, shape = args[0], tuple(_ints(args[1]))
    target = _sized(np.broadcast_shapes(x.shape, shape), "Expand")
    if not _is_float(x):
        return _wrap(np.broadcast_to(x._data, target).copy())
    return G.expand(x, *target) if target != x.shape else x


def _tile(args, attrs, m):  # y = x repeated reps times along each axis
    x, reps = args[0], _ints(args[1])
    _sized(tuple(n * r for n, r in zip(x.shape, reps)), "Tile")
    if not _is_float(x):
        return _wrap(np.tile(x._data, reps))
    return G.repeat(x, *reps)


def _split(args, attrs, m):  # y_k = the k-th part of x along axis
    x = args[0]
    axis = int(attrs.get("axis", 0)) % x.ndim
    sizes = _ints(args[1]) if len(args) > 1 and args[1] is not None else attrs.get("split")
    if not sizes:
        k = int(attrs.get("num_outputs", len(m.output)))
        size = -(-x.shape[axis] // k)
        sizes = [min(size, x.shape[axis] - i * size) for i in range(k)]
    bounds = np.cumsum([0] + list(sizes))
    return tuple(
        x[(slice(None),) * axis + (slice(int(a), int(b)),)] for a, b in zip(bounds, bounds[1:])
    )


def _shape(args, attrs, m):  # y = the shape of x (from start to end)
    shape = np.asarray(args[0].shape, dtype=np.int64)
    start, end = attrs.get("start", 0), attrs.get("end", len(shape))
    return _wrap(shape[start:end])


def _constant_of_shape(args, attrs, m):  # y = a tensor of `shape` filled with value
    shape = _sized(tuple(_ints(args[0])), "ConstantOfShape")
    value = attrs.get("value")
    fill = numpy_helper.to_array(value).reshape(-1) if value is not None else np.zeros(1, "f4")
    return _wrap(np.full(shape, fill[0], dtype=fill.dtype))


def _range(args, attrs, m):  # y = start, start + delta, ... (< limit)
    start, limit, delta = (a._data for a in args)
    n = int(max(np.ceil((limit - start) / delta), 0))
    _sized((n,), "Range")
    return _wrap((start + np.arange(n, dtype=start.dtype) * delta).astype(start.dtype))


def _trilu(args, attrs, m):  # y = x with the elements off the kept triangle set to 0
    x = args[0]
    k = _ints(args[1])[0] if len(args) > 1 and args[1] is not None else 0
    upper = bool(attrs.get("upper", 1))
    if not _is_float(x):
        return _wrap(np.triu(x._data, k) if upper else np.tril(x._data, k))
    return G.triu(x, k) if upper else G.tril(x, k)


def _pad(args, attrs, m):  # y = x surrounded by a constant (mode constant only)
    x, pads = args[0], _ints(args[1])
    if attrs.get("mode", b"constant") not in (b"constant", "constant"):
        raise ValueError(f"Pad: mode {attrs['mode']!r} is not supported (constant only)")
    value = float(args[2]._data) if len(args) > 2 and args[2] is not None else 0.0
    axes = _ints(args[3]) if len(args) > 3 and args[3] is not None else list(range(x.ndim))
    n = len(axes)
    torch_pad: list[int] = []  # last axis first, (before, after) each
    widths = {a % x.ndim: (pads[i], pads[i + n]) for i, a in enumerate(axes)}
    for axis in range(x.ndim - 1, -1, -1):
        torch_pad += list(widths.get(axis, (0, 0)))
    return G.pad(x, torch_pad, value=value)


OPS = {
    "Reshape": _reshape,
    "Transpose": _transpose,
    "Flatten": _flatten,
    "Squeeze": _squeeze,
    "Unsqueeze": _unsqueeze,
    "Concat": _concat,
    "Slice": _slice,
    "Gather": _gather,
    "GatherElements": _gather_elements,
    "Expand": _expand,
    "Tile": _tile,
    "Split": _split,
    "Shape": _shape,
    "ConstantOfShape": _constant_of_shape,
    "Range": _range,
    "Trilu": _trilu,
    "Pad": _pad,
}
