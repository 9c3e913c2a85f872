"""Normalisation layers as single fused ops: batch (glassnet/ops/norm_batch.py, re-exported here),
layer, group and RMS norm.

Each one standardises groups of numbers ("rows") and then scales and shifts them:

    xhat = (x - mean) / sqrt(var + eps),   y = xhat * weight + bias

where the rows are: per channel over (N, *spatial) for batch norm, per sample over the trailing
`normalized_shape` for layer norm, per (sample, group of channels) for group norm. RMS norm skips
the centring: xhat = x / sqrt(mean(x^2) + eps).

Backward, with gxhat = gy * weight and D numbers per row (closed form, derived once):

    dL/dx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))      (centred)
    dL/dx = invstd * (gxhat - xhat * mean(gxhat * xhat))                    (RMS)
    dL/dweight = sum(gy * xhat),   dL/dbias = sum(gy)   over everything but the feature axes.

Every op arranges its input as a 2-d array of rows first (a free reshape when the memory layout
allows), so each statistic is one contiguous reduction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import column_sums, require_float
from glassnet.ops.elementwise_copy import cast
from glassnet.ops.norm_batch import BatchNorm, batch_norm  # noqa: F401 (re-exported)
from glassnet.ops.norm_rows import _row_backward, _standardise, widened
from glassnet.tensor import Tensor

# --------------------------------------------------------------------------- layer / RMS norm


class LayerNorm(Op):
    """Layer normalisation over the trailing D = prod(normalized_shape) numbers of each sample:
    rows (R, D), y = xhat * weight + bias with xhat = (x - mean) / sqrt(var + eps) per row;
    with `centred=False` it is RMS norm, xhat = x / sqrt(mean(x^2) + eps) (and no bias).
    Backward: the row formulas of the module docstring."""

    @staticmethod
    def forward(ctx, x, *affine, has_weight, has_bias, feature_shape, eps, centred):
        d = int(np.prod(feature_shape))
        rows = x.reshape(-1, d)
        if centred:
            _, var, xhat = _standardise(rows, eps)
        else:
            var = np.vecdot(rows, rows) / d
            xhat = rows * (1.0 / np.sqrt(var + eps))[:, None]
        invstd = 1.0 / np.sqrt(var + eps)
        w = affine[0].reshape(d) if has_weight else None
        y = xhat * w if w is not None else xhat.copy()
        if has_bias:
            y += affine[-1].reshape(d)
        ctx.save_for_backward(xhat, invstd, w, x.shape, feature_shape, centred)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, gy):
        xhat, invstd, w, x_shape, feature_shape, centred = ctx.saved_tensors
        need = ctx.needs_input_grad
        g = gy.reshape(xhat.shape)
        grads = [None]
        if need[0]:
            gxhat = g * w if w is not None else g
            grads[0] = _row_backward(gxhat, xhat, invstd, centred).reshape(x_shape)
        if w is not None:
            gw = np.einsum("rd,rd->d", g, xhat).reshape(feature_shape) if need[1] else None
            grads.append(gw)
        if len(need) > len(grads):
            grads.append(column_sums(g).reshape(feature_shape) if need[-1] else None)
        return tuple(grads)


def norm_shape(op: str, normalized_shape: Any) -> tuple:
    """`normalized_shape` (an int or a sequence of ints) as a tuple; TypeError naming `op`."""
    if isinstance(normalized_shape, (int, np.integer)):
        return (int(normalized_shape),)
    try:
        shape = tuple(int(n) for n in normalized_shape)
    except TypeError:
        raise TypeError(
            f"{op}: normalized_shape must be an int or a sequence of ints, got {normalized_shape!r}"
        ) from None
    return shape


def _rows_norm(op, input, normalized_shape, weight, bias, eps, centred):
    shape = norm_shape(op, normalized_shape)
    require_float(input, op)
    if input._data.dtype == np.float16:  # computed in float32, rounded once (see `widened`)
        args = (normalized_shape, widened(weight), widened(bias), eps, centred)
        return cast(_rows_norm(op, widened(input), *args), np.float16)
    x = input._data
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k :] != shape or x.ndim < k:
        raise ValueError(
            f"{op}: input of shape {x.shape} does not end with normalized_shape {shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != shape:
            raise ValueError(f"{op}: {name} has shape {t._data.shape}, expected {shape}")
    affine = tuple(t for t in (weight, bias) if t is not None)
    return LayerNorm.apply(
        input,
        *affine,
        has_weight=weight is not None,
        has_bias=bias is not None,
        feature_shape=shape,
        eps=eps,
        centred=centred,
    )


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalisation over the trailing `normalized_shape` axes of each sample.

        y = (x - mean) / sqrt(var + eps) * weight + bias

    Shape
    -----
    input (*, *normalized_shape); weight, bias normalized_shape. Output: like input.

    Example
    -------
    >>> layer_norm(glassnet.randn(4, 10, 32), (32,)).shape
    (4, 10, 32)
    """
    return _rows_norm("layer_norm", input, normalized_shape, weight, bias, eps, True)


