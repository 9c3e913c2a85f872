"""The categorical distribution over {0, ..., K-1}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet.ops as ops
from glassnet.distributions.distribution import Distribution, as_param, invalid
from glassnet.random import rng_of
from glassnet.tensor import Tensor


class Categorical(Distribution):
    """P(k) = probs[..., k], given by `probs` (normalised along the last dim) or `logits`.

    logits = ln probs (normalised: logits - logsumexp(logits)); probs = softmax(logits)
    log p(k) = logits[..., k]
    H        = -sum_k probs_k logits_k

    Parameters
    ----------
    probs : Tensor, optional
        Non-negative event weights, shape (..., K); each row is divided by its sum.
    logits : Tensor, optional
        Unnormalised log-probabilities, shape (..., K). Give exactly one of the two.
    validate_args : bool, optional
        Check probs >= 0 here and values in `log_prob` (default True).

    Example
    -------
    >>> d = Categorical(logits=glassnet.tensor([0.0, 1.0, 2.0]))
    >>> k = d.sample((5,))        # int64, shape (5,)
    """

    _param_names = ("probs",)

    def __init__(
        self, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError(
                "Categorical: either `probs` or `logits` must be specified, but not both."
            )
        param = as_param(probs if probs is not None else logits)
        name = "probs" if probs is not None else "logits"
        if param.ndim < 1:
            raise ValueError(f"Categorical: `{name}` must be at least one-dimensional.")
        super().__init__(param.shape[:-1], (), validate_args)
        self._num_events = param.shape[-1]
        if probs is not None:
            if self._validate_args and not bool((param._data >= 0).all()):
                raise invalid("Categorical", "probs", param, "Simplex()")
            self._probs = param / param.sum(-1, keepdim=True)
            self._logits = None
        else:
            self._logits = param - param.logsumexp(-1, keepdim=True)
            self._probs = None

    @property
    def probs(self) -> Tensor:
        """The normalised event probabilities (softmax of the logits when given logits)."""
        if self._probs is None:
            self._probs = ops.softmax(self._logits, -1)
        return self._probs

    @property
    def logits(self) -> Tensor:
        """The normalised log-probabilities, ln probs (probs clamped to [eps, 1 - eps])."""
        if self._logits is None:
            eps = float(np.finfo(self._probs.dtype).eps)
            self._logits = self._probs.clamp(eps, 1 - eps).log()
        return self._logits

    @property
    def param_shape(self) -> tuple:
        return self._batch_shape + (self._num_events,)

    def sample(self, sample_shape: Sequence[int] = ()) -> Tensor:
        """Category indices (int64) of shape `sample_shape + batch_shape`, by inverse CDF."""
        p = self.probs._data.reshape(-1, self._num_events).astype(np.float64)
        cdf = np.cumsum(p, axis=-1)
        n = int(np.prod(sample_shape, dtype=np.int64))
        u = rng_of(None).random((n, p.shape[0], 1)) * cdf[:, -1:]
        k = np.minimum((u >= cdf).sum(-1), self._num_events - 1)
        return Tensor._wrap(k.reshape(self._extended_shape(sample_shape)).astype(np.int64))

    def log_prob(self, value: Any) -> Tensor:
        """ln p(value) = logits[..., value], value broadcast against the batch shape."""
        value = value if isinstance(value, Tensor) else Tensor(value)
        idx = value._data
        if self._validate_args:
            ok = (idx == np.round(idx)) & (idx >= 0) & (idx < self._num_events)
            if not bool(np.all(ok)):
                raise invalid(
                    "Categorical", "value", value, f"IntegerInterval(0, {self._num_events - 1})"
                )
        idx = idx.astype(np.int64)[..., None]
        shape = np.broadcast_shapes(idx.shape, self.logits.shape)
        index = np.broadcast_to(idx, shape[:-1] + (1,))
        log_pmf = ops.broadcast_to(self.logits, shape)
        return log_pmf.gather(-1, Tensor._wrap(np.ascontiguousarray(index))).squeeze(-1)

    def entropy(self) -> Tensor:
        """H = -sum_k probs_k logits_k (logits clamped at the dtype's most negative value)."""
        logits = self.logits.clamp(min=float(np.finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)
