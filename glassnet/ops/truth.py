"""Questions about which elements are true or non-zero: any, all, count_nonzero, nonzero,
argwhere. Their results are booleans or indices, without a gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops._common import norm_dim
from glassnet.tensor import Tensor


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """True where some element (over `dim`, or all of them) is non-zero; a bool tensor."""
    axis = norm_dim(dim, input._data.ndim, "any")
    return Tensor._wrap(np.asarray(np.any(input._data, axis=axis, keepdims=keepdim)))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """True where every element (over `dim`, or all of them) is non-zero; a bool tensor."""
    axis = norm_dim(dim, input._data.ndim, "all")
    return Tensor._wrap(np.asarray(np.all(input._data, axis=axis, keepdims=keepdim)))


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements (over `dim`, or all of them) are non-zero; int64."""
    axis = norm_dim(dim, input._data.ndim, "count_nonzero")
    return Tensor._wrap(np.asarray(np.count_nonzero(input._data, axis=axis), dtype=np.int64))


def nonzero(input: Tensor, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: an (n, ndim) int64 tensor, one row per element in
    row-major order; with `as_tuple`, one 1-D tensor of indices per dimension."""
    x = input._data
    if as_tuple:
        if x.ndim == 0:
            return (Tensor._wrap(np.flatnonzero(x.reshape(1)).astype(np.int64)),)
        return tuple(Tensor._wrap(i.astype(np.int64)) for i in np.nonzero(x))
    return Tensor._wrap(np.argwhere(x).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """The (n, ndim) indices of the non-zero elements, as nonzero(input)."""
    return nonzero(input)
