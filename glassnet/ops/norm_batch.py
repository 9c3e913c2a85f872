"""Batch normalisation as one fused op: each channel standardised over (N, *spatial), with batch
statistics when training (updating the running ones in place) or the running statistics in eval,
then scaled by weight and shifted by bias (the math is in glassnet/ops/norm.py's docstring).
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.autograd.grad_mode import STATE
from glassnet.kernels.cache import recycled
from glassnet.ops._common import require_float, row_sums
from glassnet.ops.elementwise_copy import cast
from glassnet.ops.norm_rows import widened
from glassnet.tensor import Tensor

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


def _check_batch_norm_args(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None,
    bias: Tensor | None,
    training: bool,
) -> None:
    """batch_norm's checks: input (N, C, *) of a float dtype, each given vector of shape (C,),
    running statistics present in eval."""
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
    _check_batch_norm_args(input, running_mean, running_var, weight, bias, training)
    C = x.shape[1]
    if C == 0:  # no channels: nothing to normalise (PyTorch returns the empty input)
        return input.clone()
    if x.dtype == np.float16:  # computed in float32, rounded once (see `widened`); the
        # running statistics stay the caller's tensors, updated in place
        params = (widened(weight), widened(bias), training, momentum, eps)
        return cast(batch_norm(widened(input), running_mean, running_var, *params), np.float16)
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
