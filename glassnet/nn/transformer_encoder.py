"""The transformer encoder: self-attention and a position-wise feed-forward net, each wrapped in
a residual connection and a LayerNorm, stacked N times.

    post-norm (norm_first=False, the original paper):     pre-norm (norm_first=True):
        x = LN1(x + SA(x))                                    x = x + SA(LN1(x))
        x = LN2(x + FF(x))                                    x = x + FF(LN2(x))

    SA(x) = dropout1(MultiheadAttention(x, x, x))
    FF(x) = dropout2(W2 dropout(act(W1 x + b1)) + b2)

Also here, shared with the decoder: the causal mask, the activation by name, and PyTorch's rule
for recognising a causal mask.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.autograd.grad_mode import is_grad_enabled
from glassnet.nn.activation import GELU, ReLU
from glassnet.nn.attention import MultiheadAttention, canonical_mask
from glassnet.nn.containers import ModuleList
from glassnet.nn.dropout import Dropout
from glassnet.nn.linear import Linear, _check_device
from glassnet.nn.module import Module
from glassnet.nn.norm import LayerNorm
from glassnet.ops.activation import gelu, relu
from glassnet.tensor import Tensor

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
    """The causal mask as a float (sz, sz) tensor: 0 on and below the diagonal, -inf above
    (position i may attend to positions j <= i), as `torch.nn.Transformer`'s static method.

    Example
    -------
    >>> nn.Transformer.generate_square_subsequent_mask(3)
    tensor([[0., -inf, -inf], [0., 0., -inf], [0., 0., 0.]])
    """
    _check_device(device, "generate_square_subsequent_mask")
    dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    return Tensor._wrap(np.triu(np.full((sz, sz), -np.inf, dtype=dtype), 1))


def activation_fn(activation: Any, layer: str) -> Callable[[Tensor], Tensor]:
    """'relu' / 'gelu' as F.relu / F.gelu; a callable (function or Module) as it is."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"{layer}: activation should be 'relu' or 'gelu' (or a function), got "
                f"{activation!r}"
            )
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(
            f"{layer}: activation must be a string or a callable, got {type(activation).__name__}"
        )
    return activation


def detect_is_causal_mask(mask: Any, is_causal: bool | None, size: int | None) -> bool:
    """PyTorch's rule: an explicit `is_causal` is returned as it is; when it is None, the mask
    is causal if it equals the (size, size) causal mask in its own form (bool: True above the
    diagonal; float: -inf above, 0 elsewhere)."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    sz = size if size is not None else mask.shape[-2]
    if tuple(mask.shape) != (sz, sz):
        return False
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    upper = np.triu(np.ones((sz, sz), dtype=bool), 1)
    if m.dtype == np.bool_:
        return bool(np.array_equal(m, upper))
    return bool(np.all(np.where(upper, np.isneginf(m), m == 0)))


def seq_len(x: Tensor, batch_first: bool) -> int:
    """The sequence length of (L, E), (L, N, E) or, batch first, (N, L, E)."""
    return x.shape[0] if x.ndim == 2 else x.shape[1 if batch_first else 0]


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
        'relu' (default, F.relu), 'gelu', or a function (or Module) of a tensor.
    layer_norm_eps : float
        LayerNorm's epsilon.
    batch_first : bool
        (N, L, E) instead of (L, N, E).
    norm_first : bool
        Pre-norm (LayerNorm before each sub-block) instead of post-norm.
    bias : bool
        Biases in the linear layers and LayerNorms.
    device, dtype, generator
        Device (the CPU), parameter dtype and the random source of the initial weights.

    Sub-modules and parameter names are PyTorch's (self_attn, linear1, linear2, norm1, norm2),
    so a state_dict moves between the two. Masks: bool (True = blocked) or float (added to the
    scores); see `nn.MultiheadAttention`, which also explains the `is_causal` hint.

    Shape
    -----
    src: (L, N, E), or (N, L, E) with batch_first, or (L, E); src_mask (L, L) or (N*nhead, L, L);
    src_key_padding_mask (N, L) (or (L,)); output: as src.

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
        activation = activation_fn(activation, "TransformerEncoderLayer")
        kw = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(
            d_model,
            nhead,
            dropout=dropout,
            bias=bias,
            batch_first=batch_first,
            **kw,
            generator=generator,
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw, generator=generator)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw, generator=generator)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if activation is relu or isinstance(activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif activation is gelu or isinstance(activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        self.activation = activation

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """x -> the block above; `is_causal` is a hint that src_mask is the causal mask."""
        src_key_padding_mask = canonical_mask(
            src_key_padding_mask,
            "src_key_padding_mask",
            src.dtype,
            src_mask,
            "src_mask",
            owner="TransformerEncoderLayer",
        )
        src_mask = canonical_mask(src_mask, "src_mask", src.dtype, owner="TransformerEncoderLayer")
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
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
            need_weights=False,
            is_causal=is_causal,
        )[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


def _why_not_nested(layer: Any) -> str:
    """PyTorch's reasons (construction time) for not running the encoder on nested tensors."""
    if not isinstance(layer, TransformerEncoderLayer):
        return "encoder_layer was not TransformerEncoderLayer"
    attn = layer.self_attn
    reasons = [
        (layer.norm_first, "encoder_layer.norm_first was True"),
        (
            not attn.batch_first,
            "encoder_layer.self_attn.batch_first was not True(use batch_first for better "
            "inference performance)",
        ),
        (not attn._qkv_same_embed_dim, "encoder_layer.self_attn._qkv_same_embed_dim was not True"),
        (attn.in_proj_bias is None, "encoder_layer.self_attn was passed bias=False"),
        (not layer.activation_relu_or_gelu, "encoder_layer.activation_relu_or_gelu was not True"),
        (
            layer.norm1.eps != layer.norm2.eps,
            "encoder_layer.norm1.eps was not equal to encoder_layer.norm2.eps",
        ),
        (attn.num_heads % 2 == 1, "encoder_layer.self_attn.num_heads is odd"),
    ]
    return next((why for failed, why in reasons if failed), "")


