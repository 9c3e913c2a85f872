"""Regression losses: L1Loss, MSELoss, HuberLoss, SmoothL1Loss, GaussianNLLLoss.
Each loss's docstring holds its math once (Formula and When to use sections), which the
registry in `loss_info` reads."""

from __future__ import annotations

from typing import Any

from glassnet.nn.loss_base import _Loss
from glassnet.ops import loss as L
from glassnet.tensor import Tensor


class L1Loss(_Loss):
    r"""Mean absolute error.   l_i = |x_i - y_i|,   dl/dx_i = sign(x_i - y_i).

    Formula
    -------
    l = |x - y|
    gradient: dl/dx = sign(x - y)
    LaTeX: \ell = |x - y|

    When to use
    -----------
    Regression robust to outliers (it fits the median). Constant-size gradients make it converge
    less smoothly than MSE near the optimum.

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
    r"""Mean squared error.   l_i = (x_i - y_i)^2,   dl/dx_i = 2 (x_i - y_i).

    Formula
    -------
    l = (x - y)^2
    gradient: dl/dx = 2 (x - y)
    LaTeX: \ell = (x - y)^2

    When to use
    -----------
    Regression (maximum likelihood under Gaussian noise). Outliers dominate it; it trains
    classifiers with saturating outputs poorly (use cross-entropy there).

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
    r"""Huber loss, d = x - y:   l = d^2 / 2 if |d| <= delta, else delta (|d| - delta / 2).
    dl/dx = clip(d, -delta, delta).

    Formula
    -------
    l = (x - y)^2 / 2 if |x - y| <= delta else delta (|x - y| - delta / 2)
    gradient: dl/dx = clip(x - y, -delta, delta)
    LaTeX: \ell = \tfrac12 d^2 \text{ if } |d| \le \delta \text{ else } \delta(|d| - \tfrac12\delta)

    When to use
    -----------
    Regression with outliers: MSE's smoothness near the target, L1's robustness far from it; delta
    is the error size where it switches.

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
    r"""Smooth L1, d = x - y:   l = d^2 / (2 beta) if |d| < beta, else |d| - beta / 2.
    dl/dx = d / beta inside, sign(d) outside.   (HuberLoss(delta) = delta * SmoothL1Loss(delta).)

    Formula
    -------
    l = (x - y)^2 / (2 beta) if |x - y| < beta else |x - y| - beta / 2
    gradient: dl/dx = (x - y) / beta inside, sign(x - y) outside
    LaTeX: \ell = \tfrac{d^2}{2\beta} \text{ if } |d| < \beta \text{ else } |d| - \tfrac{\beta}{2}

    When to use
    -----------
    Huber divided by beta (slope 1 in the linear part): bounding-box regression in object detectors.
    beta = 0 is L1.

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
    r"""Gaussian negative log-likelihood of the target under N(input, var):
    l = (ln max(var, eps) + (x - y)^2 / max(var, eps)) / 2   (+ ln(2 pi) / 2 if full).
    dl/dx = (x - y) / var,   dl/dvar = (1 / var - (x - y)^2 / var^2) / 2.

    Formula
    -------
    l = (ln var + (x - y)^2 / var) / 2
    gradient: dl/dx = (x - y) / var;  dl/dvar = (1/var - (x - y)^2 / var^2) / 2
    LaTeX: \ell = \tfrac12\left(\ln\sigma^2 + \tfrac{(x - y)^2}{\sigma^2}\right)

    When to use
    -----------
    Regression where the network predicts a variance too (heteroscedastic noise): it learns where it
    is unsure. Keep var positive (softplus) and not too small.

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
