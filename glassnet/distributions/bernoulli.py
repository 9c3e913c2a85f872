"""The Bernoulli distribution over {0, 1}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet.ops as ops
from glassnet.distributions.distribution import Distribution, as_param, broadcast_all, invalid
from glassnet.ops.activation import softplus
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def _softplus(x: Tensor) -> Tensor:
    """ln(1 + e^x) exactly for every x (no linear cut-off), gradient sigmoid(x)."""
    return softplus(x, threshold=float("inf"))


class Bernoulli(Distribution):
    """P(1) = probs, P(0) = 1 - probs, given by `probs` or by `logits` (probs = sigmoid(logits)).

    log p(x) = x * logits - ln(1 + e^logits)     (= -BCEWithLogits(logits, x))
    H        = ln(1 + e^logits) - probs * logits

    Parameters
    ----------
    probs : Tensor or float, optional
        Probabilities of 1, in [0, 1].
    logits : Tensor or float, optional
        Log-odds ln(p / (1 - p)). Give exactly one of the two.
    validate_args : bool, optional
        Check probs in [0, 1] here and values in {0, 1} in `log_prob` (default True).

    Example
    -------
    >>> d = Bernoulli(probs=glassnet.tensor([0.2, 0.9]))
    >>> d.sample()                  # float, e.g. tensor([0., 1.])
    """

    _param_names = ("probs",)

    def __init__(
        self, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError(
                "Bernoulli: either `probs` or `logits` must be specified, but not both."
            )
        if probs is not None:
            (self._probs,) = broadcast_all(probs)
            self._logits = None
            param = self._probs
            if validate_args is not False and not bool(
                ((param._data >= 0) & (param._data <= 1)).all()
            ):
                raise invalid(
                    "Bernoulli", "probs", param, "Interval(lower_bound=0.0, upper_bound=1.0)"
                )
        else:
            (self._logits,) = broadcast_all(logits)
            self._probs = None
            param = self._logits
        super().__init__(param.shape, (), validate_args)

    @property
    def probs(self) -> Tensor:
        if self._probs is None:
            self._probs = ops.sigmoid(self._logits)
        return self._probs

    @property
    def logits(self) -> Tensor:
        """ln p - ln(1 - p), with p clamped to [eps, 1 - eps]."""
        if self._logits is None:
            eps = float(np.finfo(self._probs.dtype).eps)
            p = self._probs.clamp(eps, 1 - eps)
            self._logits = p.log() - (-p).log1p()
        return self._logits

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Sequence[int] = ()) -> Tensor:
        """0/1 draws (in the parameters' float dtype) of shape `sample_shape + batch_shape`."""
        p = self.probs._data
        u = rng_of(None).random(self._extended_shape(sample_shape))
        return Tensor._wrap((u < p).astype(p.dtype))

    def log_prob(self, value: Any) -> Tensor:
        """ln p(value) = value * logits - softplus(logits)."""
        logits, value = broadcast_all(self.logits, as_param(value, self.logits))
        if self._validate_args and not bool(np.isin(value._data, (0, 1)).all()):
            raise invalid("Bernoulli", "value", value, "Boolean()")
        return value * logits - _softplus(logits)

    def entropy(self) -> Tensor:
        """H = softplus(logits) - probs * logits."""
        return _softplus(self.logits) - self.probs * self.logits
