"""Dropout: a regulariser that zeroes random activations while training."""

from __future__ import annotations

from typing import Any

from glassnet.nn.module import Module
from glassnet.ops.dropout import dropout, dropout2d
from glassnet.tensor import Tensor


class Dropout(Module):
    """During training, zero each element with probability p and scale the others by 1/(1-p).

    y = x * m / (1 - p),  m_i ~ Bernoulli(1 - p);   y = x in eval mode.

    Dropping units at random keeps a network from relying on any single activation (Srivastava et
    al., 2014); the 1/(1-p) scale keeps E[y] = x so nothing changes at evaluation time.

    Parameters
    ----------
    p : float
        Probability of an element being zeroed (default 0.5).
    inplace : bool
        Accepted for PyTorch compatibility; glassnet always returns a new tensor.
    generator : Generator, optional
        Random source of the masks (default: the global one seeded by `glassnet.manual_seed`).

    Shape
    -----
    Input: any shape. Output: the same shape.

    Example
    -------
    >>> drop = glassnet.nn.Dropout(p=0.2, generator=glassnet.Generator(0))
    >>> y = drop(glassnet.randn(20, 16))
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, generator: Any = None) -> None:
        super().__init__()
        if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p has to be between 0 and 1, but got {p}")
        self.p = float(p)
        self.inplace = inplace
        self.generator = generator

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training, generator=self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Channel dropout: during training, zero each whole channel (feature map) with probability p
    and scale the others by 1/(1-p); the identity in eval mode.

    y[n, c] = x[n, c] * m[n, c] / (1 - p),  m[n, c] ~ Bernoulli(1 - p).

    Pixels of a feature map are strongly correlated, so ordinary dropout on a convolutional layer
    hardly regularises; dropping whole maps does (Tompson et al., 2015).

    As PyTorch 2.13, the first two axes are always (N, C): a 3-D input is read as (N, C, L) with
    a UserWarning, other ranks >= 2 warn and proceed (see `F.dropout2d`).

    Shape
    -----
    Input (N, C, H, W) (or (N, C, L), or any rank >= 2, with a warning). Output: the same shape.

    Example
    -------
    >>> drop = glassnet.nn.Dropout2d(p=0.2, generator=glassnet.Generator(0))
    >>> y = drop(glassnet.randn(8, 16, 5, 5))
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, generator=self.generator)
