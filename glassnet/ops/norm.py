"""Normalisation layers as single fused ops: batch, layer, group and RMS norm.

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
from glassnet.autograd.grad_mode import STATE
from glassnet.kernels.cache import recycled
from glassnet.ops._common import column_sums, require_float, row_sums
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


# --------------------------------------------------------------------------- batch norm


def _channel_rows(x: np.ndarray) -> np.ndarray:
    """x (N, C, *spatial) as rows (C, N * prod(spatial)); a view when x is laid out channel-major
    (as convolution outputs are), otherwise one copy."""
    return np.moveaxis(x, 1, 0).reshape(x.shape[1], -1)


def _from_channel_rows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of _channel_rows: (C, M) -> the (N, C, *spatial) view."""
    return np.moveaxis(rows.reshape((shape[1], shape[0]) + shape[2:]), 0, 1)


class BatchNorm(Op):
    """Batch normalisation over the channel axis 1 of (N, C, *):

        training:  mean_c, var_c over (N, *) of channel c (biased var);
                   running_mean <- (1 - momentum) running_mean + momentum mean_c
                   running_var  <- (1 - momentum) running_var  + momentum var_c * M / (M - 1)
        eval:      mean_c, var_c = running_mean, running_var
        y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c  =  xc * scale_c + bias_c

    with xc = x - mean_c, invstd_c = 1 / sqrt(var_c + eps), scale_c = weight_c invstd_c.
    Backward in training mode is the centred row formula of the module docstring with one row per
    channel (the statistics depend on x), written with the two per-channel sums
    S1 = sum(gy), S2 = sum(gy xc) that also give the parameter gradients:

        dL/dx = scale_c (gy - xc invstd_c^2 S2 / M - S1 / M),
        dL/dweight = invstd_c S2,   dL/dbias = S1.

    In eval mode the statistics are constants and dL/dx = gy scale_c. Each formula is a few
    whole-array passes over float32 (no per-step temporaries beyond the result). The running
    statistics are updated in place.
    """

    @staticmethod
    def forward(
        ctx, x, *affine, has_weight, has_bias, running_mean, running_var, training, momentum, eps
    ):
        rows = _channel_rows(x)  # (C, M)
        C, M = rows.shape
        w = affine[0] if has_weight else None
        b = affine[-1] if has_bias else None
        if training:
            mean = row_sums(rows) / M
            xc = np.subtract(rows, mean[:, None], out=recycled("bn_xc", rows.shape, rows.dtype))
            var = np.vecdot(xc, xc) / M
            if running_mean is not None:
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean
            if running_var is not None:
                running_var *= 1.0 - momentum
                running_var += (momentum * M / max(M - 1, 1)) * var
        else:
            mean, var, xc = running_mean.copy(), running_var, None
        invstd = 1.0 / np.sqrt(var + eps)
        scale = invstd if w is None else w * invstd
        y = recycled("bn_y", rows.shape, np.result_type(rows, scale))
        if training:
            np.multiply(xc, scale[:, None], out=y)
            shift = b
        else:
            np.multiply(rows, scale[:, None], out=y)
            shift = -mean * scale if b is None else b - mean * scale
        if shift is not None:
            y += shift[:, None]
        if STATE.enabled:
            # eval keeps the input rows and centres them only if dL/dweight is asked for
            ctx.save_for_backward(xc if training else rows, mean, invstd, w, x.shape)
            ctx.training = training
        return _from_channel_rows(y, x.shape)

    @staticmethod
    def backward(ctx, gy):
        saved, mean, invstd, w, x_shape = ctx.saved_tensors
        need = ctx.needs_input_grad
        g = _channel_rows(gy)  # (C, M)
        M = g.shape[1]
        want_w = w is not None and need[1]
        want_b = len(need) > 1 + (w is not None) and need[-1]
        scale = invstd if w is None else w * invstd
        training = ctx.training
        sum_g = row_sums(g) if want_b or (training and need[0]) else None
        sum_gxc = None
        if want_w or (training and need[0]):
            xc = saved if training else saved - mean[:, None]
            sum_gxc = np.vecdot(g, xc)
        gx = None
        if need[0]:
            if training:
                k1 = invstd * invstd * sum_gxc / M
                gx = recycled("bn_gx", g.shape, np.result_type(g, xc, k1, scale))
                np.multiply(xc, k1[:, None], out=gx)
                gx += (sum_g / M)[:, None]
                np.subtract(g, gx, out=gx)
                gx *= scale[:, None]
            else:
                gx = g * scale[:, None]
            gx = _from_channel_rows(gx, x_shape)
        grads = [gx]
        if w is not None:
            grads.append(invstd * sum_gxc if want_w else None)
        if len(need) > len(grads):
            grads.append(sum_g if want_b else None)
        return tuple(grads)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation: standardise each channel with batch statistics (training) or with the
    running statistics (eval), then scale by weight and shift by bias (see `BatchNorm`).

    When training, running_mean and running_var (if given) are updated in place with
    `momentum`; the running variance uses the unbiased batch variance, as PyTorch does.

    Shape
    -----
    input (N, C) or (N, C, *); running_mean, running_var, weight, bias (C,). Output: like input.

    Example
    -------
    >>> rm, rv = glassnet.zeros(16), glassnet.ones(16)
    >>> y = batch_norm(glassnet.randn(8, 16, 5, 5), rm, rv, training=True)
    """
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input (N, C, *), got shape {x.shape}")
    require_float(input, "batch_norm")
    C = x.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t._data.shape != (C,):
            raise ValueError(
                f"batch_norm: {name} has shape {t._data.shape}, expected ({C},) for input of "
                f"shape {x.shape}"
            )
    if not training and (running_mean is None or running_var is None):
        raise ValueError("batch_norm: running_mean and running_var are needed when not training")
    if C == 0:  # no channels: nothing to normalise (PyTorch returns the empty input)
        return input.clone()
    weight, bias = _params_like(input, weight), _params_like(input, bias)
    if training and x.size // C <= 1:
        raise ValueError(
            f"batch_norm: expected more than 1 value per channel when training, got input of "
            f"shape {x.shape}"
        )
    affine = tuple(t for t in (weight, bias) if t is not None)
    return BatchNorm.apply(
        input,
        *affine,
        has_weight=weight is not None,
        has_bias=bias is not None,
        running_mean=None if running_mean is None else running_mean._data,
        running_var=None if running_var is None else running_var._data,
        training=bool(training),
        momentum=momentum,
        eps=eps,
    )


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


def _params_like(input: Tensor, param: Tensor | None) -> Tensor | None:
    """A float32 weight or bias meeting a float16 input, cast to float16 (differentiably), so
    the output stays float16 as in PyTorch's mixed-precision norms."""
    if param is None or input._data.dtype != np.float16 or param._data.dtype != np.float32:
        return param
    from glassnet.ops.elementwise import cast

    return cast(param, np.float16)


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
    weight, bias = _params_like(input, weight), _params_like(input, bias)
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
    weight, bias = _params_like(input, weight), _params_like(input, bias)
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
