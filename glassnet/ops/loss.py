"""Loss functions: fused, numerically stable kernels with their gradients side by side.

A loss turns per-element (or per-sample) terms l_i into one number or keeps them:
reduction='none' returns l, 'sum' returns sum_i l_i, 'mean' returns sum_i l_i / n. Backward first
spreads the incoming gradient gy over the terms (gy, or gy / n for a mean), then multiplies by
each term's local derivative dl_i/dx_i. One op per loss keeps both passes to a few NumPy calls.

Cross-entropy and binary cross-entropy start from logits: log_softmax and log-sigmoid are computed
with the max-shift / softplus tricks, so no probability is ever rounded to 0 before its log.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops import elementwise as E
from glassnet.ops import reduce as R
from glassnet.ops.activation import stable_sigmoid, stable_softplus
from glassnet.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


# ----------------------------------------------------------------------------- shared pieces
def check_reduction(reduction: str, op: str, allowed: tuple = REDUCTIONS) -> None:
    """Raise a ValueError naming the op unless `reduction` is one it knows."""
    if reduction not in allowed:
        names = ", ".join(repr(r) for r in allowed)
        raise ValueError(f"{op}: reduction must be one of {names}, got {reduction!r}")


def _check_float_pair(input: Tensor, target: Tensor, op: str, same_shape: bool) -> None:
    """Both float and of one dtype (no silent float32 -> float64); shapes equal if required."""
    for name, t in (("input", input), ("target", target)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a glassnet Tensor, got {type(t).__name__}")
        if t._data.dtype.kind != "f":
            raise TypeError(f"{op}: {name} must be a floating point tensor, got {t._data.dtype}")
    if input._data.dtype != target._data.dtype:
        raise TypeError(
            f"{op}: input is {input._data.dtype} but target is {target._data.dtype}; convert one "
            f"of them (e.g. target.to(input.dtype)) so that the loss is computed in one precision"
        )
    if input._data.shape == target._data.shape:
        return
    if same_shape:
        raise ValueError(
            f"{op}: target shape {target._data.shape} must be the same as input shape "
            f"{input._data.shape}"
        )
    try:
        np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        raise ValueError(
            f"{op}: target shape {target._data.shape} does not broadcast with input shape "
            f"{input._data.shape}"
        ) from None
    warnings.warn(
        f"{op}: target shape {target._data.shape} differs from input shape {input._data.shape}; "
        f"they will be broadcast, which is rarely what a loss wants",
        UserWarning,
        stacklevel=3,
    )


def _as_weight(weight: Any, like: np.ndarray, op: str, name: str = "weight") -> Any:
    """An optional weight as an array in the input's dtype (it receives no gradient)."""
    if weight is None:
        return None
    w = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.dtype.kind not in "fiu":
        raise TypeError(f"{op}: {name} must be a numeric tensor, got {w.dtype}")
    return w.astype(like.dtype, copy=False)


def _check_broadcasts(w: Any, shape: tuple, op: str, name: str) -> None:
    """An elementwise weight must broadcast to the input's shape without enlarging it."""
    if w is None:
        return
    try:
        fits = np.broadcast_shapes(w.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{op}: {name} shape {w.shape} does not broadcast to input shape {shape}")


class PointwiseLoss(Op):
    """Base of losses that are a sum of per-element terms l_i = f(x_i, y_i, ...).

    A subclass's `forward` computes the terms and returns `ctx.reduce(l, reduction, shapes)`;
    its `local_grads(ctx, needs)` returns dl/d(input) for each input that needs a gradient (None
    for the others). Backward here spreads gy over the terms and multiplies.
    """

    def reduce(self, l: np.ndarray, reduction: str, *shapes: tuple) -> np.ndarray:
        """Apply the reduction to the terms, remembering what backward needs."""
        self.shapes = shapes
        self.reduction = reduction
        self.term_shape = l.shape
        if reduction == "none":
            return l
        total = l.sum()
        if reduction == "sum":
            return np.asarray(total)
        # mean over elements, or 'batchmean' (kl_div): over the first axis only
        self.n = l.size if reduction == "mean" else (l.shape[0] if l.ndim else 1)
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty mean is nan, as torch
            return np.asarray(total / self.n)

    @staticmethod
    def local_grads(ctx: Any, needs: tuple) -> tuple:
        raise NotImplementedError

    @staticmethod
    def backward(ctx, gy):
        if ctx.reduction in ("mean", "batchmean"):
            gy = gy / ctx.n
        g = np.broadcast_to(gy, ctx.term_shape)  # dL/dl_i
        grads = type(ctx).local_grads(ctx, ctx.needs_input_grad)
        return tuple(
            None if d is None else unbroadcast(g * d, shape) for d, shape in zip(grads, ctx.shapes)
        )


# ----------------------------------------------------------------------------- regression
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
        l = np.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))
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
            l = np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        (d,) = ctx.saved_tensors
        beta = ctx.beta
        g = np.sign(d) if beta == 0 else np.where(np.abs(d) < beta, d / beta, np.sign(d))
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
        sp_neg = stable_softplus(-x)  # -ln sigma(x), finite for any x
        if pos_weight is None:
            l = (1 - y) * x + sp_neg
        else:
            l = (1 - y) * x + (1 + (pos_weight - 1) * y) * sp_neg
        if weight is not None:
            l = l * weight
        ctx.save_for_backward(x, y, sp_neg, weight, pos_weight)
        return ctx.reduce(l, reduction, x.shape, y.shape)

    @staticmethod
    def local_grads(ctx, needs):
        x, y, sp_neg, w, p = ctx.saved_tensors
        gx = gy = None
        if needs[0]:
            s = stable_sigmoid(x).astype(x.dtype, copy=False)
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


