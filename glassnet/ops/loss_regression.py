"""Regression losses on real-valued targets: mse_loss, l1_loss, huber_loss, smooth_l1_loss and
gaussian_nll_loss, each one fused `PointwiseLoss` op with its gradient beside its forward.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.kernels.simd import select
from glassnet.ops.loss_base import (
    PointwiseLoss,
    _check_float_pair,
    check_reduction,
)
from glassnet.tensor import Tensor


class MseLoss(PointwiseLoss):
    """l = (x - y)^2.   dl/dx = 2 (x - y),   dl/dy = -2 (x - y)."""

    @staticmethod
    def forward(ctx, x, y, reduction):
        d = x - y
        ctx.save_for_backward(d)
        return ctx.reduce(d * d, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        (d,) = ctx.saved_tensors
        return 2 * d, -2 * d


class L1Loss(PointwiseLoss):
    """l = |x - y|.   dl/dx = sign(x - y) (0 at 0),   dl/dy = -sign(x - y)."""

    @staticmethod
    def forward(ctx, x, y, reduction):
        d = x - y
        ctx.save_for_backward(d)
        return ctx.reduce(np.abs(d), reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        s = np.sign(ctx.saved_tensors[0])
        return s, -s


class HuberLoss(PointwiseLoss):
    """l = d^2 / 2 if |d| <= delta else delta (|d| - delta / 2),  d = x - y.
    dl/dx = clip(d, -delta, delta),   dl/dy = -dl/dx."""

    @staticmethod
    def forward(ctx, x, y, reduction, delta):
        d = x - y
        ctx.save_for_backward(d)
        ctx.delta = delta
        a = np.abs(d)
        l = select(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        g = np.clip(ctx.saved_tensors[0], -ctx.delta, ctx.delta)
        return g, -g


class SmoothL1Loss(PointwiseLoss):
    """l = d^2 / (2 beta) if |d| < beta else |d| - beta / 2,  d = x - y  (Huber / beta).
    dl/dx = d / beta if |d| < beta else sign(d),   dl/dy = -dl/dx.   beta = 0 gives L1."""

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        d = x - y
        ctx.save_for_backward(d)
        ctx.beta = beta
        a = np.abs(d)
        if beta == 0:
            l = a
        else:
            l = select(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        (d,) = ctx.saved_tensors
        beta = ctx.beta
        g = np.sign(d) if beta == 0 else select(np.abs(d) < beta, d / beta, np.sign(d))
        return g, -g


class GaussianNllLoss(PointwiseLoss):
    """l = (ln v + (x - y)^2 / v) / 2 [+ ln(2 pi) / 2 if full],  v = max(var, eps).
    dl/dx = (x - y) / v,   dl/dy = -(x - y) / v,   dl/dvar = (1 / v - (x - y)^2 / v^2) / 2.

    The clamp at eps is invisible to backward (as in PyTorch): var's gradient uses v throughout.
    """

    @staticmethod
    def forward(ctx, x, y, var, reduction, full, eps):
        v = np.maximum(var, eps)
        d = x - y
        ctx.save_for_backward(d, v)
        l = 0.5 * (np.log(v) + d * d / v)
        if full:
            l = l + 0.5 * math.log(2 * math.pi)
        return ctx.reduce(l, reduction, x.shape, y.shape, var.shape)

    @staticmethod
    def local_grads(ctx, needs):
        d, v = ctx.saved_tensors
        r = d / v
        return r, -r, (0.5 * (1 / v - r * r) if needs[2] else None)


# ----------------------------------------------------------------------------- binary targets


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error: l_i = (x_i - y_i)^2, reduced by `reduction`.

    Shape: input and target of the same shape (broadcasting is allowed, with a warning)."""
    check_reduction(reduction, "mse_loss")
    _check_float_pair(input, target, "mse_loss", same_shape=False)
    return MseLoss.apply(input, target, reduction=reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error: l_i = |x_i - y_i|, reduced by `reduction`."""
    check_reduction(reduction, "l1_loss")
    _check_float_pair(input, target, "l1_loss", same_shape=False)
    return L1Loss.apply(input, target, reduction=reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0
) -> Tensor:
    """Squared error for |x - y| <= delta, linear (slope delta) beyond: robust to outliers."""
    check_reduction(reduction, "huber_loss")
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    _check_float_pair(input, target, "huber_loss", same_shape=False)
    return HuberLoss.apply(input, target, reduction=reduction, delta=float(delta))


def smooth_l1_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """Squared error / (2 beta) for |x - y| < beta, |x - y| - beta / 2 beyond (Huber / beta)."""
    check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    _check_float_pair(input, target, "smooth_l1_loss", same_shape=False)
    return SmoothL1Loss.apply(input, target, reduction=reduction, beta=float(beta))


def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var: Tensor,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of target under N(input, var): the network predicts a mean and a
    variance. `var` has input's shape, or lacks its last axis / has 1 there (one variance shared
    by the last axis)."""
    check_reduction(reduction, "gaussian_nll_loss")
    _check_float_pair(input, target, "gaussian_nll_loss", same_shape=False)
    if not isinstance(var, Tensor):
        raise TypeError(f"gaussian_nll_loss: var must be a glassnet Tensor, got {type(var)}")
    shape, v_shape = input._data.shape, var._data.shape
    if v_shape != shape:
        if shape[:-1] == v_shape:
            var = var.unsqueeze(-1)
        elif not (shape[:-1] == v_shape[:-1] and v_shape[-1:] == (1,)):
            raise ValueError(
                f"gaussian_nll_loss: var shape {v_shape} does not fit input shape {shape} (use "
                f"the input's shape, or drop its last axis or make it 1)"
            )
    if var._data.dtype != input._data.dtype:
        raise TypeError(
            f"gaussian_nll_loss: var is {var._data.dtype} but input is {input._data.dtype}"
        )
    if np.any(var._data < 0):
        raise ValueError("gaussian_nll_loss: var has negative entries")
    return GaussianNllLoss.apply(input, target, var, reduction=reduction, full=full, eps=eps)
