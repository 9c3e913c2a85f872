"""Losses on probabilities: binary_cross_entropy (of probabilities, logs clamped at -100),
binary_cross_entropy_with_logits (log-sigmoid by the softplus trick, so no probability is rounded
to 0 before its log) and kl_div (of log-probabilities against probabilities or log-probabilities).
"""

from __future__ import annotations

import numpy as np

from glassnet.ops.loss_base import (
    REDUCTIONS,
    PointwiseLoss,
    _as_weight,
    _check_broadcasts,
    _check_float_pair,
    check_reduction,
)
from glassnet.ops.stable_math import (
    exp_minus_abs,
    sigmoid_of,
    softplus_of,
)
from glassnet.tensor import Tensor


class BceLoss(PointwiseLoss):
    """l = -w (y ln x + (1 - y) ln(1 - x)), each log clamped at -100 (as PyTorch: a probability
    of exactly 0 or 1 costs 100, not infinity).
    dl/dx = w (x - y) / max(x (1 - x), 1e-12),   dl/dy = -w ln(x / (1 - x))  (the logit, not
    clamped, as PyTorch: -inf at x = 1 and +inf at x = 0)."""

    @staticmethod
    def forward(ctx, x, y, reduction, weight):
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 just below
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        l = -(y * log_x + (1 - y) * log_1mx)
        if weight is not None:
            l = l * weight
        ctx.save_for_backward(x, y, weight)
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        x, y, w = ctx.saved_tensors
        gx = (x - y) / np.maximum(x * (1 - x), 1e-12) if needs[0] else None
        gy = None
        if needs[1]:
            with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 or 1: +-inf
                gy = -np.log(x / (1 - x))
        if w is not None:
            gx = None if gx is None else gx * w
            gy = None if gy is None else gy * w
        return gx, gy


class BceWithLogitsLoss(PointwiseLoss):
    """Binary cross-entropy on a logit x, with sigma(x) the predicted probability:
    l = -w (p y ln sigma(x) + (1 - y) ln(1 - sigma(x))) = w ((1 - y) x + (1 + (p - 1) y) sp(-x)),
    sp(z) = ln(1 + e^z) computed stably (ln sigma(x) = -sp(-x), ln(1 - sigma(x)) = -sp(x)),
    p the positive-class weight (pos_weight, broadcast along the last axis).
    dl/dx = w ((1 + (p - 1) y) sigma(x) - p y),   dl/dy = w (-x + (p - 1) sp(-x))."""

    @staticmethod
    def forward(ctx, x, y, reduction, weight, pos_weight):
        z = exp_minus_abs(x)  # shared with the backward's sigma(x): one exponential, not two
        sp_neg = softplus_of(-x, z)  # -ln sigma(x), finite for any x
        if pos_weight is None:
            l = (1 - y) * x + sp_neg
        else:
            l = (1 - y) * x + (1 + (pos_weight - 1) * y) * sp_neg
        if weight is not None:
            l = l * weight
        ctx.save_for_backward(x, y, sp_neg, weight, pos_weight, z)
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        x, y, sp_neg, w, p, z = ctx.saved_tensors
        gx = gy = None
        if needs[0]:
            s = sigmoid_of(x, z).astype(x.dtype, copy=False)
            gx = s - y if p is None else (1 + (p - 1) * y) * s - p * y
        if needs[1]:
            gy = -x if p is None else -x + (p - 1) * sp_neg
        if w is not None:
            gx = None if gx is None else gx * w
            gy = None if gy is None else gy * w
        return gx, gy


# ----------------------------------------------------------------------------- distributions
class KlDivLoss(PointwiseLoss):
    """Kullback-Leibler divergence of the target distribution t from the model's, with the
    model's log-probabilities x:  l = xlogy(t, t) - t x  (t ln t, 0 where t = 0), or with
    log_target (target given as ln t):  l = e^t (t - x).
    dl/dx = -t  (or -e^t),   dl/dt = ln t + t / t - x  (or e^t (t - x + 1)).

    As PyTorch computes it: a NaN or negative target gives NaN, 0 * (-inf) = NaN, and t / t
    makes the target's gradient NaN at t = 0."""

    @staticmethod
    def forward(ctx, x, t, reduction, log_target):
        if log_target:
            et = np.exp(t)
            l = et * (t - x)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                l = _xlogx(t) - t * x
            et = None
        ctx.save_for_backward(x, t, et)
        ctx.log_target = log_target
        return ctx.reduce(l, reduction, x.shape, t.shape)

    @staticmethod
    def local_grads(ctx, needs):
        x, t, et = ctx.saved_tensors
        if ctx.log_target:
            return -et, (et * (t - x + 1) if needs[1] else None)
        gt = None
        if needs[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_t = np.where(t == 0, np.zeros((), t.dtype), np.log(t))
                gt = log_t + t / t - x
        return -t, gt


def _xlogx(t: np.ndarray) -> np.ndarray:
    """t ln t, 0 at t = 0 (its limit); NaN for t < 0 or NaN."""
    return np.where(t == 0, np.zeros((), t.dtype), t * np.log(t))


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy of probabilities x in [0, 1] against targets y in [0, 1]:
    l = -w (y ln x + (1 - y) ln(1 - x)), logs clamped at -100. Prefer
    `binary_cross_entropy_with_logits` on raw scores: it never takes the log of a rounded 0."""
    op = "binary_cross_entropy"
    check_reduction(reduction, op)
    _check_float_pair(input, target, op, same_shape=True)
    x = input._data
    if x.size and not (x.min() >= 0 and x.max() <= 1):  # also catches NaN
        raise ValueError(
            f"{op}: all elements of input must be probabilities in [0, 1] (found values in "
            f"[{x.min()}, {x.max()}]); apply sigmoid first or use binary_cross_entropy_with_logits"
        )
    y = target._data
    if y.size and not (y.min() >= 0 and y.max() <= 1):  # as PyTorch; also catches NaN
        raise ValueError(
            f"{op}: all elements of target must be in [0, 1] (found values in "
            f"[{y.min()}, {y.max()}]); binary_cross_entropy_with_logits accepts any target"
        )
    w = _as_weight(weight, x, op)
    _check_broadcasts(w, x.shape, op, "weight")
    return BceLoss.apply(input, target, reduction=reduction, weight=w)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy on logits (sigmoid fused in, computed stably):
    l = -w (p y ln sigma(x) + (1 - y) ln(1 - sigma(x))), p = pos_weight along the last axis.

    `weight` and `pos_weight` are constants here (they receive no gradient)."""
    op = "binary_cross_entropy_with_logits"
    check_reduction(reduction, op)
    _check_float_pair(input, target, op, same_shape=True)
    w = _as_weight(weight, input._data, op)
    p = _as_weight(pos_weight, input._data, op, "pos_weight")
    _check_broadcasts(w, input._data.shape, op, "weight")
    _check_broadcasts(p, input._data.shape, op, "pos_weight")
    return BceWithLogitsLoss.apply(input, target, reduction=reduction, weight=w, pos_weight=p)


def kl_div(
    input: Tensor, target: Tensor, reduction: str = "mean", log_target: bool = False
) -> Tensor:
    """KL(target || model) with the model's log-probabilities as input: l = t (ln t - x).

    reduction='batchmean' (sum / batch size) is the true KL divergence per sample; 'mean'
    divides by the number of elements, as PyTorch's default does."""
    check_reduction(reduction, "kl_div", REDUCTIONS + ("batchmean",))
    _check_float_pair(input, target, "kl_div", same_shape=False)
    return KlDivLoss.apply(input, target, reduction=reduction, log_target=bool(log_target))
