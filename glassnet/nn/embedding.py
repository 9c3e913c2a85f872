"""Embedding: a learned table of vectors, one row per token id."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn import init
from glassnet.nn.module import Module, Parameter
from glassnet.ops.embedding import embedding
from glassnet.tensor import Tensor


class Embedding(Module):
    """A lookup table: y = W[idx], W of shape (num_embeddings, embedding_dim), W ~ N(0, 1).

    The gradient of a row is the sum of the gradients of every position that read it. The row
    `padding_idx` starts at zero and never receives a gradient, so it stays a fixed "nothing"
    vector. With `max_norm`, rows read by a forward pass are first rescaled (in place) to norm at
    most `max_norm`.

    Parameters
    ----------
    num_embeddings : int
        Size of the vocabulary.
    embedding_dim : int
        Length of each vector.
    padding_idx : int, optional
        A row that is zero at the start and gets no gradient.
    max_norm, norm_type, scale_grad_by_freq, sparse
        As in PyTorch (sparse gradients are not supported).
    dtype, generator
        Parameter dtype (float32 by default) and the random source of the initial weights.

    Shape
    -----
    Input: (*) integer ids. Output: (*, embedding_dim).

    Example
    -------
    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb(glassnet.tensor([[0, 2], [4, 9]])).shape
    (2, 2, 3)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        if num_embeddings < 1 or embedding_dim < 0:
            raise ValueError(
                f"Embedding: num_embeddings must be positive and embedding_dim non-negative, "
                f"got ({num_embeddings}, {embedding_dim})"
            )
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx {padding_idx} must be within num_embeddings "
                    f"({num_embeddings})"
                )
            padding_idx = padding_idx % num_embeddings
        if sparse:
            raise ValueError("Embedding: sparse gradients are not supported (use sparse=False)")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype))
            self.reset_parameters(generator)
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: _weight has shape {tuple(_weight.shape)}, expected "
                    f"({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self, generator: Any = None) -> None:
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        return embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose weight is `embeddings` (2-D); frozen (no gradient) by default."""
        if embeddings.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-D, got shape {embeddings.shape}"
            )
        rows, cols = embeddings.shape
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        return s
