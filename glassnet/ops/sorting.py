"""Sorting and selection: sort, argsort, topk, unique, bincount.

The values of `sort` and `topk` are the input read at the returned indices, so their gradient is
that of a gather: dL/dx = gy added back at the positions the values came from (`Gather`).
Indices, `unique` and `bincount` are integer results without a gradient.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from glassnet.kernels import top_k
from glassnet.ops._common import norm_dim
from glassnet.ops.indexing import Gather
from glassnet.tensor import Tensor

SortResult = namedtuple("sort", ["values", "indices"])
TopKResult = namedtuple("topk", ["values", "indices"])


def _axis(input: Tensor, dim: int, op: str) -> int:
    """`dim` as a non-negative axis; a 0-d tensor is treated as one element along dim 0."""
    axis = norm_dim(dim, input._data.ndim, op)
    return 0 if axis is None else axis


def _order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable sorting indices along `axis`; NaN counts as the largest value (as in PyTorch).

    Descending order sorts the reversed array ascending and reverses the result, so that equal
    values keep their original order in both directions.
    """
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    idx = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return np.flip(n - 1 - idx, axis)


def _gathered(input: Tensor, idx: np.ndarray, axis: int) -> Tensor:
    """input read at idx along axis (differentiable), keeping a 0-d input 0-d."""
    if input._data.ndim == 0:
        return Gather.apply(input.reshape(1), index=idx.reshape(1), axis=0).reshape(())
    return Gather.apply(input, index=idx, axis=axis)


def sort(
    input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
) -> SortResult:
    """Sort along `dim`: returns (values, indices) with values = input.gather(dim, indices).

    The sort is always stable (equal values keep their order), which `stable=True` asks for;
    NaN sorts as the largest value. dL/dinput = gy scattered back to the original positions.

    Example
    -------
    >>> values, indices = glassnet.sort(glassnet.tensor([3.0, 1.0, 2.0]), descending=True)
    >>> values, indices
    (tensor([3., 2., 1.]), tensor([0, 2, 1]))
    """
    axis = _axis(input, dim, "sort")
    x = input._data.reshape(1) if input._data.ndim == 0 else input._data
    idx = _order(x, axis, descending).reshape(input._data.shape)
    return SortResult(_gathered(input, idx, axis), Tensor._wrap(idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort `input` along `dim` (int64), as `sort(...).indices`."""
    return sort(input, dim, descending, stable).indices


def msort(input: Tensor) -> Tensor:
    """input sorted along its first dimension (the values of `sort(input, dim=0)`)."""
    return sort(input, 0).values


def topk(
    input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> TopKResult:
    """The k largest (or smallest, `largest=False`) elements along `dim`, with their indices.

    Returns (values, indices), the values in sorted order (largest first when `largest`); with
    `sorted=False` PyTorch may return any order, glassnet returns the sorted one.
    dL/dinput = gy at the k chosen positions, 0 elsewhere.

    Example
    -------
    >>> glassnet.topk(glassnet.tensor([1.0, 5.0, 3.0]), 2)
    topk(values=tensor([5., 3.]), indices=tensor([1, 2]))
    """
    axis = _axis(input, dim, "topk")
    x = input._data.reshape(1) if input._data.ndim == 0 else input._data
    n = x.shape[axis]
    k = int(k)
    if not 0 <= k <= n:
        raise ValueError(
            f"topk: selected index k out of range: k={k} for dim {dim} of size {n} "
            f"(input shape {input._data.shape})"
        )
    if input._data.ndim == 0:  # PyTorch returns the element itself for k = 0 and k = 1
        idx = np.zeros((), dtype=np.int64)
    else:
        # a few candidates per row, sorted alone (the stable sort's order; `kernels.top_k`)
        few = top_k.top_k_indices(np.moveaxis(x, axis, -1), k, largest) if 0 < 2 * k <= n else None
        if few is not None:
            idx = np.moveaxis(few, -1, axis)
        else:
            idx = np.take(_order(x, axis, largest), np.arange(k), axis=axis)
    return TopKResult(_gathered(input, idx, axis), Tensor._wrap(idx))


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct elements of `input` (flattened when dim is None), in ascending order.

    With `dim`, the distinct slices along that dimension. `return_inverse` adds, for every
    element (slice), the position of its value in the output (shape of input, or (size of dim,));
    `return_counts` adds how often each distinct value occurs. Not differentiable.

    Example
    -------
    >>> glassnet.unique(glassnet.tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    x = input._data
    if dim is None:
        # equal_nan=False: every NaN is a distinct value, as in PyTorch
        values, inverse, counts = np.unique(
            x.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
        )
        inverse = inverse.reshape(x.shape)
    else:
        axis = _axis(input, dim, "unique")
        values, inverse, counts = np.unique(
            x, return_inverse=True, return_counts=True, axis=axis, equal_nan=False
        )
        inverse = inverse.reshape(-1)
    out = [Tensor._wrap(values)]
    if return_inverse:
        out.append(Tensor._wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ..., max(input) occurs in the 1-D non-negative integer input.

    With `weights`, out[v] = sum of weights[i] over the i where input[i] == v (float32 and
    float64 weights keep their dtype, float16 and integer weights give float64, as PyTorch).
    The result has max(max(input) + 1, minlength) entries. Not differentiable.

    Example
    -------
    >>> glassnet.bincount(glassnet.tensor([0, 2, 2]))
    tensor([1, 0, 2])
    """
    x = input._data
    if x.dtype.kind not in "iub":
        raise TypeError(f"bincount: input must be an integer tensor, got dtype {x.dtype}")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise ValueError(
            f"bincount: only supports 1-d non-negative integral inputs (input shape {x.shape})"
        )
    if minlength < 0:
        raise ValueError(f"bincount: minlength should be >= 0, got {minlength}")
    if weights is None or x.size == 0:  # an empty input: int64 zeros whatever the weights, as torch
        return Tensor._wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._data if isinstance(weights, Tensor) else np.asarray(weights)
    if w.shape != x.shape:
        raise ValueError(
            f"bincount: weights should be 1-d and have the same length as input "
            f"(input shape {x.shape}, weights shape {w.shape})"
        )
    # float32 and float64 weights keep their dtype; float16 and integer ones give float64
    dtype = w.dtype if w.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    return Tensor._wrap(np.bincount(x, weights=w, minlength=minlength).astype(dtype))
