"""The row arithmetic every normalisation op shares (see glassnet/ops/norm.py for the math):
standardising rows (R, D), the closed-form dL/dx of standardised rows, and the weight / bias
cast to the input's dtype.
"""

from __future__ import annotations

import numpy as np

from glassnet.ops._common import row_sums
from glassnet.ops.elementwise_copy import cast
from glassnet.tensor import Tensor


def _row_backward(gxhat: np.ndarray, xhat: np.ndarray, invstd: np.ndarray, centred: bool):
    """dL/dx for rows (R, D) standardised with per-row invstd (R,) (see the module docstring)."""
    d = xhat.shape[1]
    proj = np.vecdot(gxhat, xhat)
    proj /= d  # mean(gxhat * xhat) per row
    gx = np.multiply(xhat, proj[:, None])
    np.subtract(gxhat, gx, out=gx)  # one (R, D) buffer, written in place from here on
    if centred:
        gx -= (row_sums(gxhat) / d)[:, None]  # row means
    gx *= invstd[:, None]
    return gx


def _standardise(rows: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row mean, biased variance, and xhat for rows (R, D)."""
    mean = row_sums(rows) / rows.shape[1]
    xc = rows - mean[:, None]
    var = np.vecdot(xc, xc) / rows.shape[1]
    invstd = 1.0 / np.sqrt(var + eps)
    xc *= invstd[:, None]
    return mean, var, xc


def widened(t: Tensor | None) -> Tensor | None:
    """A float16 tensor cast to float32 (differentiably); other tensors and None as they are.

    PyTorch normalises a float16 input in float32: input, weight and bias are read as float32,
    mean and variance accumulate there, and the result is rounded once to float16 (its
    gradients too). Standardising in float16 itself loses about three digits where a row's
    variance is small, so the norms here do the same: `cast(norm(widened(x), ...), float16)`."""
    if t is None or t._data.dtype != np.float16:
        return t
    return cast(t, np.float32)