# ----------------------------------------------------------------------------- classification
def _rows(x: np.ndarray, class_axis: int) -> np.ndarray:
    """The scores as (M, C) rows, one per sample: the class axis moved last, the rest flattened."""
    if class_axis != x.ndim - 1:
        x = np.moveaxis(x, class_axis, -1)
    return x.reshape(-1, x.shape[-1])


def _unrows(g: np.ndarray, ctx: Any) -> np.ndarray:
    """Undo `_rows` on a gradient of shape (M, C)."""
    shape, axis = ctx.x_shape, ctx.class_axis
    if axis == len(shape) - 1:
        return g.reshape(shape)
    moved = shape[:axis] + shape[axis + 1 :] + shape[axis : axis + 1]
    return np.moveaxis(g.reshape(moved), -1, axis)


def _reduce_per_sample(
    ctx: Any, l: np.ndarray, reduction: str, denominator: Any, sample_shape: tuple
) -> np.ndarray:
    """Reduce the per-sample losses l (M,); 'none' gives them in the target's shape."""
    ctx.reduction = reduction
    ctx.denominator = denominator
    if reduction == "none":
        return l.reshape(sample_shape)
    if reduction == "sum":
        return np.asarray(l.sum())
    if denominator == 0:  # a mean over no (weight of) samples: nan, as in PyTorch
        return np.asarray(np.nan, dtype=l.dtype)
    return np.asarray(l.sum() / denominator)


def _spread_per_sample(
    gy: np.ndarray, ctx: Any, m: int, counts: np.ndarray | None = None
) -> np.ndarray:
    """dL/dl_n for the samples from the reduced loss's gradient: shape (M, 1) for 'none', else
    (1, 1), the same for every sample (it broadcasts).

    With `counts` (1 for a sample that counts, 0 for an ignored one) an ignored sample gets 0:
    it is absent, also when the 'mean' over no counted weight is 0 / 0 = nan (as in PyTorch)."""
    if ctx.reduction == "none":
        g = gy.reshape(m, 1)
    elif ctx.reduction == "mean" and ctx.denominator == 0:  # the mean is nan: so is dL/dl_n
        g = np.full((1, 1), np.nan, dtype=gy.dtype)
    elif ctx.reduction == "mean":
        g = (gy / ctx.denominator).reshape(1, 1)
    else:
        g = gy.reshape(1, 1)
    if counts is not None and not counts.all():
        g = np.where(counts[:, None] > 0, g, np.zeros((), g.dtype))
    return g


def _picked_weights(target: np.ndarray, weight: Any, ignore_index: int, dtype: np.dtype) -> tuple:
    """Per sample: its class y (0 where ignored, a safe index), whether it counts (as 0/1 in
    `dtype`: a bool array times a Python float would give float64), and its weight w_y."""
    y = target.reshape(-1)
    valid = y != ignore_index
    if not valid.all():
        y = np.where(valid, y, 0)
    counts = valid.astype(dtype)
    w_y = counts if weight is None else weight[y] * counts
    return y, counts, w_y


