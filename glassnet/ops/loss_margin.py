"""Margin losses on +-1 targets: hinge_embedding_loss, hinge_loss and cosine_embedding_loss."""

from __future__ import annotations

import numpy as np

from glassnet.ops import elementwise as E
from glassnet.ops import reduce as R
from glassnet.ops.loss_base import (
    check_reduction,
)
from glassnet.tensor import Tensor


def _reduce(l: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return R.mean(l)
    if reduction == "sum":
        return R.sum(l)
    return l


def _sign_target(target: Tensor, input: Tensor, op: str, strict: bool) -> Tensor:
    """The +-1 target of a margin loss as a tensor of input's dtype (it is a label, no gradient).

    `strict` rejects values other than 1 and -1 (hinge_embedding_loss gives them both terms)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}: target must be a glassnet Tensor, got {type(target).__name__}")
    t = target._data
    if t.dtype.kind not in "fiu":
        raise TypeError(f"{op}: target must hold 1 and -1, got dtype {t.dtype}")
    if strict and not np.all((t == 1) | (t == -1)):
        raise ValueError(f"{op}: target must contain only 1 and -1, got values {np.unique(t)[:6]}")
    return Tensor._wrap(t.astype(input._data.dtype, copy=False))


def _check_input(input: Tensor, op: str, name: str = "input") -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: {name} must be a glassnet Tensor, got {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a floating point tensor, got {input._data.dtype}")


def hinge_embedding_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean"
) -> Tensor:
    """l = x if y = 1,  max(0, margin - x) if y = -1: input is a distance, small for similar
    pairs (y = 1) and pushed beyond `margin` for dissimilar ones (y = -1)."""
    op = "hinge_embedding_loss"
    check_reduction(reduction, op)
    _check_input(input, op)
    y = _sign_target(target, input, op, strict=False)._data
    margin_part = E.where(y != 1, E.clamp(margin - input, min=0), 0.0)
    self_part = E.where(y != -1, input, 0.0)
    return _reduce(margin_part + self_part, reduction)


def hinge_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean"
) -> Tensor:
    """The plain hinge loss of a linear classifier: l = max(0, margin - y x), y in {-1, +1}.

    x is the raw score w.x + b. margin=1 is the soft-margin SVM's loss; margin=0 is the
    perceptron criterion (only misclassified points cost anything). Not in PyTorch (whose
    HingeEmbeddingLoss is a different, distance-based loss).
    dl/dx = -y where y x < margin, else 0."""
    op = "hinge_loss"
    check_reduction(reduction, op)
    _check_input(input, op)
    y = _sign_target(target, input, op, strict=True)
    if y._data.shape != input._data.shape:
        raise ValueError(
            f"{op}: target shape {y._data.shape} must be the same as "
            f"input shape {input._data.shape}"
        )
    return _reduce(E.clamp(margin - y * input, min=0), reduction)


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: str = "mean"
) -> Tensor:
    """l = 1 - cos(x1, x2) if y = 1,  max(0, cos(x1, x2) - margin) if y = -1.

    Shape: input1, input2 (N, D) or (D,); target (N,) or () of 1 and -1."""
    op = "cosine_embedding_loss"
    check_reduction(reduction, op)
    _check_input(input1, op, "input1")
    _check_input(input2, op, "input2")
    if input1._data.shape != input2._data.shape or input1._data.ndim not in (1, 2):
        raise ValueError(
            f"{op}: input1 and input2 must both be (N, D) or (D,), got {input1._data.shape} and "
            f"{input2._data.shape}"
        )
    if input1._data.dtype != input2._data.dtype:
        raise TypeError(f"{op}: input1 is {input1._data.dtype} but input2 is {input2._data.dtype}")
    _sign_target(target, input1, op, strict=False)
    if target._data.shape != input1._data.shape[:-1]:
        raise ValueError(
            f"{op}: target shape {target._data.shape} does not match the inputs "
            f"{input1._data.shape} (expected {input1._data.shape[:-1]})"
        )
    eps = 1e-12  # keeps a zero vector from dividing by zero, as PyTorch
    dot = (input1 * input2).sum(dim=-1)
    norms = E.sqrt(((input1 * input1).sum(dim=-1) + eps) * ((input2 * input2).sum(dim=-1) + eps))
    cos = dot / norms
    y = target._data
    l = E.where(y == 1, 1 - cos, 0.0) + E.where(y == -1, E.clamp(cos - margin, min=0), 0.0)
    return _reduce(l, reduction)
