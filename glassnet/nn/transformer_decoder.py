"""The transformer decoder: masked self-attention over the target, attention to the encoder's
output (the memory), and a position-wise feed-forward net, each with a residual connection and a
LayerNorm, stacked N times.

    post-norm (norm_first=False):                pre-norm (norm_first=True):
        x = LN1(x + SA(x))                           x = x + SA(LN1(x))
        x = LN2(x + MHA(x, memory))                  x = x + MHA(LN2(x), memory)
        x = LN3(x + FF(x))                           x = x + FF(LN3(x))

    SA(x) = dropout1(self_attn(x, x, x)),   MHA(x, m) = dropout2(multihead_attn(x, m, m))
    FF(x) = dropout3(W2 dropout(act(W1 x + b1)) + b2)
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from glassnet.nn.attention import MultiheadAttention
from glassnet.nn.containers import ModuleList
from glassnet.nn.dropout import Dropout
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module
from glassnet.nn.norm import LayerNorm
from glassnet.nn.transformer_encoder import activation_fn, detect_is_causal_mask, seq_len
from glassnet.ops.activation import relu
from glassnet.tensor import Tensor


class TransformerDecoderLayer(Module):
    """One decoder block: self-attention, attention to the memory, feed-forward; residuals and
    LayerNorms around each.

    Parameters
    ----------
    d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
    norm_first, bias, device, dtype, generator
        As `TransformerEncoderLayer`.

    Sub-modules and parameter names are PyTorch's (self_attn, multihead_attn, linear1, linear2,
    norm1, norm2, norm3), so a state_dict moves between the two. Masks are bool (True =
    blocked) or float (added to the scores); `tgt_is_causal` / `memory_is_causal` are hints that
    the matching mask is the causal one (see `nn.MultiheadAttention`).

    Shape
    -----
    tgt: (T, N, E), or (N, T, E) with batch_first, or (T, E); memory: (S, N, E) likewise;
    tgt_mask (T, T) or (N*nhead, T, T); memory_mask (T, S) or (N*nhead, T, S);
    tgt_key_padding_mask (N, T); memory_key_padding_mask (N, S); output: as tgt.

    Example
    -------
    >>> layer = nn.TransformerDecoderLayer(32, 4, dim_feedforward=64, batch_first=True)
    >>> layer(glassnet.randn(2, 7, 32), glassnet.randn(2, 10, 32)).shape
    (2, 7, 32)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        activation = activation_fn(activation, "TransformerDecoderLayer")
        kw = dict(device=device, dtype=dtype)
        attn = dict(dropout=dropout, batch_first=batch_first, bias=bias, **kw, generator=generator)
        self.self_attn = MultiheadAttention(d_model, nhead, **attn)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attn)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw, generator=generator)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw, generator=generator)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = activation

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """tgt, memory -> the block above."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(
                x
                + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            )
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(
        self,
        x: Tensor,
        attn_mask: Tensor | None,
        key_padding_mask: Tensor | None,
        is_causal: bool = False,
    ) -> Tensor:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout1(x)

    def _mha_block(
        self,
        x: Tensor,
        mem: Tensor,
        attn_mask: Tensor | None,
        key_padding_mask: Tensor | None,
        is_causal: bool = False,
    ) -> Tensor:
        x = self.multihead_attn(
            x,
            mem,
            mem,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout2(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


class TransformerDecoder(Module):
    """A stack of `num_layers` copies of `decoder_layer` (deep copies: no shared weights), each
    reading the same memory, then an optional final `norm`.

        x_0 = tgt,   x_k = layer_k(x_{k-1}, memory, masks...),   out = norm(x_N)

    Shape
    -----
    As `TransformerDecoderLayer`.

    Example
    -------
    >>> layer = nn.TransformerDecoderLayer(32, 4, dim_feedforward=64)
    >>> decoder = nn.TransformerDecoder(layer, num_layers=2)
    >>> tgt_mask = nn.Transformer.generate_square_subsequent_mask(7)
    >>> decoder(glassnet.randn(7, 2, 32), glassnet.randn(10, 2, 32), tgt_mask=tgt_mask).shape
    (7, 2, 32)
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ValueError(
                f"TransformerDecoder: num_layers must be a positive int, got {num_layers!r}"
            )
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Run the layers in turn; `tgt_is_causal=None` checks whether tgt_mask is causal."""
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if hasattr(first, "self_attn") else False
        tgt_is_causal = detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len(tgt, batch_first))
        x = tgt
        for layer in self.layers:
            x = layer(
                x,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        if self.norm is not None:
            x = self.norm(x)
        return x
