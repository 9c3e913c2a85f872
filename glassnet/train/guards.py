"""The NaN/Inf guards of a training step: a non-finite loss or gradient stops training before
`optimizer.step()`, so the weights stay finite, and callbacks may save the last good state."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.tensor import Tensor
from glassnet.train.state import FitState, NonFiniteError

ADVICE = (
    "stopped before the optimizer step, so the weights are still finite; lower the "
    "learning rate or clip gradients"
)


def count_nonfinite(a: Any) -> int:
    """How many NaN/Inf values `a` (a Tensor, array or anything else) holds."""
    a = a._data if isinstance(a, Tensor) else a
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "fc":
        return 0
    return int(a.size - np.count_nonzero(np.isfinite(a)))


def bad_gradient(model: Any, params: list[Tensor]) -> str | None:
    """The name of the first parameter whose gradient holds a NaN/Inf, or None.

    One sum per gradient (a NaN or Inf anywhere makes the sum non-finite); only when a sum is
    non-finite is the gradient checked element by element, since a sum of huge finite values
    may overflow."""
    for p in params:
        g = p.grad
        if g is None or math.isfinite(float(g._data.sum())):
            continue
        if count_nonfinite(g):
            names = {id(q): n for n, q in getattr(model, "named_parameters", lambda: [])()}
            return names.get(id(p), f"a parameter of shape {p._data.shape}")
    return None


def fail(state: FitState, message: str) -> NonFiniteError:
    """Stop on a NaN/Inf: let the callbacks save the last good state, then the error to raise."""
    error = NonFiniteError(message, state.epoch, state.step)
    for cb in state.callbacks:
        hook = getattr(cb, "on_exception", None)
        if hook is not None:
            hook(state, error)
    return error


def check_step(state: FitState, x: Any, value: float, params: list[Tensor]) -> None:
    """Raise (after `fail`) when the loss `value` or a gradient of `params` is NaN/Inf."""
    where = f"at epoch {state.epoch + 1}, step {state.step}"
    if not math.isfinite(value):
        bad = count_nonfinite(x)
        cause = f"; the batch's inputs hold {bad} NaN/Inf values" if bad else ""
        raise fail(state, f"fit: the loss became {value} {where}{cause}; {ADVICE}")
    bad_param = bad_gradient(state.model, params)
    if bad_param is not None:
        raise fail(
            state,
            f"fit: the gradient of {bad_param} holds NaN/Inf {where} (the loss is {value}); "
            + ADVICE,
        )
