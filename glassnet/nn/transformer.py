"""The Transformer of "Attention Is All You Need" (Vaswani et al., 2017): an encoder reads the
source, a decoder writes the target while attending to the encoder's output.

    memory = encoder(src, src_mask, src_key_padding_mask)            # LN after the stack
    out    = decoder(tgt, memory, tgt_mask, memory_mask, ...)         # LN after the stack

The layers live in `transformer_encoder.py` and `transformer_decoder.py`; all the family is
importable from here too, as from `torch.nn.modules.transformer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassnet.nn import init
from glassnet.nn.module import Module
from glassnet.nn.norm import LayerNorm
from glassnet.nn.transformer_decoder import TransformerDecoder, TransformerDecoderLayer
from glassnet.nn.transformer_encoder import (
    TransformerEncoder,
    TransformerEncoderLayer,
    generate_square_subsequent_mask,
)
from glassnet.ops.activation import relu
from glassnet.tensor import Tensor

__all__ = [
    "Transformer",
    "TransformerEncoder",
    "TransformerDecoder",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
    "generate_square_subsequent_mask",
]


class Transformer(Module):
    """Encoder-decoder transformer with PyTorch's arguments, defaults and parameter names.

    Parameters
    ----------
    d_model : int
        E, the features of every position (default 512).
    nhead : int
        Attention heads (default 8).
    num_encoder_layers, num_decoder_layers : int
        Depth of each stack (default 6 and 6).
    dim_feedforward : int
        Hidden width of the feed-forward nets (default 2048).
    dropout : float
        Dropout in every layer (default 0.1).
    activation : str or callable
        'relu' (default), 'gelu', or a function (or Module) of a tensor.
    custom_encoder, custom_decoder : Module, optional
        Used in place of the default stacks; called as
        `encoder(src, mask=, src_key_padding_mask=, is_causal=)` and
        `decoder(tgt, memory, tgt_mask=, memory_mask=, ...)`.
    layer_norm_eps, batch_first, norm_first, bias, device, dtype, generator
        As `TransformerEncoderLayer`.

    Every parameter with more than one axis (custom stacks included) is then re-drawn
    Xavier-uniform, as torch does. `encoder.norm` and `decoder.norm` are the final LayerNorms.

    Shape
    -----
    src (S, N, E), tgt (T, N, E) (batch first: (N, S, E), (N, T, E); unbatched: (S, E), (T, E));
    src_mask (S, S); tgt_mask (T, T); memory_mask (T, S); src_key_padding_mask (N, S);
    tgt_key_padding_mask (N, T); memory_key_padding_mask (N, S). Output: as tgt.

    Example
    -------
    >>> model = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2)
    >>> src, tgt = glassnet.randn(10, 3, 32), glassnet.randn(7, 3, 32)
    >>> mask = nn.Transformer.generate_square_subsequent_mask(7)
    >>> model(src, tgt, tgt_mask=mask).shape
    (7, 3, 32)
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = relu,
        custom_encoder: Any | None = None,
        custom_decoder: Any | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps)
        layer_kw = dict(batch_first=batch_first, norm_first=norm_first, bias=bias, **kw)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(*layer_args, **layer_kw, generator=generator)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(*layer_args, **layer_kw, generator=generator)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters(generator)
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def _reset_parameters(self, generator: Any = None) -> None:
        """Xavier-uniform for every parameter with more than one axis."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p, generator=generator)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The causal mask, float (sz, sz): 0 on and below the diagonal, -inf above."""
        return generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode src, decode tgt against it. Masks: bool (True = blocked) or float (added to
        the scores); the *_is_causal hints as in `TransformerEncoder` / `TransformerDecoder`."""
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise ValueError(
                f"Transformer(batch_first={self.batch_first}): the batch number of src and tgt "
                f"must be equal, got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}"
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ValueError(
                f"Transformer(d_model={self.d_model}): the feature number of src and tgt must "
                f"be equal to d_model, got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )
