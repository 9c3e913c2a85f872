"""Statistics built from the reductions: var_mean, std_mean, aminmax, median, kthvalue, nanmean,
nansum. The median and the k-th value are input elements, so their gradient goes to the element
chosen (a gather); the others inherit their gradients from the ops they are made of."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from glassnet.ops._common import norm_dim
from glassnet.ops.elementwise import where
from glassnet.ops.indexing import Gather
from glassnet.ops.reduce import amax, amin, mean, std, sum, var
from glassnet.ops.sorting import _order
from glassnet.tensor import Tensor

MinMax = namedtuple("aminmax", ["min", "max"])
Median = namedtuple("median", ["values", "indices"])
KthValue = namedtuple("kthvalue", ["values", "indices"])


def var_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: int | None = None,
) -> tuple:
    """(var(input, dim), mean(input, dim)) in one call, Bessel-corrected unless correction=0."""
    return (
        var(input, dim, unbiased=unbiased, keepdim=keepdim, correction=correction),
        mean(input, dim, keepdim=keepdim),
    )


def std_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: int | None = None,
) -> tuple:
    """(std(input, dim), mean(input, dim)) in one call, Bessel-corrected unless correction=0."""
    return (
        std(input, dim, unbiased=unbiased, keepdim=keepdim, correction=correction),
        mean(input, dim, keepdim=keepdim),
    )


def aminmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> MinMax:
    """(min, max) over `dim` (or everything), as `amin` and `amax`."""
    return MinMax(amin(input, dim, keepdim=keepdim), amax(input, dim, keepdim=keepdim))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> KthValue:
    """(values, indices): the k-th smallest element (k counts from 1) along `dim`.
    dL/dinput = gy at the chosen element, 0 elsewhere."""
    axis = norm_dim(dim, input._data.ndim, "kthvalue")
    x = input if axis is not None else input.reshape(1)
    axis = axis or 0
    n = x._data.shape[axis]
    if not 1 <= k <= n:
        raise ValueError(f"kthvalue: k={k} is out of range for dim {dim} of size {n}")
    idx = np.take(_order(x._data, axis, False), [k - 1], axis=axis)
    values = Gather.apply(x, index=idx, axis=axis)
    return _picked(KthValue, values, idx, axis, keepdim, input._data.ndim)


def _picked(result: type, values: Tensor, idx: np.ndarray, axis: int, keepdim: bool, ndim: int):
    if not keepdim or ndim == 0:
        values = values.squeeze(axis) if ndim else values.reshape(())
        idx = idx.squeeze(axis) if ndim else idx.reshape(())
    return result(values, Tensor._wrap(idx.astype(np.int64)))


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median (the ((n - 1) // 2 + 1)-th smallest element, as PyTorch): of all elements
    when dim is None (a 0-d tensor), else (values, indices) along `dim`.
    dL/dinput = gy at the chosen element."""
    if dim is None:
        flat = input.reshape(-1)
        if flat._data.size == 0:
            raise ValueError("median: cannot compute the median of an empty tensor")
        return _median(flat, 0, False, 1).values
    axis = norm_dim(dim, input._data.ndim, "median")
    x = input if axis is not None else input.reshape(1)
    if x._data.shape[axis or 0] == 0:
        raise ValueError(f"median: dim {dim} of shape {input._data.shape} is empty")
    return _median(x, axis or 0, keepdim, input._data.ndim)


def _median(x: Tensor, axis: int, keepdim: bool, ndim: int) -> Median:
    """The lower median along `axis`; a slice holding NaN gives NaN at its first NaN, as PyTorch
    (sorting alone would put the NaN last and pick a number)."""
    n = x._data.shape[axis]
    idx = np.take(_order(x._data, axis, False), [(n - 1) // 2], axis=axis)
    if x._data.dtype.kind == "f":
        nan = np.isnan(x._data)
        has_nan = nan.any(axis=axis, keepdims=True)
        if has_nan.any():
            idx = np.where(has_nan, nan.argmax(axis=axis, keepdims=True), idx)
    values = Gather.apply(x, index=idx, axis=axis)
    return _picked(Median, values, idx, axis, keepdim, ndim)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The sum treating NaN as 0. dL/dx = gy where x is not NaN, else 0."""
    if input._data.dtype.kind not in "fc":  # no NaN to drop: sum's dtype rules (int64)
        return sum(input, dim, keepdim=keepdim)
    nan = input.isnan()
    return sum(where(nan, 0.0, input), dim, keepdim=keepdim)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The mean of the non-NaN elements (NaN where there are none)."""
    kept = input.isnan().logical_not()
    count = sum(kept.to(input.dtype), dim, keepdim=keepdim)
    return nansum(input, dim, keepdim=keepdim) / count
