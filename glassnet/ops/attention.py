"""Scaled dot-product attention, fused into one node: scores, mask, softmax, dropout, weighted sum.

    S = scale * Q K^T + M          (M: 0 where attending is allowed, -inf where not, or any floats)
    P = softmax(S)                 (over the keys, the last axis)
    O = (P * D) V                  (D: the dropout mask, keep / (1 - p); all ones without dropout)

Backward, with gO = dL/dO and Pd = P * D:
    dL/dV = Pd^T gO,    gP = (gO V^T) * D,    gS = P * (gP - sum_keys(gP * P)),
    dL/dQ = scale * gS K,    dL/dK = scale * gS^T Q,    dL/dM = gS.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.kernels import attention as kernel
from glassnet.ops._common import require_float
from glassnet.ops.dropout import dropout_mask
from glassnet.tensor import Tensor


class ScaledDotProductAttention(Op):
    """O = dropout(softmax(scale * Q K^T + M)) V, with the backward written out in the module
    docstring. Inputs: Q (..., L, E), K (..., S, E), V (..., S, Ev) and an optional additive
    mask M broadcastable to (..., L, S); `causal` adds the causal mask instead (not an input:
    made once per shape); `keep` is the dropout mask already divided by 1 - p."""

    @staticmethod
    def forward(ctx, q, k, v, mask=None, *, scale, keep, causal=False):
        if causal:
            mask = kernel.causal_mask(q.shape[-2], k.shape[-2], q.dtype)
        s = kernel.scores(q, k, scale, mask)  # S = scale Q K^T + M     (..., L, S)
        p = kernel.softmax_(s)  # P = softmax(S), in S's buffer
        pd = p if keep is None else p * keep  # Pd = P * D
        ctx.save_for_backward(q, k, v, p, pd)
        ctx.args = (scale, keep, None if mask is None or causal else mask.shape)
        return kernel.weighted_sum(pd, v)  # O = Pd V     (..., L, Ev)

    @staticmethod
    def backward(ctx, go):
        q, k, v, p, pd = ctx.saved_tensors
        scale, keep, mask_shape = ctx.args
        need = ctx.needs_input_grad
        gv = kernel.product_like(np.swapaxes(pd, -1, -2), go, v) if need[2] else None  # Pd^T gO
        gq = gk = gm = None
        if need[0] or need[1] or (mask_shape is not None and need[3]):
            gp = np.matmul(go, np.swapaxes(v, -1, -2))  # gP = (gO V^T) * D
            if keep is not None:
                gp *= keep
            gs = kernel.softmax_grad_(gp, p)  # gS = P * (gP - sum_keys(gP * P))
            if need[0]:
                gq = kernel.product_like(gs, k, q)  # dL/dQ = scale gS K
                gq *= scale
            if need[1]:
                gk = kernel.product_like(np.swapaxes(gs, -1, -2), q, k)  # dL/dK = scale gS^T Q
                gk *= scale
            if mask_shape is not None and need[3]:
                gm = unbroadcast(gs, mask_shape)  # dL/dM = gS
        if mask_shape is None:
            return gq, gk, gv
        return gq, gk, gv, gm


def additive_mask(mask: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """A boolean 'may attend' mask as the additive form: 0 where True, -inf where False."""
    return np.where(mask, np.zeros((), dtype), np.array(-np.inf, dtype))


def _repeat_heads(x: Tensor, n_heads: int, op: str) -> Tensor:
    """(..., Hk, S, E) -> (..., n_heads, S, E), each head repeated n_heads // Hk times in a row
    (as `repeat_interleave` on dim -3); the gradient of the copies adds up in the one head."""
    *lead, hk, S, E = x._data.shape
    if hk == 0 or n_heads % hk:
        raise ValueError(
            f"{op}: with enable_gqa the query's {n_heads} heads must be a multiple of the "
            f"{hk} key/value heads"
        )
    r = n_heads // hk
    x = x.reshape(*lead, hk, 1, S, E).expand(*lead, hk, r, S, E)
    return x.reshape(*lead, n_heads, S, E)


def _check_fit(qs: tuple, ks: tuple, vs: tuple, op: str) -> None:
    """Query (..., L, E), key (..., S, E) and value (..., S, Ev) shapes that fit together, with
    batch/head dims that broadcast; a ValueError naming all three otherwise."""
    if qs[-1] != ks[-1] or ks[-2] != vs[-2]:
        raise ValueError(
            f"{op}: query (..., L, E) {qs}, key (..., S, E) {ks} and value (..., S, Ev) {vs} "
            f"do not fit together"
        )
    try:
        np.broadcast_shapes(qs[:-2], ks[:-2], vs[:-2])
    except ValueError:
        raise ValueError(
            f"{op}: the batch/head dims of query {qs}, key {ks} and value {vs} do not "
            f"broadcast (fewer key/value heads need enable_gqa=True)"
        ) from None


def _scores_mask(attn_mask: Any, scores_shape: tuple, dtype: np.dtype, op: str) -> Tensor:
    """`attn_mask` as the additive mask M of the scores: a float mask as it is, a boolean one as
    0 (may attend) / -inf; it must broadcast to `scores_shape` (..., L, S)."""
    if not isinstance(attn_mask, Tensor):
        attn_mask = Tensor._wrap(np.asarray(attn_mask))
    try:
        np.broadcast_shapes(attn_mask._data.shape, scores_shape)
    except ValueError:
        raise ValueError(
            f"{op}: attn_mask of shape {attn_mask._data.shape} cannot be broadcast to the "
            f"scores' shape {scores_shape}"
        ) from None
    if attn_mask._data.dtype == np.bool_:
        return Tensor._wrap(additive_mask(attn_mask._data, dtype))
    if attn_mask._data.dtype.kind == "f":
        return attn_mask
    raise TypeError(f"{op}: attn_mask must be bool or float, got {attn_mask._data.dtype}")


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
    generator: Any = None,
) -> Tensor:
    """softmax(Q K^T * scale + mask) V, with optional causal masking and attention dropout.

    `attn_mask` is either boolean (True: this query may attend to this key, as PyTorch) or
    floating point (added to the scores). `scale` defaults to 1 / sqrt(E). A query whose keys
    are all masked gets zero weights and a zero output, as in PyTorch 2. `generator` draws the
    dropout mask (a glassnet extension; PyTorch uses its global generator).

    With `enable_gqa` (grouped-query attention), key and value may have fewer heads (dim -3)
    than the query; each key/value head then serves query heads // key heads query heads.

    Shape
    -----
    query: (..., L, E), key: (..., S, E), value: (..., S, Ev), attn_mask: broadcastable to
    (..., L, S); output: (..., L, Ev).

    Example
    -------
    >>> q = k = v = glassnet.randn(2, 4, 8, 16)          # (batch, heads, T, head_dim)
    >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
    (2, 4, 8, 16)
    """
    op = "scaled_dot_product_attention"
    for t in (query, key, value):
        require_float(t, op)
    qs, ks, vs = query._data.shape, key._data.shape, value._data.shape
    if query._data.ndim < 2 or key._data.ndim < 2 or value._data.ndim < 2:
        raise ValueError(f"{op}: query, key and value need at least 2 dims, got {qs}, {ks}, {vs}")
    if enable_gqa and query._data.ndim >= 3 and ks[:-3] == qs[:-3] and ks[-3] != qs[-3]:
        key, value = _repeat_heads(key, qs[-3], op), _repeat_heads(value, qs[-3], op)
        ks, vs = key._data.shape, value._data.shape
    _check_fit(qs, ks, vs, op)
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"{op}: dropout_p must be in [0, 1), got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: pass either attn_mask or is_causal=True, not both")
    L, S = qs[-2], ks[-2]
    dtype = query._data.dtype
    mask = None if attn_mask is None else _scores_mask(attn_mask, qs[:-1] + (S,), dtype, op)
    # a Python float: a NumPy float64 scalar would turn float32 gradients into float64
    scale = 1.0 / math.sqrt(qs[-1]) if scale is None else float(scale)
    keep = None
    if dropout_p > 0.0:
        shape = np.broadcast_shapes(qs[:-2], ks[:-2]) + (L, S)
        keep = dropout_mask(shape, dropout_p, dtype, generator)
    tensors = (query, key, value) if mask is None else (query, key, value, mask)
    return ScaledDotProductAttention.apply(*tensors, scale=scale, keep=keep, causal=is_causal)
