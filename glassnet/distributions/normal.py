"""The normal (Gaussian) distribution N(loc, scale^2)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.distributions.distribution import Distribution, broadcast_all, invalid
from glassnet.random import rng_of
from glassnet.tensor import Tensor

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Normal(Distribution):
    """N(loc, scale^2), as `torch.distributions.Normal`.

    log p(x) = -(x - loc)^2 / (2 scale^2) - ln scale - ln sqrt(2 pi)
    H        = 1/2 + ln sqrt(2 pi) + ln scale
    rsample  = loc + eps * scale, eps ~ N(0, 1)  (differentiable in loc and scale)

    Parameters
    ----------
    loc : Tensor or float
        The mean.
    scale : Tensor or float
        The standard deviation (> 0).
    validate_args : bool, optional
        Check scale > 0 (default True).

    Example
    -------
    >>> d = Normal(glassnet.tensor([0.0, 1.0]), 2.0)
    >>> d.log_prob(glassnet.tensor([0.5, 0.5]))
    """

    has_rsample = True
    _param_names = ("loc", "scale")

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)
        if self._validate_args and not bool((self.scale._data > 0).all()):
            raise invalid("Normal", "scale", self.scale, "GreaterThan(lower_bound=0.0)")

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale * self.scale

    def rsample(self, sample_shape: Sequence[int] = ()) -> Tensor:
        """loc + eps * scale with eps ~ N(0, 1): a sample the gradient flows through."""
        shape = self._extended_shape(sample_shape)
        eps = rng_of(None).standard_normal(shape).astype(self.loc.dtype)
        return self.loc + Tensor._wrap(np.asarray(eps)) * self.scale

    def log_prob(self, value: Any) -> Tensor:
        """ln p(value) = -(value - loc)^2 / (2 scale^2) - ln scale - ln sqrt(2 pi)."""
        value = value if isinstance(value, Tensor) else Tensor(value, dtype=self.loc.dtype)
        var = self.scale * self.scale
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - _HALF_LOG_2PI

    def entropy(self) -> Tensor:
        """H = 1/2 + ln sqrt(2 pi) + ln scale."""
        return self.scale.log() + (0.5 + _HALF_LOG_2PI)