def _absent(l: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The per-sample losses with an ignored sample's set to 0: absent, as in PyTorch, even
    where its scores hold NaN or Inf (0 * NaN would be NaN)."""
    return l if counts.all() else np.where(counts > 0, l, np.zeros((), l.dtype))


class CrossEntropy(Op):
    """Cross-entropy of softmax(x) against a target distribution q over C classes, per sample:

        l = -sum_c q_c ln p_c,   ln p_c = x_c - logsumexp(x)   (the max-shifted log-softmax)
        dl/dx_c = p_c sum_c' q_c' - q_c          (= p_c - q_c when the q_c sum to 1)

    With a class index y and smoothing eps, weights w:  q_c = w_y (1 - eps) [c = y] + w_c eps / C
    (all 0 for an ignored sample); 'mean' divides by the total weight sum_n w_{y_n} of the
    samples that count. With class probabilities t:  q_c = w_c ((1 - eps) t_c + eps / C), 'mean'
    divides by the number of samples, and dl/dt_c = -(1 - eps) w_c ln p_c.

    The kernel works on (M, C) rows: the class axis moved last and the other axes flattened.
    """

    @staticmethod
    def forward(
        ctx, x, target, class_axis, weight, ignore_index, all_counted, reduction, label_smoothing
    ):
        ctx.class_axis, ctx.x_shape = class_axis, x.shape
        sample_shape = x.shape[:class_axis] + x.shape[class_axis + 1 :]
        x = _rows(x, class_axis)  # (M, C)
        num_classes = x.shape[1]
        shifted = x - x.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        eps = label_smoothing
        ctx.eps, ctx.weight = eps, weight
        ctx.index_target = target.dtype.kind in "iu"
        if ctx.index_target:
            y = target.reshape(-1)
            if weight is None and not eps and (all_counted or (y != ignore_index).all()):
                # the usual case, q = one-hot(y): l = -ln p_y, 'mean' divides by M
                ctx.save_for_backward(logp, y, None, None)
                l = -logp[np.arange(len(y)), y]
                return _reduce_per_sample(ctx, l, reduction, len(y), sample_shape)
            y, counts, w_y = _picked_weights(target, weight, ignore_index, x.dtype)
            l = -(1 - eps) * w_y * logp[np.arange(len(y)), y]
            if eps:
                w_logp = logp if weight is None else logp * weight
                l = l - (eps / num_classes) * w_logp.sum(axis=1) * counts
            l = _absent(l, counts)
            ctx.save_for_backward(logp, y, counts, w_y)
            return _reduce_per_sample(ctx, l, reduction, w_y.sum(), sample_shape)
        q = _rows(target, class_axis)
        q = (1 - eps) * q + eps / num_classes if eps else q
        if weight is not None:
            q = q * weight
        l = -(q * logp).sum(axis=1)
        ctx.save_for_backward(logp, q)
        return _reduce_per_sample(ctx, l, reduction, l.size, sample_shape)

    @staticmethod
    def backward(ctx, gy):
        logp = ctx.saved_tensors[0]
        m, num_classes = logp.shape
        counts = ctx.saved_tensors[2] if ctx.index_target else None
        g = _spread_per_sample(gy, ctx, m, counts)  # dL/dl_n, (M, 1)
        p = np.exp(logp)
        eps, w = ctx.eps, ctx.weight
        gt = None
        if ctx.index_target:
            _, y, counts, w_y = ctx.saved_tensors
            if counts is None:  # q = one-hot(y): dl/dx = p - q
                gx = p * g
                gx[np.arange(m), y] -= g[:, 0]
            else:
                w_sum = num_classes if w is None else float(w.sum())
                q_sum = (1 - eps) * w_y + (eps / num_classes * w_sum) * counts  # sum_c q_c
                gx = p * (g * q_sum[:, None])
                gx[np.arange(m), y] -= g[:, 0] * (1 - eps) * w_y
                if eps:
                    gx -= (eps / num_classes) * (g * counts[:, None]) * (1 if w is None else w)
        else:
            q = ctx.saved_tensors[1]
            gx = g * (p * q.sum(axis=1, keepdims=True) - q)
            if ctx.needs_input_grad[1]:
                gt = _unrows(-(1 - eps) * g * (logp if w is None else logp * w), ctx)
        return _unrows(gx, ctx), gt


class NllLoss(Op):
    """Negative log-likelihood of log-probabilities x at the target class y, weighted:

    l_n = -w_{y_n} x_{n, y_n}   (0 for an ignored sample);  'mean' divides by sum_n w_{y_n}
    dl_n/dx_{n, c} = -w_{y_n} [c = y_n]
    """

    @staticmethod
    def forward(ctx, x, target, class_axis, weight, ignore_index, reduction):
        ctx.class_axis, ctx.x_shape = class_axis, x.shape
        sample_shape = x.shape[:class_axis] + x.shape[class_axis + 1 :]
        x = _rows(x, class_axis)  # (M, C)
        y, counts, w_y = _picked_weights(target, weight, ignore_index, x.dtype)
        l = _absent(-w_y * x[np.arange(len(y)), y], counts)
        ctx.save_for_backward(y, counts, w_y)
        ctx.num_classes = x.shape[1]
        return _reduce_per_sample(ctx, l, reduction, w_y.sum(), sample_shape)

    @staticmethod
    def backward(ctx, gy):
        y, counts, w_y = ctx.saved_tensors
        m = len(y)
        g = _spread_per_sample(gy, ctx, m, counts)
        gx = np.zeros((m, ctx.num_classes), dtype=w_y.dtype)
        gx[np.arange(m), y] = -g[:, 0] * w_y
        return _unrows(gx, ctx), None


# ----------------------------------------------------------------------------- public functions
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


def _class_axis(input: Tensor, target: Tensor, op: str, allow_probabilities: bool) -> int:
    """Check a classification loss's shapes; return the class axis (1, or 0 for one sample)."""
    for name, t in (("input", input), ("target", target)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a glassnet Tensor, got {type(t).__name__}")
    x, t = input._data, target._data
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be a floating point tensor of scores, got {x.dtype}")
    if x.ndim == 0:
        raise ValueError(f"{op}: input must have a class axis: (C,), (N, C) or (N, C, d1, ...)")
    class_axis = 1 if x.ndim >= 2 else 0
    index_shape = x.shape[:class_axis] + x.shape[class_axis + 1 :]
    if allow_probabilities and t.shape == x.shape and t.dtype.kind == "f":
        if t.dtype != x.dtype:
            raise TypeError(f"{op}: input is {x.dtype} but the probability target is {t.dtype}")
        return class_axis
    if t.shape != index_shape:
        also = f" or {x.shape} (class probabilities)" if allow_probabilities else ""
        raise ValueError(
            f"{op}: input of shape {x.shape} needs a target of shape {index_shape} (class "
            f"indices){also}, got {t.shape}"
        )
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: class-index targets must be integers (int64), got {t.dtype} "
            f"(shape {t.shape}); use target.long()"
        )
    return class_axis


def _check_class_weight(weight: Any, x: np.ndarray, class_axis: int, op: str) -> Any:
    w = _as_weight(weight, x, op)
    if w is not None and w.shape != (x.shape[class_axis],):
        raise ValueError(
            f"{op}: weight must have one entry per class, shape ({x.shape[class_axis]},), "
            f"got {w.shape}"
        )
    return w


def _check_indices(t: np.ndarray, num_classes: int, ignore_index: int, op: str) -> bool:
    """Raise an IndexError for a target that is neither a class nor ignore_index. Returns True
    when every target is a class that counts (none equals ignore_index)."""
    if t.size == 0 or (t.min() >= 0 and t.max() < num_classes):
        return not 0 <= ignore_index < num_classes  # the usual case, in two reductions
    bad = (t != ignore_index) & ((t < 0) | (t >= num_classes))
    if np.any(bad):
        raise IndexError(
            f"{op}: target {t[bad][0]} is out of bounds for {num_classes} classes "
            f"(valid: 0 to {num_classes - 1}, or ignore_index={ignore_index})"
        )
    return False


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between softmax(input) and the target, from raw scores (logits):
    l_n = -sum_c q_{n,c} ln softmax(x_n)_c, q the (weighted, smoothed) target distribution.

    Shape
    -----
    input: (C,), (N, C) or (N, C, d1, ..., dK) scores. target: class indices of shape (), (N)
    or (N, d1, ..., dK) (integers, `ignore_index` skipped), or class probabilities of the
    input's shape. Output: a number, or (N, d1, ..., dK) for reduction='none'.

    Example
    -------
    >>> loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
    """
    op = "cross_entropy"
    check_reduction(reduction, op)
    class_axis = _class_axis(input, target, op, allow_probabilities=True)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0 and 1, got {label_smoothing}")
    x = input._data
    weight = _check_class_weight(weight, x, class_axis, op)
    all_counted = False  # known: no target equals ignore_index
    if target._data.dtype.kind == "f":
        if ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index is not supported for class-probability targets")
    else:
        all_counted = _check_indices(target._data, x.shape[class_axis], ignore_index, op)
    return CrossEntropy.apply(
        input,
        target,
        class_axis=class_axis,
        weight=weight,
        ignore_index=ignore_index,
        all_counted=all_counted,
        reduction=reduction,
        label_smoothing=float(label_smoothing),
    )


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: l_n = -w_{y_n} input[n, y_n], input being log-probabilities
    (the output of log_softmax). cross_entropy = nll_loss(log_softmax(x)) in one fused step.

    Shape: as cross_entropy with class-index targets."""
    op = "nll_loss"
    check_reduction(reduction, op)
    class_axis = _class_axis(input, target, op, allow_probabilities=False)
    weight = _check_class_weight(weight, input._data, class_axis, op)
    _check_indices(target._data, input._data.shape[class_axis], ignore_index, op)
    return NllLoss.apply(
        input,
        target,
        class_axis=class_axis,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
    )


# ----------------------------------------------------------------------------- margin losses
# Composed from elementwise ops: each is a line or two of math, and backward follows the graph.


def _reduce(l: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return R.mean(l)
    if reduction == "sum":
        return R.sum(l)
    return l


def _sign_target(target: Tensor, input: Tensor, op: str, strict: bool) -> Tensor:
    """The +-1 target of a margin loss as a tensor of input's dtype (it is a label, no gradient).

    `strict` rejects values other than 1 and -1 (hinge_embedding_loss gives them both terms)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}: target must be a glassnet Tensor, got {type(target).__name__}")
    t = target._data
    if t.dtype.kind not in "fiu":
        raise TypeError(f"{op}: target must hold 1 and -1, got dtype {t.dtype}")
    if strict and not np.all((t == 1) | (t == -1)):
        raise ValueError(f"{op}: target must contain only 1 and -1, got values {np.unique(t)[:6]}")
    return Tensor._wrap(t.astype(input._data.dtype, copy=False))


def _check_input(input: Tensor, op: str, name: str = "input") -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: {name} must be a glassnet Tensor, got {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a floating point tensor, got {input._data.dtype}")


def hinge_embedding_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean"
) -> Tensor:
    """l = x if y = 1,  max(0, margin - x) if y = -1: input is a distance, small for similar
    pairs (y = 1) and pushed beyond `margin` for dissimilar ones (y = -1)."""
    op = "hinge_embedding_loss"
    check_reduction(reduction, op)
    _check_input(input, op)
    y = _sign_target(target, input, op, strict=False)._data
    margin_part = E.where(y != 1, E.clamp(margin - input, min=0), 0.0)
    self_part = E.where(y != -1, input, 0.0)
    return _reduce(margin_part + self_part, reduction)


def hinge_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean"
) -> Tensor:
    """The plain hinge loss of a linear classifier: l = max(0, margin - y x), y in {-1, +1}.

    x is the raw score w.x + b. margin=1 is the soft-margin SVM's loss; margin=0 is the
    perceptron criterion (only misclassified points cost anything). Not in PyTorch (whose
    HingeEmbeddingLoss is a different, distance-based loss).
    dl/dx = -y where y x < margin, else 0."""
    op = "hinge_loss"
    check_reduction(reduction, op)
    _check_input(input, op)
    y = _sign_target(target, input, op, strict=True)
    if y._data.shape != input._data.shape:
        raise ValueError(
            f"{op}: target shape {y._data.shape} must be the same as "
            f"input shape {input._data.shape}"
        )
    return _reduce(E.clamp(margin - y * input, min=0), reduction)


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: str = "mean"
) -> Tensor:
    """l = 1 - cos(x1, x2) if y = 1,  max(0, cos(x1, x2) - margin) if y = -1.

    Shape: input1, input2 (N, D) or (D,); target (N,) or () of 1 and -1."""
    op = "cosine_embedding_loss"
    check_reduction(reduction, op)
    _check_input(input1, op, "input1")
    _check_input(input2, op, "input2")
    if input1._data.shape != input2._data.shape or input1._data.ndim not in (1, 2):
        raise ValueError(
            f"{op}: input1 and input2 must both be (N, D) or (D,), got {input1._data.shape} and "
            f"{input2._data.shape}"
        )
    if input1._data.dtype != input2._data.dtype:
        raise TypeError(f"{op}: input1 is {input1._data.dtype} but input2 is {input2._data.dtype}")
    _sign_target(target, input1, op, strict=False)
    if target._data.shape != input1._data.shape[:-1]:
        raise ValueError(
            f"{op}: target shape {target._data.shape} does not match the inputs "
            f"{input1._data.shape} (expected {input1._data.shape[:-1]})"
        )
    eps = 1e-12  # keeps a zero vector from dividing by zero, as PyTorch
    dot = (input1 * input2).sum(dim=-1)
    norms = E.sqrt(((input1 * input1).sum(dim=-1) + eps) * ((input2 * input2).sum(dim=-1) + eps))
    cos = dot / norms
    y = target._data
    l = E.where(y == 1, 1 - cos, 0.0) + E.where(y == -1, E.clamp(cos - margin, min=0), 0.0)
    return _reduce(l, reduction)
