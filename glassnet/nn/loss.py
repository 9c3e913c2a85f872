"""Loss layers: what the network is trained to make small, with PyTorch's arguments.

Each class states its formula and when to choose it (its docstring's Formula and When to use
sections, which `loss_info` reads); the kernels (forward and gradient side by
side) are in `glassnet.ops.loss`, and `glassnet.nn.loss_info.describe(name)` gives the same
formulas and advice at run time.

Every loss takes `reduction`: 'mean' (default) averages the per-element (or per-sample) terms,
'sum' adds them, 'none' returns them unreduced. The deprecated `size_average` / `reduce`
arguments are accepted, in PyTorch's positions, and mapped onto `reduction` as PyTorch does.

    loss_base.py             _Loss, _WeightedLoss (reduction, weight)
    loss_regression.py       L1Loss, MSELoss, HuberLoss, SmoothL1Loss, GaussianNLLLoss
    loss_classification.py   BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss
    loss_margin.py           HingeLoss, HingeEmbeddingLoss, CosineEmbeddingLoss
"""

from glassnet.nn.loss_base import _Loss, _WeightedLoss  # noqa: F401  (PyTorch's base names)
from glassnet.nn.loss_classification import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    KLDivLoss,
    NLLLoss,
)
from glassnet.nn.loss_info import LOSSES, LossInfo, describe
from glassnet.nn.loss_margin import CosineEmbeddingLoss, HingeEmbeddingLoss, HingeLoss
from glassnet.nn.loss_regression import GaussianNLLLoss, HuberLoss, L1Loss, MSELoss, SmoothL1Loss

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
