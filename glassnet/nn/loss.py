"""Loss layers: what the network is trained to make small, with PyTorch's arguments.

Each class states its formula and when to choose it; the kernels (forward and gradient side by
side) are in `glassnet.ops.loss`, and `glassnet.nn.loss_info.describe(name)` gives the same
formulas and advice at run time.

Every loss takes `reduction`: 'mean' (default) averages the per-element (or per-sample) terms,
'sum' adds them, 'none' returns them unreduced. The deprecated `size_average` / `reduce`
arguments are accepted, in PyTorch's positions, and mapped onto `reduction` as PyTorch does.
"""

from __future__ import annotations

import warnings
from typing import Any

from glassnet.nn.loss_info import LOSSES, LossInfo, describe
from glassnet.nn.module import Module
from glassnet.ops import loss as L
from glassnet.tensor import Tensor

__all__ = [
    "LOSSES",
    "LossInfo",
    "describe",
    "L1Loss",
    "MSELoss",
    "HuberLoss",
    "SmoothL1Loss",
    "GaussianNLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "KLDivLoss",
    "HingeEmbeddingLoss",
    "HingeLoss",
    "CosineEmbeddingLoss",
]


def _legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's mapping of the old flags: reduce=False -> 'none', size_average=False -> 'sum'."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce are deprecated; use reduction='mean' | 'sum' | 'none'",
        DeprecationWarning,
        stacklevel=3,
    )
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


