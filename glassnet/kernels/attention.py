"""Scaled dot-product attention's kernels: scores with their mask added in place, the "safe"
softmax, products laid out so that joining the heads needs no copy, and the causal mask made
once per (L, S, dtype). Plain versions: `reference_nn.attention_forward` / `_backward`.
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import unbroadcast
from glassnet.kernels.cache import CACHE
from glassnet.kernels.reductions import row_sums


def causal_mask(L: int, S: int, dtype: np.dtype) -> np.ndarray:
    """The additive causal mask, 0 where key j <= query i and -inf above (top-left aligned, as
    PyTorch's `is_causal`), made once per (L, S, dtype) and shared read-only: is_causal=True
    costs one in-place addition per call and no (L, S) boolean mask."""
    return CACHE.constant(
        ("causal", L, S, np.dtype(dtype)), lambda: np.triu(np.full((L, S), -np.inf, dtype), 1)
    )


def scores(q: np.ndarray, k: np.ndarray, scale: float, mask: np.ndarray | None) -> np.ndarray:
    """S = scale Q K^T + M, (..., L, S), in one fresh array (the mask added in place when it
    broadcasts into S without widening it)."""
    s = np.matmul(q, np.swapaxes(k, -1, -2))
    s *= scale
    if mask is None:
        return s
    if mask.dtype == s.dtype and np.broadcast_shapes(s.shape, mask.shape) == s.shape:
        s += mask
        return s
    return s + mask


def softmax_(s: np.ndarray) -> np.ndarray:
    """P = softmax(S) over the last axis, in S's buffer. A row whose keys are all masked (-inf)
    gets zero weights, not NaN (PyTorch's "safe softmax")."""
    m = s.max(axis=-1, keepdims=True)  # shifted so that every exponent is <= 0
    m[np.isneginf(m)] = 0  # a row with every key masked: all e^-inf = 0
    s -= m
    p = np.exp(s, out=s)
    total = row_sums(p)[..., None]
    total[total == 0] = 1  # ... and its weights stay 0
    p /= total
    return p


def weighted_sum(pd: np.ndarray, v: np.ndarray) -> np.ndarray:
    """O = Pd V, (..., L, Ev). For 4-D (B, H, L, Ev) the result is laid out as (B, L, H, Ev) in
    memory, so the usual `.transpose(1, 2).reshape(B, L, H * Ev)` that joins the heads is free."""
    out = None
    if pd.ndim == 4 and v.ndim == 4:
        B, H = np.broadcast_shapes(pd.shape[:2], v.shape[:2])
        L, Ev = pd.shape[2], v.shape[3]
        out = np.empty((B, L, H, Ev), np.result_type(pd, v)).transpose(0, 2, 1, 3)
    return np.matmul(pd, v, out=out)


def softmax_grad_(gp: np.ndarray, p: np.ndarray) -> np.ndarray:
    """gS = P * (gP - sum_keys(gP * P)), in gP's buffer (a BLAS dot per row, no temporary)."""
    gp -= np.vecdot(gp, p)[..., None]
    return np.multiply(gp, p, out=gp)


def product_like(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dL/dx = a @ b, summed back to x's shape, and laid out in memory like x
    (q, k and v are usually head views of one projection, (B, L, H, E) in memory): the reshapes
    that lead back to the projection then need no copy."""
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    if shape != x.shape or np.result_type(a, b) != x.dtype:  # x was broadcast: sum back
        return unbroadcast(np.matmul(a, b), x.shape)
    return np.matmul(a, b, out=np.empty_like(x))
