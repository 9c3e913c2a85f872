"""Loss functions: fused, numerically stable kernels with their gradients side by side.

A loss turns per-element (or per-sample) terms l_i into one number or keeps them:
reduction='none' returns l, 'sum' returns sum_i l_i, 'mean' returns sum_i l_i / n. Backward first
spreads the incoming gradient gy over the terms (gy, or gy / n for a mean), then multiplies by
each term's local derivative dl_i/dx_i. One op per loss keeps both passes to a few NumPy calls.

Cross-entropy and binary cross-entropy start from logits: log_softmax and log-sigmoid are computed
with the max-shift / softplus tricks, so no probability is ever rounded to 0 before its log.

This module gathers them under one name; each family lives in its own file:

    loss_base.py           REDUCTIONS, check_reduction, PointwiseLoss and the shared checks
    loss_regression.py     mse_loss, l1_loss, huber_loss, smooth_l1_loss, gaussian_nll_loss
    loss_probability.py    binary_cross_entropy(_with_logits), kl_div
    loss_cross_entropy.py  cross_entropy, nll_loss
    loss_margin.py         hinge_embedding_loss, hinge_loss, cosine_embedding_loss
"""

from __future__ import annotations

from glassnet.ops.loss_base import REDUCTIONS, PointwiseLoss, check_reduction
from glassnet.ops.loss_cross_entropy import CrossEntropy, NllLoss, cross_entropy, nll_loss
from glassnet.ops.loss_margin import cosine_embedding_loss, hinge_embedding_loss, hinge_loss
from glassnet.ops.loss_probability import (
    BceLoss,
    BceWithLogitsLoss,
    KlDivLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    kl_div,
)
from glassnet.ops.loss_regression import (
    GaussianNllLoss,
    HuberLoss,
    L1Loss,
    MseLoss,
    SmoothL1Loss,
    gaussian_nll_loss,
    huber_loss,
    l1_loss,
    mse_loss,
    smooth_l1_loss,
)

__all__ = [
    "REDUCTIONS",
    "BceLoss",
    "BceWithLogitsLoss",
    "CrossEntropy",
    "GaussianNllLoss",
    "HuberLoss",
    "KlDivLoss",
    "L1Loss",
    "MseLoss",
    "NllLoss",
    "PointwiseLoss",
    "SmoothL1Loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "check_reduction",
    "cosine_embedding_loss",
    "cross_entropy",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "hinge_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
]