class _Loss(Module):
    """Base of the losses: holds and validates `reduction`."""

    allowed_reductions: tuple = L.REDUCTIONS

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"):
        super().__init__()
        reduction = _legacy_reduction(size_average, reduce, reduction)
        L.check_reduction(reduction, type(self).__name__, self.allowed_reductions)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional per-class `weight`, kept as a buffer (saved in state_dict)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if weight is not None and not isinstance(weight, Tensor):
            raise TypeError(
                f"{type(self).__name__}: weight must be a glassnet Tensor or None, "
                f"got {type(weight).__name__}"
            )
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean absolute error.   l_i = |x_i - y_i|,   dl/dx_i = sign(x_i - y_i).

    When to choose it: regression where outliers should not dominate (the median, not the mean,
    minimises it). Its gradient has the same size for small and large errors, so it converges
    less smoothly near the optimum than MSE.

    Shape
    -----
    input, target: the same shape. Output: a number, or the input's shape with 'none'.

    Example
    -------
    >>> loss = glassnet.nn.L1Loss()(prediction, target)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error.   l_i = (x_i - y_i)^2,   dl/dx_i = 2 (x_i - y_i).

    When to choose it: the default for regression (the maximum-likelihood loss under Gaussian
    noise). Large errors dominate, so outliers pull hard; consider HuberLoss if they are present.
    Not for classification with sigmoid/softmax outputs: its gradient vanishes when the output
    saturates, which cross-entropy avoids.

    Shape
    -----
    input, target: the same shape. Output: a number, or the input's shape with 'none'.

    Example
    -------
    >>> loss = glassnet.nn.MSELoss()(prediction, target)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.mse_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss, d = x - y:   l = d^2 / 2 if |d| <= delta, else delta (|d| - delta / 2).
    dl/dx = clip(d, -delta, delta).

    When to choose it: regression with outliers: quadratic (smooth, like MSE) for small errors,
    linear (robust, like L1) for large ones; `delta` sets where it switches. Used for the value
    targets of DQN.

    Shape
    -----
    input, target: the same shape. Output: a number, or the input's shape with 'none'.

    Example
    -------
    >>> loss = glassnet.nn.HuberLoss(delta=2.0)(prediction, target)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta}")
        self.delta = float(delta)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1, d = x - y:   l = d^2 / (2 beta) if |d| < beta, else |d| - beta / 2.
    dl/dx = d / beta inside, sign(d) outside.   (HuberLoss(delta) = delta * SmoothL1Loss(delta).)

    When to choose it: like HuberLoss, but the linear part always has slope 1, whatever beta;
    the bounding-box regression loss of Fast/Faster R-CNN. beta = 0 gives L1Loss.

    Shape
    -----
    input, target: the same shape. Output: a number, or the input's shape with 'none'.

    Example
    -------
    >>> loss = glassnet.nn.SmoothL1Loss(beta=0.5)(prediction, target)
    """

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be non-negative, got {beta}")
        self.beta = float(beta)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of the target under N(input, var):
    l = (ln max(var, eps) + (x - y)^2 / max(var, eps)) / 2   (+ ln(2 pi) / 2 if full).
    dl/dx = (x - y) / var,   dl/dvar = (1 / var - (x - y)^2 / var^2) / 2.

    When to choose it: regression where the network also predicts its uncertainty (a variance
    per output, e.g. through softplus): errors on points it calls uncertain cost less, at the
    price of ln var.

    Shape
    -----
    input, target: (N, *). var: the input's shape, or without its last axis, or with 1 there.

    Example
    -------
    >>> loss = glassnet.nn.GaussianNLLLoss()(mean, target, var)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        if not eps > 0:
            raise ValueError(f"GaussianNLLLoss: eps must be positive, got {eps}")
        self.full = bool(full)
        self.eps = float(eps)

    def forward(self, input: Tensor, target: Tensor, var: Tensor) -> Tensor:
        return L.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities:   l = -w (y ln x + (1 - y) ln(1 - x)),
    each log clamped at -100.   dl/dx = w (x - y) / (x (1 - x)).

    When to choose it: binary or multi-label targets when the model already outputs
    probabilities (after a sigmoid). Prefer BCEWithLogitsLoss on the raw scores: it is the same
    loss without the rounding of sigmoid(x) to exactly 0 or 1.

    Shape
    -----
    input, target: the same shape, input in [0, 1]. weight: broadcastable to it.

    Example
    -------
    >>> loss = glassnet.nn.BCELoss()(glassnet.sigmoid(scores), labels)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy from logits, with sigma(x) the probability of the positive class:
    l = -w (p y ln sigma(x) + (1 - y) ln(1 - sigma(x))),
    dl/dx = w ((1 + (p - 1) y) sigma(x) - p y)   (= w (sigma(x) - y) for p = 1),
    computed with the stable log-sigmoid.

    When to choose it: binary classification and multi-label problems (one independent yes/no
    per output). `pos_weight` p > 1 raises recall on a rare positive class (e.g. p = #neg/#pos).

    Shape
    -----
    input, target: the same shape (N, *). pos_weight: (C,), broadcast along the last axis.

    Example
    -------
    >>> loss = glassnet.nn.BCEWithLogitsLoss(pos_weight=glassnet.tensor([3.0]))(scores, labels)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if pos_weight is not None and not isinstance(pos_weight, Tensor):
            raise TypeError(
                f"BCEWithLogitsLoss: pos_weight must be a glassnet Tensor or None, "
                f"got {type(pos_weight).__name__}"
            )
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy from logits:   l_n = -sum_c q_{n,c} ln softmax(x_n)_c,
    dl_n/dx_{n,c} = softmax(x_n)_c - q_{n,c}  (for a target distribution q summing to 1).

    q is one-hot at the class index y_n (times weight[y_n]), or the given class probabilities;
    label_smoothing eps mixes in the uniform distribution: q <- (1 - eps) q + eps / C.
    'mean' divides by the summed weights of the counted samples (index targets) or by the number
    of samples (probability targets); samples whose target is `ignore_index` count for nothing.

    When to choose it: single-label classification over C classes (MNIST digits, next
    character). Feed raw scores: the softmax is inside, done stably. Use `weight` for imbalanced
    classes, `label_smoothing` (0.1) against over-confidence, `ignore_index` for padding.

    Shape
    -----
    input: (C,), (N, C) or (N, C, d1, ..., dK). target: class indices (), (N) or
    (N, d1, ..., dK), integers in [0, C); or probabilities of the input's shape.
    Output: a number, or the target's shape (indices) / the input's without C with 'none'.

    Example
    -------
    >>> loss = glassnet.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be between 0 and 1, got {label_smoothing}"
            )
        self.ignore_index = int(ignore_index)
        self.label_smoothing = float(label_smoothing)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood:   l_n = -weight[y_n] * x[n, y_n],   dl_n/dx[n, y_n] = -weight[y_n].

    When to choose it: classification when the model ends in LogSoftmax (NLLLoss after
    LogSoftmax is CrossEntropyLoss), or whenever you already have log-probabilities.

    Shape
    -----
    input: (C,), (N, C) or (N, C, d1, ..., dK) log-probabilities; target: (), (N) or
    (N, d1, ..., dK) class indices.

    Example
    -------
    >>> loss = glassnet.nn.NLLLoss()(glassnet.log_softmax(logits, dim=1), labels)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = int(ignore_index)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence KL(target || model), the model given as log-probabilities:
    l = t (ln t - x)   (or e^t (t - x) with log_target=True),   dl/dx = -t.

    When to choose it: matching a whole distribution rather than a label: knowledge
    distillation (soft teacher outputs), variational objectives. Use reduction='batchmean' for
    the true KL per sample; 'mean' also divides by the number of classes (PyTorch's default).

    Shape
    -----
    input, target: the same shape, e.g. (N, C).

    Example
    -------
    >>> loss = glassnet.nn.KLDivLoss(reduction="batchmean")(log_student, teacher_probs)
    """

    allowed_reductions = L.REDUCTIONS + ("batchmean",)

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = bool(log_target)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class HingeEmbeddingLoss(_Loss):
    """l = x if y = 1,  max(0, margin - x) if y = -1;  dl/dx = 1, or -1 while x < margin.

    When to choose it: the input is a distance between two embeddings (e.g. an L1 distance);
    similar pairs (y = 1) are pulled together, dissimilar ones (y = -1) pushed at least `margin`
    apart. For a plain linear classifier's hinge loss use HingeLoss.

    Shape
    -----
    input, target: the same shape; target holds 1 and -1.

    Example
    -------
    >>> loss = glassnet.nn.HingeEmbeddingLoss(margin=1.0)(distances, same_or_not)
    """

    def __init__(
        self,
        margin: float = 1.0,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = float(margin)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.hinge_embedding_loss(input, target, self.margin, self.reduction)


class HingeLoss(_Loss):
    """The hinge loss of a linear classifier (not in PyTorch):   l = max(0, margin - y x),
    y in {-1, +1}, x the raw score w.x + b;   dl/dx = -y while y x < margin, else 0.

    When to choose it: margin = 1 is the linear SVM (with weight decay as the margin term):
    points classified right with room to spare cost nothing. margin = 0 is the perceptron
    criterion, whose gradient step on a misclassified point is exactly the perceptron update.

    Shape
    -----
    input, target: the same shape; target holds -1 and 1.

    Example
    -------
    >>> loss = glassnet.nn.HingeLoss(margin=1.0)(scores, labels_pm1)
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.margin = float(margin)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return L.hinge_loss(input, target, self.margin, self.reduction)

    def extra_repr(self) -> str:
        return f"margin={self.margin}"


class CosineEmbeddingLoss(_Loss):
    """l = 1 - cos(x1, x2) if y = 1,  max(0, cos(x1, x2) - margin) if y = -1.

    When to choose it: learning embeddings whose direction matters (sentence or face
    embeddings): similar pairs are turned towards each other, dissimilar ones until their
    cosine falls below `margin` (0 to 0.5 is typical).

    Shape
    -----
    input1, input2: (N, D) or (D,). target: (N,) or () of 1 and -1.

    Example
    -------
    >>> loss = glassnet.nn.CosineEmbeddingLoss(margin=0.2)(a, b, same_or_not)
    """

    def __init__(
        self,
        margin: float = 0.0,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if not -1.0 <= margin <= 1.0:
            raise ValueError(f"CosineEmbeddingLoss: margin must be in [-1, 1], got {margin}")
        self.margin = float(margin)

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return L.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)
