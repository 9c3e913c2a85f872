"""Embedding lookup: each integer index picks one row of a weight table.

Reading y = W[idx] copies rows (the same row as often as its index repeats); the backward adds
every row of gy into the row of W it was read from, so repeated indices accumulate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.autograd.grad_mode import no_grad
from glassnet.kernels.rows import add_rows
from glassnet.tensor import Tensor


class EmbeddingLookup(Op):
    """y[..., :] = W[idx[...], :].

    dL/dW[v] = sum of gy[p] over the positions p where idx[p] = v (a scatter-add), divided by the
    count of v in idx when `scale_grad_by_freq`; the row `padding_idx` gets no gradient.
    """

    @staticmethod
    def forward(ctx, W, idx, padding_idx, scale_grad_by_freq):
        ctx.args = (W.shape, idx, padding_idx, scale_grad_by_freq)
        return W[idx]  # (*idx.shape, D)

    @staticmethod
    def backward(ctx, gy):
        shape, idx, padding_idx, scale_grad_by_freq = ctx.args
        flat = idx.reshape(-1)
        g2 = gy.reshape(-1, shape[1])  # (N, D), one row per looked-up index
        if scale_grad_by_freq:
            counts = np.bincount(flat, minlength=shape[0])
            g2 = g2 / counts[flat, None].astype(gy.dtype)
        gW = add_rows(shape[0], flat, g2)  # repeated indices accumulate
        if padding_idx is not None:
            gW[padding_idx] = 0
        return gW


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale, in place, the looked-up rows whose norm exceeds max_norm down to max_norm
    (as PyTorch's `embedding_renorm_`; this changes the weight and records no gradient)."""
    rows = np.unique(idx)
    with no_grad():
        W = weight._data
        norms = np.linalg.norm(W[rows], ord=norm_type, axis=1)
        big = norms > max_norm
        scale = max_norm / (norms[big] + 1e-7)
        W[rows[big]] *= scale[:, None].astype(W.dtype)


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Look up rows of `weight` by the integer indices in `input`: y = weight[input].

    Shape
    -----
    input: any shape (*) of integers in [0, num_embeddings); weight: (num_embeddings, D);
    output: (*, D).

    Example
    -------
    >>> W = glassnet.randn(10, 3, requires_grad=True)
    >>> F.embedding(glassnet.tensor([[1, 2], [4, 9]]), W).shape
    (2, 2, 3)
    """
    idx = np.asarray(input._data if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be an integer tensor, got dtype {idx.dtype}")
    if weight._data.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D, got shape {weight._data.shape}")
    if sparse:
        raise ValueError("embedding: sparse gradients are not supported (use sparse=False)")
    n = weight._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(
            f"embedding: index {int(bad)} is out of range for {n} embeddings "
            f"(indices shape {idx.shape})"
        )
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within [-{n}, {n})")
        padding_idx = padding_idx % n
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return EmbeddingLookup.apply(
        weight,
        idx=idx.astype(np.int64, copy=False),
        padding_idx=padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
    )