def rms_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """RMS normalisation (Zhang & Sennrich, 2019): y = x / sqrt(mean(x^2) + eps) * weight over the
    trailing `normalized_shape` axes; eps defaults to the machine epsilon of the dtype.

    Shape
    -----
    input (*, *normalized_shape); weight normalized_shape. Output: like input.

    Example
    -------
    >>> rms_norm(glassnet.randn(4, 32), 32).shape
    (4, 32)
    """
    require_float(input, "rms_norm")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    return _rows_norm("rms_norm", input, normalized_shape, weight, None, eps, False)


# --------------------------------------------------------------------------- group norm


class GroupNorm(Op):
    """Group normalisation: the C channels of each sample are split into G groups and every group
    (C/G channels x all positions) is standardised as one row; then per-channel weight and bias.

        rows (N*G, C/G * S),   y[n, c] = xhat[n, c] * weight[c] + bias[c]

    Backward: gxhat = gy * weight[c], then the centred row formula; dL/dweight[c] =
    sum over (n, positions) of gy * xhat, dL/dbias[c] = sum of gy."""

    @staticmethod
    def forward(ctx, x, *affine, has_weight, has_bias, num_groups, eps):
        N, C = x.shape[:2]
        S = int(np.prod(x.shape[2:]))  # positions per channel
        rows = x.reshape(N * num_groups, C // num_groups * S)  # sizes spelled out: N may be 0
        _, var, xhat = _standardise(rows, eps)
        invstd = 1.0 / np.sqrt(var + eps)
        xhat3 = xhat.reshape(N, C, S)
        w = affine[0] if has_weight else None
        y = xhat3 * w[:, None] if w is not None else xhat3.copy()
        if has_bias:
            y += affine[-1][:, None]
        ctx.save_for_backward(xhat, invstd, w, x.shape)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, gy):
        xhat, invstd, w, x_shape = ctx.saved_tensors
        need = ctx.needs_input_grad
        N, C = x_shape[:2]
        g3 = gy.reshape(N, C, int(np.prod(x_shape[2:])))
        xhat3 = xhat.reshape(g3.shape)
        grads = [None]
        if need[0]:
            gxhat = g3 * w[:, None] if w is not None else g3
            gx = _row_backward(gxhat.reshape(xhat.shape), xhat, invstd, centred=True)
            grads[0] = gx.reshape(x_shape)
        if w is not None:
            grads.append(np.einsum("ncs,ncs->c", g3, xhat3) if need[1] else None)
        if len(need) > len(grads):
            grads.append(g3.sum(axis=(0, 2)) if need[-1] else None)
        return tuple(grads)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Group normalisation (Wu & He, 2018): standardise each group of C/num_groups channels of
    each sample over the channels and all positions, then scale and shift per channel.

    Shape
    -----
    input (N, C, *); weight, bias (C,). Output: like input.

    Example
    -------
    >>> group_norm(glassnet.randn(2, 6, 4, 4), 3).shape
    (2, 6, 4, 4)
    """
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"group_norm: expected input (N, C, *), got shape {x.shape}")
    require_float(input, "group_norm")
    if x.dtype == np.float16:  # computed in float32, rounded once (see `widened`)
        y = group_norm(widened(input), num_groups, widened(weight), widened(bias), eps)
        return cast(y, np.float16)
    C = x.shape[1]
    if not isinstance(num_groups, int) or num_groups < 1 or C % num_groups:
        raise ValueError(
            f"group_norm: num_groups={num_groups!r} must divide the {C} channels of input "
            f"of shape {x.shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != (C,):
            raise ValueError(f"group_norm: {name} has shape {t._data.shape}, expected ({C},)")
    affine = tuple(t for t in (weight, bias) if t is not None)
    return GroupNorm.apply(
        input,
        *affine,
        has_weight=weight is not None,
        has_bias=bias is not None,
        num_groups=num_groups,
        eps=eps,
    )
