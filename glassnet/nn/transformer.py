"""The transformer encoder: self-attention and a position-wise feed-forward net, each wrapped in
a residual connection and a LayerNorm.

    post-norm (norm_first=False, the original paper):     pre-norm (norm_first=True):
        x = LN1(x + SA(x))                                    x = x + SA(LN1(x))
        x = LN2(x + FF(x))                                    x = x + FF(LN2(x))

    SA(x) = dropout(MultiheadAttention(x, x, x)),   FF(x) = dropout(W2 dropout(act(W1 x + b1)) + b2)
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import _dtypes
from glassnet.nn.attention import MultiheadAttention
from glassnet.nn.containers import ModuleList
from glassnet.nn.dropout import Dropout
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module
from glassnet.nn.norm import LayerNorm
from glassnet.ops.activation import gelu, relu
from glassnet.tensor import Tensor

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


def generate_square_subsequent_mask(sz: int, dtype: Any = None) -> Tensor:
    """The causal mask as a float (sz, sz) tensor: 0 on and below the diagonal, -inf above
    (position i may attend to positions j <= i), as `torch.nn.Transformer`'s static method.

    Example
    -------
    >>> nn.generate_square_subsequent_mask(3)
    tensor([[0., -inf, -inf], [0., 0., -inf], [0., 0., 0.]])
    """
    dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    return Tensor._wrap(np.triu(np.full((sz, sz), -np.inf, dtype=dtype), 1))


class TransformerEncoderLayer(Module):
    """One encoder block: self-attention and feed-forward, with residuals and LayerNorms.

    Parameters
    ----------
    d_model : int
        E, the features of every position.
    nhead : int
        Attention heads (E must be divisible by nhead).
    dim_feedforward : int
        Width of the hidden layer of the feed-forward net (default 2048).
    dropout : float
        On the attention weights, inside the feed-forward net and on both residual branches.
    activation : str or callable
        'relu' (default), 'gelu', or a function of a tensor.
    layer_norm_eps : float
        LayerNorm's epsilon.
    batch_first : bool
        (N, L, E) instead of (L, N, E).
    norm_first : bool
        Pre-norm (LayerNorm before each sub-block) instead of post-norm.
    bias : bool
        Biases in the linear layers and LayerNorms.
    dtype, generator
        Parameter dtype and the random source of the initial weights.

    Sub-modules and parameter names are PyTorch's (self_attn, linear1, linear2, norm1, norm2),
    so a state_dict moves between the two.

    Shape
    -----
    src: (L, N, E), or (N, L, E) with batch_first, or (L, E); output: the same.

    Example
    -------
    >>> layer = nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, batch_first=True)
    >>> layer(glassnet.randn(2, 10, 32)).shape
    (2, 10, 32)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"TransformerEncoderLayer: activation should be 'relu' or 'gelu' (or a "
                    f"function), got {activation!r}"
                )
            activation = _ACTIVATIONS[activation]
        elif not callable(activation):
            raise TypeError(
                f"TransformerEncoderLayer: activation must be a string or a callable, got "
                f"{type(activation).__name__}"
            )
        self.self_attn = MultiheadAttention(
            d_model,
            nhead,
            dropout=dropout,
            bias=bias,
            batch_first=batch_first,
            dtype=dtype,
            generator=generator,
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype, generator=generator)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype, generator=generator)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation
        self.batch_first = batch_first

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(
        self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None, is_causal: bool
    ) -> Tensor:
        x, _ = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            need_weights=False,
            is_causal=is_causal,
        )
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """A stack of `num_layers` copies of `encoder_layer` (deep copies: no shared weights), then
    an optional final `norm` (use one after pre-norm layers).

    Shape
    -----
    As `TransformerEncoderLayer`.

    Example
    -------
    >>> layer = nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, norm_first=True)
    >>> encoder = nn.TransformerEncoder(layer, num_layers=3, norm=nn.LayerNorm(32))
    >>> encoder(glassnet.randn(10, 2, 32)).shape
    (10, 2, 32)
    """

    def __init__(
        self,
        encoder_layer: TransformerEncoderLayer,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ValueError(
                f"TransformerEncoder: num_layers must be a positive int, got {num_layers!r}"
            )
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        x = src
        for layer in self.layers:
            x = layer(
                x,
                src_mask=mask,
                src_key_padding_mask=src_key_padding_mask,
                is_causal=bool(is_causal),
            )
        if self.norm is not None:
            x = self.norm(x)
        return x
