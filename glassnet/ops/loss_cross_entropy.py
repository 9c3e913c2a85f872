"""Multi-class losses: cross_entropy (from logits, log_softmax with the max shift, class indices
or class probabilities as targets, label smoothing, class weights, ignore_index) and nll_loss
(of log-probabilities), each one op over (M, C) rows of scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops.loss_base import (
    _as_weight,
    check_reduction,
)
from glassnet.tensor import Tensor


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
