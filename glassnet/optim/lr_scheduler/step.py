"""Decay by a constant factor: StepLR (every `step_size` epochs), MultiStepLR (at milestones),
ExponentialLR (every epoch)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from typing import Any

from glassnet.optim.lr_scheduler.base import LRScheduler, group_lrs
from glassnet.optim.optimizer import Optimizer


class StepLR(LRScheduler):
    """η_t = η_0 · γ^⌊t / step_size⌋: multiply by γ every `step_size` epochs.

    Example
    -------
    >>> sched = StepLR(opt, step_size=30, gamma=0.1)   # 0.05 for t<30, 0.005 for t<60, ...
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return group_lrs(self.optimizer)
        return [lr * self.gamma for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """η_t = η_0 · γ^(number of milestones ≤ t): multiply by γ at each milestone epoch.

    Example
    -------
    >>> sched = MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return group_lrs(self.optimizer)
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in group_lrs(self.optimizer)]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As the base; milestones saved through JSON (string keys) become a Counter again."""
        super().load_state_dict(state_dict)
        self.milestones = Counter({int(k): int(v) for k, v in dict(self.milestones).items()})

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        n = bisect_right(milestones, self.last_epoch)
        return [base * self.gamma**n for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """η_t = η_0 · γ^t: multiply by γ every epoch.

    Example
    -------
    >>> sched = ExponentialLR(opt, gamma=0.95)
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return group_lrs(self.optimizer)
        return [lr * self.gamma for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]
