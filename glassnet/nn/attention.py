"""Multi-head attention: project queries, keys and values, attend in `num_heads` subspaces of size
E / num_heads at once, join the heads and project back.

    head_i = softmax(Q W_q,i^T (K W_k,i^T)^T / sqrt(d) + mask) V W_v,i^T,    d = E / num_heads
    MHA(Q, K, V) = concat(head_1, ..., head_h) W_o^T + b_o

The attention itself is `F.scaled_dot_product_attention` (one fused node); when the weights are
asked for (`need_weights=True`, PyTorch's default), it is written out with ordinary ops instead
so that the weights exist as a tensor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import _dtypes
from glassnet.nn import init
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module, Parameter
from glassnet.ops import linear, matmul, softmax, transpose, unsqueeze
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.ops.dropout import dropout
from glassnet.tensor import Tensor


def _additive(mask: Any, dtype: np.dtype) -> Tensor:
    """A mask as a float tensor to add to the scores: a bool mask (True = blocked, PyTorch's MHA
    convention) becomes -inf there and 0 elsewhere; a float mask is added as it is."""
    if not isinstance(mask, Tensor):
        mask = Tensor._wrap(np.asarray(mask))
    if mask.dtype == np.bool_:
        return Tensor._wrap(np.where(mask._data, np.array(-np.inf, dtype), np.zeros((), dtype)))
    if mask.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: masks must be bool or float, got {mask.dtype}")
    return mask


class MultiheadAttention(Module):
    """Multi-head attention with PyTorch's parameters, arguments and results.

    Parameters
    ----------
    embed_dim : int
        E, the model dimension (of queries and of the output).
    num_heads : int
        h; E must be divisible by h.
    dropout : float
        Dropout on the attention weights, in training.
    bias : bool
        Biases on the input and output projections.
    kdim, vdim : int, optional
        Features of keys and values (default E); when they differ from E the input projections
        are separate: q_proj_weight, k_proj_weight, v_proj_weight.
    batch_first : bool
        Inputs and output as (N, L, E) instead of (L, N, E).
    dtype, generator
        Parameter dtype and the random source of the initial weights.

    Parameters learned: in_proj_weight (3E, E) (rows: W_q, W_k, W_v), in_proj_bias (3E,),
    out_proj (a Linear E -> E). in_proj_weight is Xavier-uniform, the biases zero.

    Shape
    -----
    query (L, N, E), key (S, N, kdim), value (S, N, vdim) (or batch first, or unbatched (L, E));
    key_padding_mask (N, S), True (or -inf) where a key is padding; attn_mask (L, S) or
    (N*h, L, S), True (or -inf) where attending is not allowed. Returns (output (L, N, E),
    weights (N, L, S) averaged over heads, or (N, h, L, S), or None if not need_weights).

    Example
    -------
    >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
    >>> x = glassnet.randn(2, 5, 16)
    >>> out, w = mha(x, x, x)                            # (2, 5, 16), (2, 5, 5)
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(embed_dim, int) or embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"MultiheadAttention: embed_dim and num_heads must be positive, got "
                f"embed_dim={embed_dim!r}, num_heads={num_heads!r}"
            )
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads "
                f"({num_heads})"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"MultiheadAttention: dropout must be in [0, 1), got {dropout}")
        if add_bias_kv or add_zero_attn:
            raise ValueError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported")
        dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
        E = embed_dim
        self.embed_dim = E
        self.kdim = E if kdim is None else kdim
        self.vdim = E if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == E and self.vdim == E
        self.num_heads = num_heads
        self.head_dim = E // num_heads
        self.dropout = float(dropout)
        self.batch_first = batch_first
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * E, E), dtype=dtype))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = Parameter(np.empty((E, E), dtype=dtype))
            self.k_proj_weight = Parameter(np.empty((E, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(np.empty((E, self.vdim), dtype=dtype))
            self.in_proj_weight = None
        self.in_proj_bias = Parameter(np.zeros(3 * E, dtype=dtype)) if bias else None
        self.out_proj = Linear(E, E, bias=bias, dtype=dtype, generator=generator)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        """Xavier-uniform input projections, zero biases (out_proj.weight keeps Linear's init)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight, generator=generator)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w, generator=generator)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    # ----------------------------------------------------------------- forward
    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple:
        """Q, K, V = x W^T + b for each input; one matrix product when they are one tensor."""
        E, b = self.embed_dim, self.in_proj_bias
        if self._qkv_same_embed_dim and query is key and key is value:
            qkv = linear(query, self.in_proj_weight, b)  # (N, L, 3E)
            return qkv[..., :E], qkv[..., E : 2 * E], qkv[..., 2 * E :]
        if self._qkv_same_embed_dim:
            W = self.in_proj_weight
            Wq, Wk, Wv = W[:E], W[E : 2 * E], W[2 * E :]
        else:
            Wq, Wk, Wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        bq = bk = bv = None
        if b is not None:
            bq, bk, bv = b[:E], b[E : 2 * E], b[2 * E :]
        return linear(query, Wq, bq), linear(key, Wk, bk), linear(value, Wv, bv)

    def _split_heads(self, x: Tensor) -> Tensor:
        N, L, _ = x.shape
        return transpose(x.reshape(N, L, self.num_heads, self.head_dim), 1, 2)  # (N, h, L, d)

    def _merged_mask(
        self, key_padding_mask: Any, attn_mask: Any, N: int, L: int, S: int, dtype: np.dtype
    ) -> Tensor | None:
        """One additive mask broadcastable to (N, h, L, S) from the two optional masks."""
        h, mask = self.num_heads, None
        if attn_mask is not None:
            shape = tuple(attn_mask.shape)
            if shape == (L, S):
                mask = _additive(attn_mask, dtype)
            elif shape == (N * h, L, S):
                mask = _additive(attn_mask, dtype).reshape(N, h, L, S)
            else:
                raise ValueError(
                    f"MultiheadAttention: attn_mask must have shape {(L, S)} or {(N * h, L, S)}, "
                    f"got {shape}"
                )
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != (N, S):
                raise ValueError(
                    f"MultiheadAttention: key_padding_mask must have shape {(N, S)}, got "
                    f"{tuple(key_padding_mask.shape)}"
                )
            kpm = _additive(key_padding_mask, dtype).reshape(N, 1, 1, S)
            mask = kpm if mask is None else mask + kpm
        return mask

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from `query` to `key`/`value`. `is_causal` is only a hint (as in PyTorch):
        the causal `attn_mask` must be passed too, and it is what is used."""
        if is_causal and attn_mask is None:
            raise ValueError(
                "MultiheadAttention: is_causal=True needs attn_mask (the causal mask) as well; "
                "make one with nn.generate_square_subsequent_mask(L)"
            )
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(
                f"MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D "
                f"(unbatched), got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}"
            )
        batched = query.ndim == 3
        if not batched:  # one sequence: add a batch axis of 1, batch first
            query, key, value = unsqueeze(query, 0), unsqueeze(key, 0), unsqueeze(value, 0)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.reshape(1, -1)
            if attn_mask is not None and attn_mask.ndim == 3:
                attn_mask = attn_mask.reshape(-1, *attn_mask.shape[-2:])
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            same_kv = key is value
            same_qk = query is key
            query = transpose(query, 0, 1)
            key = query if same_qk else transpose(key, 0, 1)
            value = key if same_kv else transpose(value, 0, 1)
        N, L, E = query.shape
        S = key.shape[1]
        if E != self.embed_dim or key.shape[-1] != self.kdim or value.shape[-1] != self.vdim:
            raise ValueError(
                f"MultiheadAttention(embed_dim={self.embed_dim}, kdim={self.kdim}, "
                f"vdim={self.vdim}): got query, key, value with {E}, {key.shape[-1]} and "
                f"{value.shape[-1]} features"
            )
        if key.shape[:2] != value.shape[:2] or key.shape[0] != N:
            raise ValueError(
                f"MultiheadAttention: key {tuple(key.shape)} and value {tuple(value.shape)} "
                f"must have the same batch and length, and the batch of the query ({N})"
            )
        mask = self._merged_mask(key_padding_mask, attn_mask, N, L, S, query.dtype)
        q, k, v = self._project(query, key, value)
        q, k, v = self._split_heads(q), self._split_heads(k), self._split_heads(v)  # (N, h, *, d)
        p = self.dropout if self.training else 0.0
        weights = None
        if need_weights:
            scores = matmul(q, transpose(k, -2, -1)) * (1.0 / math.sqrt(self.head_dim))
            if mask is not None:
                scores = scores + mask  # (N, h, L, S)
            weights = softmax(scores, dim=-1)
            weights = dropout(weights, p, training=p > 0)
            out = matmul(weights, v)  # (N, h, L, d)
            if average_attn_weights:
                weights = weights.mean(dim=1)  # (N, L, S)
        else:
            out = scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        out = transpose(out, 1, 2).reshape(N, L, E)  # join the heads: (N, L, E)
        out = self.out_proj(out)
        if not batched:
            return out[0], None if weights is None else weights[0]
        if not self.batch_first:
            out = transpose(out, 0, 1)  # (L, N, E)
        return out, weights

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )
