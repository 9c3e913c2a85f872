"""Learning-rate schedules: how γ changes over training, with PyTorch's names and semantics.

A scheduler writes `group["lr"]` of every parameter group of its optimizer. Call
`scheduler.step()` once per epoch (or per batch, for OneCycleLR), after `optimizer.step()`.
As in PyTorch 2.13, `step()` uses each schedule's *recursive* (chainable) form, which multiplies
the current lr, so schedulers can be chained; `step(epoch)` uses the *closed* form where one
exists (deprecated in PyTorch, kept for compatibility). `last_epoch` counts the steps taken;
construction performs step 0.

Every schedule's docstring gives its closed form, η_t as a function of t = last_epoch and the
initial learning rate η_0 (`base_lrs`).

One file per family:

    base.py         LRScheduler (the base class: base_lrs, last_epoch, step, state_dict)
    lambda_lr.py    LambdaLR
    step.py         StepLR, MultiStepLR, ExponentialLR
    warmup.py       ConstantLR, LinearLR
    cosine.py       CosineAnnealingLR, CosineAnnealingWarmRestarts
    one_cycle.py    OneCycleLR
    sequential.py   SequentialLR
    plateau.py      ReduceLROnPlateau
"""

from glassnet.optim.lr_scheduler.base import LRScheduler
from glassnet.optim.lr_scheduler.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from glassnet.optim.lr_scheduler.lambda_lr import LambdaLR
from glassnet.optim.lr_scheduler.one_cycle import OneCycleLR
from glassnet.optim.lr_scheduler.plateau import ReduceLROnPlateau
from glassnet.optim.lr_scheduler.sequential import SequentialLR
from glassnet.optim.lr_scheduler.step import ExponentialLR, MultiStepLR, StepLR
from glassnet.optim.lr_scheduler.warmup import ConstantLR, LinearLR

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
