"""Margin losses: HingeLoss, HingeEmbeddingLoss, CosineEmbeddingLoss.
Each loss's docstring holds its math once (Formula and When to use sections), which the
registry in `loss_info` reads."""

from __future__ import annotations

from typing import Any

from glassnet.nn.loss_base import _Loss
from glassnet.ops import loss as L
from glassnet.tensor import Tensor


class HingeEmbeddingLoss(_Loss):
    r"""l = x if y = 1,  max(0, margin - x) if y = -1;  dl/dx = 1, or -1 while x < margin.

    Formula
    -------
    l = x if y = 1, max(0, margin - x) if y = -1  (x a distance)
    gradient: dl/dx = 1 (y = 1), -1 while x < margin (y = -1)
    LaTeX: \ell = x \text{ if } y = 1 \text{ else } \max(0, m - x)

    When to use
    -----------
    Metric learning from a distance between two embeddings: similar pairs pulled together,
    dissimilar pushed at least margin apart.

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
    r"""The hinge loss of a linear classifier (not in PyTorch):   l = max(0, margin - y x),
    y in {-1, +1}, x the raw score w.x + b;   dl/dx = -y while y x < margin, else 0.

    Formula
    -------
    l = max(0, margin - y x),  y in {-1, +1}
    gradient: dl/dx = -y if y x < margin else 0
    LaTeX: \ell = \max(0, m - y x)

    When to use
    -----------
    Linear classifiers: margin = 1 is the SVM (correct points with room to spare cost nothing),
    margin = 0 the perceptron criterion.

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
    r"""l = 1 - cos(x1, x2) if y = 1,  max(0, cos(x1, x2) - margin) if y = -1.

    Formula
    -------
    l = 1 - cos(x1, x2) if y = 1, max(0, cos(x1, x2) - margin) if y = -1
    gradient: dcos/dx1 = x2 / (|x1| |x2|) - cos x1 / |x1|^2, times -1 (y = 1) or +1 (y = -1, above
        the margin)
    LaTeX: \ell = 1 - \cos(x_1, x_2) \text{ or } \max(0, \cos(x_1, x_2) - m)

    When to use
    -----------
    Embeddings compared by direction (sentences, faces): align similar pairs, push dissimilar ones
    below a cosine margin.

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
