"""Dropout: zero each element with probability p during training, scale the rest by 1/(1-p)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.random import rng_of
from glassnet.tensor import Tensor


class Dropout(Op):
    """y = x * m / (1 - p),  m_i ~ Bernoulli(1 - p).   dL/dx = gy * m / (1 - p).

    The scale keeps E[y] = x, so the layer is the identity at evaluation time. The mask arrives
    already scaled (`scaled_mask` = m / (1 - p), in x's dtype), and backward reuses it.
    """

    @staticmethod
    def forward(ctx, x, scaled_mask):
        ctx.save_for_backward(scaled_mask)
        return x * scaled_mask

    @staticmethod
    def backward(ctx, gy):
        return gy * ctx.saved_tensors[0]


def dropout_mask(shape: tuple, p: float, dtype: np.dtype, generator: Any = None) -> np.ndarray:
    """m / (1 - p) with m_i ~ Bernoulli(1 - p): the scaled keep-mask of dropout, in `dtype`."""
    keep = rng_of(generator).random(shape, dtype=np.float32) >= p  # P(keep) = 1 - p
    return np.multiply(keep, 1.0 / (1.0 - p), dtype=dtype)  # one pass: cast and scale


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Any = None,
) -> Tensor:
    """Randomly zero elements with probability `p` and scale the survivors by 1 / (1 - p).

    y = x * m / (1 - p),  m_i ~ Bernoulli(1 - p); the identity when `training` is False or p = 0.

    Shape
    -----
    Input: any shape. Output: the same shape.

    Example
    -------
    >>> y = glassnet.nn.functional.dropout(x, p=0.2, generator=glassnet.Generator(0))
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    x = input._data
    if x.dtype.kind != "f":
        raise TypeError(f"dropout: input must be a floating point tensor, got {x.dtype}")
    if p == 1.0:
        return Dropout.apply(input, scaled_mask=np.zeros_like(x))
    return Dropout.apply(input, scaled_mask=dropout_mask(x.shape, p, x.dtype, generator))


def _warn_rank(ndim: int) -> None:
    """dropout2d's warnings, as PyTorch 2.13's: a rank other than 3 or 4 is deprecated, and a 3-D
    input is read as (N, C, L). stacklevel=3 points at dropout2d's caller."""
    if ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=3,
        )
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=3,
        )


def dropout2d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Any = None,
) -> Tensor:
    """Channel dropout: zero whole feature maps with probability `p`, scale the rest by 1/(1-p).

    y[n, c] = x[n, c] * m[n, c] / (1 - p),  m[n, c] ~ Bernoulli(1 - p)  (one draw per channel,
    broadcast over the axes after the first two; neighbouring pixels are correlated, so dropping
    single pixels would barely regularise a convolutional net). The `Dropout` op broadcasts the
    (N, C, 1, 1) mask and its backward multiplies by the same mask.

    As PyTorch 2.13, the first two axes are always read as (N, C): a 3-D input is (N, C, L) (one
    draw per (n, c), with a UserWarning saying so), not an unbatched (C, H, W); any other number
    of axes warns that it is deprecated and proceeds (a 2-D (N, C) input gets one draw per
    element, as `dropout`); a 0-D or 1-D input raises in training.

    Shape
    -----
    Input (N, C, H, W); (N, C, L) or other ranks >= 2 with a warning. Output: the same shape.

    Example
    -------
    >>> y = glassnet.nn.functional.dropout2d(x, p=0.2, generator=glassnet.Generator(0))
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: probability p has to be between 0 and 1, but got {p}")
    x = input._data
    _warn_rank(x.ndim)
    if not training or p == 0.0:
        return input
    if x.ndim < 2:
        raise ValueError(
            f"dropout2d: feature dropout requires at least 2 dimensions in the input, got shape "
            f"{x.shape}"
        )
    if x.dtype.kind != "f":
        raise TypeError(f"dropout2d: input must be a floating point tensor, got {x.dtype}")
    mask_shape = x.shape[:2] + (1,) * (x.ndim - 2)  # one draw per (n, c)
    if p == 1.0:
        return Dropout.apply(input, scaled_mask=np.zeros(mask_shape, dtype=x.dtype))
    return Dropout.apply(input, scaled_mask=dropout_mask(mask_shape, p, x.dtype, generator))
