"""Warm-up factors: ConstantLR (a constant factor until `total_iters`) and LinearLR (a factor
moving linearly from `start_factor` to `end_factor`)."""

from __future__ import annotations

from glassnet.optim.lr_scheduler.base import LRScheduler, group_lrs
from glassnet.optim.optimizer import Optimizer


class ConstantLR(LRScheduler):
    """η_t = η_0 · factor for t < total_iters, then η_0: a constant warm-up.

    Example
    -------
    >>> sched = ConstantLR(opt, factor=0.5, total_iters=4)   # half the lr for 4 epochs
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(
                f"ConstantLR: Constant multiplicative factor expected to be between 0 and 1, "
                f"got factor={factor}"
            )
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in group_lrs(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return group_lrs(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        on = self.last_epoch >= self.total_iters
        return [base * (self.factor + on * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """η_t = η_0 · (s + (e - s) · min(t, T) / T): a linear ramp of the factor from s to e.

    s = start_factor, e = end_factor, T = total_iters; often a warm-up (s small, e = 1).

    Example
    -------
    >>> sched = LinearLR(opt, start_factor=0.1, total_iters=10)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "LinearLR: Starting multiplicative factor expected to be greater than 0 and less "
                f"or equal to 1, got start_factor={start_factor}"
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "LinearLR: Ending multiplicative factor expected to be between 0 and 1, got "
                f"end_factor={end_factor}"
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in group_lrs(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return group_lrs(self.optimizer)
        s, e = self.start_factor, self.end_factor
        factor = 1.0 + (e - s) / (self.total_iters * s + (self.last_epoch - 1) * (e - s))
        return [lr * factor for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        s, e = self.start_factor, self.end_factor
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (s + (e - s) * frac) for base in self.base_lrs]
