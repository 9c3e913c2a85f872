"""Pieces every loss shares: the reduction names and their check, dtype / shape / weight checks,
and `PointwiseLoss`, the base of the losses that are sums of per-element terms.

A loss turns per-element (or per-sample) terms l_i into one number or keeps them:
reduction='none' returns l, 'sum' returns sum_i l_i, 'mean' returns sum_i l_i / n. Backward first
spreads the incoming gradient gy over the terms (gy, or gy / n for a mean), then multiplies by
each term's local derivative dl_i/dx_i. One op per loss keeps both passes to a few NumPy calls.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


# ----------------------------------------------------------------------------- shared pieces
def check_reduction(reduction: str, op: str, allowed: tuple = REDUCTIONS) -> None:
    """Raise a ValueError naming the op unless `reduction` is one it knows."""
    if reduction not in allowed:
        names = ", ".join(repr(r) for r in allowed)
        raise ValueError(f"{op}: reduction must be one of {names}, got {reduction!r}")


def _check_float_pair(input: Tensor, target: Tensor, op: str, same_shape: bool) -> None:
    """Both float and of one dtype (no silent float32 -> float64); shapes equal if required."""
    for name, t in (("input", input), ("target", target)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a glassnet Tensor, got {type(t).__name__}")
        if t._data.dtype.kind != "f":
            raise TypeError(f"{op}: {name} must be a floating point tensor, got {t._data.dtype}")
    if input._data.dtype != target._data.dtype:
        raise TypeError(
            f"{op}: input is {input._data.dtype} but target is {target._data.dtype}; convert one "
            f"of them (e.g. target.to(input.dtype)) so that the loss is computed in one precision"
        )
    if input._data.shape == target._data.shape:
        return
    if same_shape:
        raise ValueError(
            f"{op}: target shape {target._data.shape} must be the same as input shape "
            f"{input._data.shape}"
        )
    try:
        np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        raise ValueError(
            f"{op}: target shape {target._data.shape} does not broadcast with input shape "
            f"{input._data.shape}"
        ) from None
    warnings.warn(
        f"{op}: target shape {target._data.shape} differs from input shape {input._data.shape}; "
        f"they will be broadcast, which is rarely what a loss wants",
        UserWarning,
        stacklevel=3,
    )


def _as_weight(weight: Any, like: np.ndarray, op: str, name: str = "weight") -> Any:
    """An optional weight as an array in the input's dtype (it receives no gradient)."""
    if weight is None:
        return None
    w = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.dtype.kind not in "fiu":
        raise TypeError(f"{op}: {name} must be a numeric tensor, got {w.dtype}")
    return w.astype(like.dtype, copy=False)


def _check_broadcasts(w: Any, shape: tuple, op: str, name: str) -> None:
    """An elementwise weight must broadcast to the input's shape without enlarging it."""
    if w is None:
        return
    try:
        fits = np.broadcast_shapes(w.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{op}: {name} shape {w.shape} does not broadcast to input shape {shape}")


class PointwiseLoss(Op):
    """Base of losses that are a sum of per-element terms l_i = f(x_i, y_i, ...).

    A subclass's `forward` computes the terms and returns `ctx.reduce(l, reduction, shapes)`;
    its `local_grads(ctx, needs)` returns dl/d(input) for each input that needs a gradient (None
    for the others). Backward here spreads gy over the terms and multiplies.
    """

    def reduce(self, l: np.ndarray, reduction: str, *shapes: tuple) -> np.ndarray:
        """Apply the reduction to the terms, remembering what backward needs."""
        self.shapes = shapes
        self.reduction = reduction
        self.term_shape = l.shape
        if reduction == "none":
            return l
        total = l.sum()
        if reduction == "sum":
            return np.asarray(total)
        # mean over elements, or 'batchmean' (kl_div): over the first axis only
        self.n = l.size if reduction == "mean" else (l.shape[0] if l.ndim else 1)
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty mean is nan, as torch
            return np.asarray(total / self.n)

    @staticmethod
    def local_grads(ctx: Any, needs: tuple) -> tuple:
        raise NotImplementedError

    @staticmethod
    def backward(ctx, gy):
        if ctx.reduction in ("mean", "batchmean"):
            gy = gy / ctx.n
        g = np.broadcast_to(gy, ctx.term_shape)  # dL/dl_i
        grads = type(ctx).local_grads(ctx, ctx.needs_input_grad)
        return tuple(
            None if d is None else unbroadcast(g * d, shape) for d, shape in zip(grads, ctx.shapes)
        )


# ----------------------------------------------------------------------------- regression
