"""Classification losses: BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss.
Each loss's docstring holds its math once (Formula and When to use sections), which the
registry in `loss_info` reads."""

from __future__ import annotations

from typing import Any

from glassnet.nn.loss_base import _Loss, _WeightedLoss
from glassnet.ops import loss as L
from glassnet.tensor import Tensor


class BCELoss(_WeightedLoss):
    r"""Binary cross-entropy of probabilities:   l = -w (y ln x + (1 - y) ln(1 - x)),
    each log clamped at -100.   dl/dx = w (x - y) / (x (1 - x)).

    Formula
    -------
    l = -(y ln x + (1 - y) ln(1 - x)),  x a probability
    gradient: dl/dx = (x - y) / (x (1 - x))
    LaTeX: \ell = -\left(y \ln x + (1 - y)\ln(1 - x)\right)

    When to use
    -----------
    Binary / multi-label targets when the model outputs probabilities. Prefer bce_with_logits on raw
    scores: same loss, no log of a rounded 0.

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
    r"""Binary cross-entropy from logits, with sigma(x) the probability of the positive class:
    l = -w (p y ln sigma(x) + (1 - y) ln(1 - sigma(x))),
    dl/dx = w ((1 + (p - 1) y) sigma(x) - p y)   (= w (sigma(x) - y) for p = 1),
    computed with the stable log-sigmoid.

    Formula
    -------
    l = -(p y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x))),  x a logit
    gradient: dl/dx = sigmoid(x) - y   (p = 1)
    LaTeX: \ell = -\left(p\,y \ln\sigma(x) + (1 - y)\ln(1 - \sigma(x))\right)

    When to use
    -----------
    Binary classification and multi-label problems from raw scores, numerically stable. pos_weight p
    > 1 favours recall on a rare positive class.

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
    r"""Cross-entropy from logits:   l_n = -sum_c q_{n,c} ln softmax(x_n)_c,
    dl_n/dx_{n,c} = softmax(x_n)_c - q_{n,c}  (for a target distribution q summing to 1).

    q is one-hot at the class index y_n (times weight[y_n]), or the given class probabilities;
    label_smoothing eps mixes in the uniform distribution: q <- (1 - eps) q + eps / C.
    'mean' divides by the summed weights of the counted samples (index targets) or by the number
    of samples (probability targets); samples whose target is `ignore_index` count for nothing.

    Formula
    -------
    l = -sum_c q_c ln softmax(x)_c  (q one-hot at the label, or given probabilities)
    gradient: dl/dx_c = softmax(x)_c - q_c
    LaTeX: \ell = -\sum_c q_c \ln \frac{e^{x_c}}{\sum_k e^{x_k}}

    When to use
    -----------
    Single-label classification over C classes, from raw scores (softmax inside, stable). weight for
    imbalance, label_smoothing=0.1 against over-confidence, ignore_index for padding.

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
    r"""Negative log-likelihood:   l_n = -weight[y_n] * x[n, y_n],   dl_n/dx[n, y_n] = -weight[y_n].

    Formula
    -------
    l = -x_y  (x log-probabilities, y the label)
    gradient: dl/dx_c = -[c = y]
    LaTeX: \ell = -x_{y}

    When to use
    -----------
    Classification when the model already ends in log_softmax (together: cross-entropy), or with any
    log-probabilities.

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
    r"""Kullback-Leibler divergence KL(target || model), the model given as log-probabilities:
    l = t (ln t - x)   (or e^t (t - x) with log_target=True),   dl/dx = -t.

    Formula
    -------
    l = t (ln t - x),  x the model's log-probabilities, t the target probabilities
    gradient: dl/dx = -t
    LaTeX: \ell = t\,(\ln t - x)

    When to use
    -----------
    Matching a full distribution: distillation from a teacher's soft outputs, VAEs. Use
    reduction='batchmean' for the true KL per sample.

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
