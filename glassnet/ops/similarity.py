"""Vector normalisation, cosine similarity and one-hot codes (`torch.nn.functional` names).

Composed of differentiable ops, so their gradients follow from those ops':

    normalize(x)         = x / max(||x||_p, eps)                        along `dim`
    cosine_similarity    = <x1 / max(||x1||, eps), x2 / max(||x2||, eps)>   along `dim`
    one_hot(i)[..., k]   = 1 if i == k else 0                            (int64, not differentiable)
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import GlassnetShapeError
from glassnet.ops._common import require_float
from glassnet.ops.elementwise import clamp
from glassnet.ops.movement import broadcast_to
from glassnet.ops.reduce import norm, sum
from glassnet.tensor import Tensor


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: None = None
) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim`` (unit vectors; ``eps`` avoids 0 / 0).

    >>> import glassnet
    >>> normalize(glassnet.tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    return input / clamp(norm(input, p=p, dim=dim, keepdim=True), min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``, as PyTorch computes it:
    both are broadcast to one shape first, then each is divided by its norm (at least ``eps``):
    ``<x1 / max(||x1||, eps), x2 / max(||x2||, eps)>``, which keeps the result in [-1, 1];
    the result drops ``dim``. Integer and bool inputs are refused, as in PyTorch.

    >>> import glassnet
    >>> cosine_similarity(glassnet.tensor([[1.0, 0.0]]), glassnet.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    for name, t in (("x1", x1), ("x2", x2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"cosine_similarity: {name} must be a Tensor, got {type(t).__name__}")
    try:
        shape = np.broadcast_shapes(x1._data.shape, x2._data.shape)
    except ValueError:
        raise GlassnetShapeError(
            f"cosine_similarity: x1 of shape {x1._data.shape} and x2 of shape "
            f"{x2._data.shape} do not broadcast"
        ) from None
    # broadcast before promoting, as PyTorch: a 0-d float64 x2 then makes the result float64;
    # each norm is taken in its own input's dtype (a float32 norm of 1e30 overflows, as there)
    x1, x2 = broadcast_to(x1, shape), broadcast_to(x2, shape)
    for t in (x1, x2):
        require_float(t, "cosine_similarity")  # as PyTorch: integer inputs are refused
    n1 = clamp(norm(x1, dim=dim, keepdim=True), min=eps)
    n2 = clamp(norm(x2, dim=dim, keepdim=True), min=eps)
    return sum((x1 / n1) * (x2 / n2), dim=dim)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 codes of shape ``(*tensor.shape, num_classes)``: 1 at each index, 0 elsewhere;
    ``num_classes=-1`` means ``max(tensor) + 1``.

    >>> import glassnet
    >>> one_hot(glassnet.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    idx = tensor.numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"one_hot: expected an integer (index) tensor, got dtype {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {int(idx.min())}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and idx.max() >= num_classes:
        raise ValueError(
            f"one_hot: class value {int(idx.max())} is out of range for num_classes={num_classes}"
        )
    return Tensor._wrap((idx[..., None] == np.arange(num_classes)).astype(np.int64))
