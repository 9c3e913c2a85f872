"""The base of the loss layers: `_Loss` holds and validates `reduction` (PyTorch's
'mean' | 'sum' | 'none', and the deprecated `size_average` / `reduce` mapped onto it);
`_WeightedLoss` adds a per-class `weight`. The names are PyTorch's (scripts subclass them)."""

from __future__ import annotations

import warnings
from typing import Any

from glassnet.nn.module import Module
from glassnet.ops import loss as L
from glassnet.tensor import Tensor


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
