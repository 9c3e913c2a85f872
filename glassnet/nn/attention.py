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
import warnings
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn import init
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module, Parameter
from glassnet.ops import cat, linear, matmul, pad, softmax, transpose, unsqueeze, zeros
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.ops.dropout import dropout
from glassnet.tensor import Tensor


def canonical_mask(
    mask: Any,
    name: str,
    dtype: np.dtype,
    other: Any = None,
    other_name: str = "",
    owner: str = "MultiheadAttention",
) -> Tensor | None:
    """A mask in the additive form the scores take, as PyTorch's `_canonical_mask`: a bool mask
    (True = blocked, the convention of MultiheadAttention and the Transformer layers) becomes
    -inf there and 0 elsewhere, in `dtype`; a float mask is returned as it is. When `other` (the
    companion mask) has a different dtype, a UserWarning says that mixing them is deprecated,
    as torch does."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        mask = Tensor._wrap(np.asarray(mask))
    if mask.dtype != np.bool_ and mask.dtype.kind != "f":
        raise TypeError(f"{owner}: masks must be bool or float, got {name} of dtype {mask.dtype}")
    if other is not None and np.dtype(other.dtype) != mask.dtype:
        warnings.warn(
            f"Support for mismatched {name} and {other_name} is deprecated. Use same type for "
            "both instead.",
            stacklevel=3,
        )
    if mask.dtype == np.bool_:
        return Tensor._wrap(np.where(mask._data, np.array(-np.inf, dtype), np.zeros((), dtype)))
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
    add_bias_kv : bool
        Learn one more key and value, bias_k and bias_v (1, 1, E), appended to every sequence
        of keys and values after the projection (S grows by one).
    add_zero_attn : bool
        Append a key and a value of zeros to every head after the projection (S grows by one):
        a place for attention to go that adds nothing.
    kdim, vdim : int, optional
        Features of keys and values (default E); when they differ from E the input projections
        are separate: q_proj_weight, k_proj_weight, v_proj_weight.
    batch_first : bool
        Inputs and output as (N, L, E) instead of (L, N, E).
    device, dtype, generator
        Device (the CPU), parameter dtype and the random source of the initial weights.

    Parameters learned: in_proj_weight (3E, E) (rows: W_q, W_k, W_v), in_proj_bias (3E,),
    out_proj (a Linear E -> E), and bias_k, bias_v with add_bias_kv. in_proj_weight is
    Xavier-uniform, bias_k and bias_v Xavier-normal, the biases zero.

    Masks: a bool mask is True where attending is not allowed, a float mask is added to the
    scores (-inf blocks). `is_causal=True` is a hint that `attn_mask` is the causal mask; as in
    PyTorch, when there is no key_padding_mask and `need_weights=False` the causal mask is then
    applied in place of `attn_mask` (top-left aligned), otherwise `attn_mask` is used.

    Shape
    -----
    query (L, N, E), key (S, N, kdim), value (S, N, vdim) (or batch first, or unbatched (L, E));
    key_padding_mask (N, S) (or (S,) unbatched); attn_mask (L, S) or (N*h, L, S). Returns
    (output (L, N, E), weights (N, L, S) averaged over heads, or (N, h, L, S), or None if not
    need_weights).

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
        device: Any = None,
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
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, E), dtype=dtype))
            self.bias_v = Parameter(np.empty((1, 1, E), dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self.out_proj = Linear(E, E, bias=bias, device=device, dtype=dtype, generator=generator)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        """Xavier-uniform input projections, Xavier-normal bias_k and bias_v, zero biases
        (out_proj.weight keeps Linear's init)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight, generator=generator)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w, generator=generator)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k, generator=generator)
            init.xavier_normal_(self.bias_v, generator=generator)

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
        self, key_padding_mask: Any, attn_mask: Any, N: int, L: int, S: int, extra: int
    ) -> Tensor | None:
        """One additive mask broadcastable to (N, h, L, S + extra) from the two optional
        additive masks; the `extra` keys (bias_k, the zero key) are never masked."""
        h, mask = self.num_heads, None
        if attn_mask is not None:
            shape = tuple(attn_mask.shape)
            if shape == (L, S):
                mask = attn_mask
            elif shape == (N * h, L, S):
                mask = attn_mask.reshape(N, h, L, S)
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
            kpm = key_padding_mask.reshape(N, 1, 1, S)
            mask = kpm if mask is None else mask + kpm
        if mask is not None and extra:
            mask = pad(mask, (0, extra))
        return mask

    def _extra_keys(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor, int]:
        """Append bias_k / bias_v (add_bias_kv) and a zero key / value (add_zero_attn) to the
        heads' keys and values (N, h, S, d); returns them and how many keys were added."""
        N, h, _, d = k.shape
        extra = 0
        if self.bias_k is not None:
            bk = self.bias_k.reshape(1, h, 1, d).expand(N, h, 1, d)
            bv = self.bias_v.reshape(1, h, 1, d).expand(N, h, 1, d)
            k, v, extra = cat([k, bk], dim=2), cat([v, bv], dim=2), extra + 1
        if self.add_zero_attn:
            z = zeros(N, h, 1, d, dtype=k.dtype)
            k, v, extra = cat([k, z], dim=2), cat([v, z], dim=2), extra + 1
        return k, v, extra

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
        """Attend from `query` to `key`/`value` (see the class docstring for masks and
        `is_causal`)."""
        _check_inputs(query, key, value, attn_mask, is_causal)
        dtype = query.dtype
        kpm = canonical_mask(key_padding_mask, "key_padding_mask", dtype, attn_mask, "attn_mask")
        # the causal hint replaces the mask only where PyTorch's does (SDPA's is_causal)
        causal = is_causal and kpm is None and not need_weights
        attn_mask = None if causal else canonical_mask(attn_mask, "attn_mask", dtype)
        batched = query.ndim == 3
        if not batched:  # one sequence: add a batch axis of 1, batch first
            query, key, value = unsqueeze(query, 0), unsqueeze(key, 0), unsqueeze(value, 0)
            if kpm is not None:
                kpm = kpm.reshape(1, -1)
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            query, key, value = _swap_batch_and_length(query, key, value)
        self._check_shapes(query, key, value)
        N, L, E = query.shape
        extra = int(self.bias_k is not None) + int(self.add_zero_attn)
        mask = self._merged_mask(kpm, attn_mask, N, L, key.shape[1], extra)
        q, k, v = self._project(query, key, value)
        q, k, v = self._split_heads(q), self._split_heads(k), self._split_heads(v)  # (N, h, *, d)
        k, v, _ = self._extra_keys(k, v)
        out, weights = self._attend(q, k, v, mask, causal, need_weights, average_attn_weights)
        out = transpose(out, 1, 2).reshape(N, L, E)  # join the heads: (N, L, E)
        out = self.out_proj(out)
        if not batched:
            return out[0], None if weights is None else weights[0]
        if not self.batch_first:
            out = transpose(out, 0, 1)  # (L, N, E)
        return out, weights

    def _check_shapes(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        """Feature sizes as constructed; key and value of one batch and length, the query's."""
        N, _, E = query.shape
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

    def _attend(
        self,
        q: Tensor,
        k: Tensor,
        v: Tensor,
        mask: Tensor | None,
        causal: bool,
        need_weights: bool,
        average_attn_weights: bool,
    ) -> tuple[Tensor, Tensor | None]:
        """softmax(q kᵀ / √d + mask) v per head, with the weights when they are wanted.

        Without weights, one fused `scaled_dot_product_attention`; with them, the steps spelled
        out (weights averaged over the heads when `average_attn_weights`).
        """
        p = self.dropout if self.training else 0.0
        if not need_weights:
            out = scaled_dot_product_attention(
                q, k, v, attn_mask=mask, dropout_p=p, is_causal=causal
            )
            return out, None
        scores = matmul(q, transpose(k, -2, -1)) * (1.0 / math.sqrt(self.head_dim))
        if mask is not None:
            scores = scores + mask  # (N, h, L, S)
        weights = softmax(scores, dim=-1)
        weights = dropout(weights, p, training=p > 0)
        out = matmul(weights, v)  # (N, h, L, d)
        if average_attn_weights:
            weights = weights.mean(dim=1)  # (N, L, S)
        return out, weights

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )


def _check_inputs(
    query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None, is_causal: bool
) -> None:
    """is_causal only as a hint beside its mask; query, key and value all 2-D or all 3-D."""
    if is_causal and attn_mask is None:
        raise ValueError(
            "MultiheadAttention: is_causal=True needs attn_mask (the causal mask) as well; "
            "make one with nn.Transformer.generate_square_subsequent_mask(L)"
        )
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise ValueError(
            f"MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D "
            f"(unbatched), got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}"
        )


def _swap_batch_and_length(
    query: Tensor, key: Tensor, value: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """(L, N, E) -> (N, L, E) for each, keeping self-attention's shared tensors shared."""
    same_kv = key is value
    same_qk = query is key
    query = transpose(query, 0, 1)
    key = query if same_qk else transpose(key, 0, 1)
    value = key if same_kv else transpose(value, 0, 1)
    return query, key, value
