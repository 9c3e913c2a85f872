"""Gradient plumbing shared by the reductions: spreading an output gradient back over the reduced
axes, and dropping kept axes from a result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops._common import keepdim_shape


def _expand_back(gy: np.ndarray, shape: tuple, axis: Any, keepdims: bool) -> np.ndarray:
    """Copy a reduction's gradient back over the input shape. (Filling a new array costs a
    fifth of `np.broadcast_to`, which is Python code, on small arrays.)"""
    if not keepdims:
        gy = gy.reshape(keepdim_shape(shape, axis))
    gx = np.empty(shape, dtype=gy.dtype)
    gx[...] = gy
    return gx


def _drop_axes(y: np.ndarray, axis: Any) -> np.ndarray:
    """Remove the size-1 axes a keepdims reduction left (all of them when axis is None)."""
    return y.reshape(()) if axis is None else np.squeeze(y, axis=axis)