class TransformerEncoder(Module):
    """A stack of `num_layers` copies of `encoder_layer` (deep copies: no shared weights), then
    an optional final `norm` (use one after pre-norm layers).

        x_0 = src,   x_k = layer_k(x_{k-1}, mask, src_key_padding_mask),   out = norm(x_N)

    PyTorch's nested-tensor path is reproduced where it shows: when `use_nested_tensor` (set
    from `enable_nested_tensor` and the layer, with torch's warning when the layer rules it
    out), the layers are in eval mode, no gradient is being recorded, the input is batched, only
    a left-aligned `src_key_padding_mask` is given (no `mask`), torch runs the layers on the
    unpadded sequences and pads the result with zeros: the padded positions leave the stack as
    0 (before `norm`). Everywhere else the output is the same in both modes.

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
        encoder_layer: Module,
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
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = _why_not_nested(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(
                "enable_nested_tensor is True, but self.use_nested_tensor is False because "
                f"{why_not}",
                stacklevel=2,
            )
            self.use_nested_tensor = False

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """Run the layers in turn; `is_causal=None` checks whether `mask` is the causal mask."""
        src_key_padding_mask = canonical_mask(
            src_key_padding_mask,
            "src_key_padding_mask",
            src.dtype,
            mask,
            "mask",
            owner="TransformerEncoder",
        )
        mask = canonical_mask(mask, "mask", src.dtype, owner="TransformerEncoder")
        keep = self._nested_keep(src, mask, src_key_padding_mask)
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if hasattr(first, "self_attn") else False
        is_causal = detect_is_causal_mask(mask, is_causal, seq_len(src, batch_first))
        x = src
        for layer in self.layers:
            x = layer(
                x, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask
            )
        if keep is not None:  # torch's nested tensor, padded back with zeros: (N, L, 1)
            x = x * Tensor._wrap(keep[..., None].astype(x.dtype))
        if self.norm is not None:
            x = self.norm(x)
        return x

    def _nested_keep(self, src: Tensor, mask: Any, kpm: Tensor | None) -> np.ndarray | None:
        """The (N, L) keep-mask when torch would run the layers on a nested tensor, else None."""
        first = self.layers[0]
        if not self.use_nested_tensor or first.training or src.ndim != 3:
            return None
        if kpm is None or mask is not None:
            return None
        if is_grad_enabled() and (
            src.requires_grad or any(p.requires_grad for p in first.parameters())
        ):
            return None
        keep = kpm._data == 0  # torch: logical_not of the additive mask
        if self.mask_check:  # left-aligned: every row is 1...1 0...0
            if np.any(keep[:, 1:] & ~keep[:, :-1]):
                return None
        return keep
