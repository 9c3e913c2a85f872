"""In-place random fills, as PyTorch's: `uniform_`, `normal_`, `bernoulli_`, `exponential_`,
`random_`, `log_normal_`, `geometric_`, `cauchy_`, each drawing from `generator` (or the global
one, see glassnet/random.py) into the tensor's data, outside the graph."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_ops = OpsModule("glassnet.ops")


class TensorRandomFillMethods:
    """In-place random fills (a mixin of Tensor)."""

    __slots__ = ()

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        from glassnet.random import rng_of

        self._check_inplace("uniform_")
        self._data[...] = rng_of(generator).uniform(a, b, self._data.shape)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        from glassnet.random import rng_of

        self._check_inplace("normal_")
        self._data[...] = rng_of(generator).normal(mean, std, self._data.shape)
        return self

    def bernoulli_(self, p: Any = 0.5, generator: Any = None) -> Tensor:
        """Fill with 1 with probability p (a number or a tensor of probabilities), else 0."""
        from glassnet.random import rng_of

        self._check_inplace("bernoulli_")
        probs = np.asarray(self._rhs(p))
        if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):
            raise ValueError("bernoulli_: expected 0 <= p <= 1 for every probability")
        self._data[...] = rng_of(generator).random(self._data.shape) < probs
        return self

    def exponential_(self, lambd: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with exponential draws of rate lambd (density lambd e^(-lambd x))."""
        from glassnet.random import rng_of

        self._check_inplace("exponential_")
        self._data[...] = rng_of(generator).exponential(1.0 / lambd, self._data.shape)
        return self

    def random_(self, from_: int = 0, to: int | None = None, generator: Any = None) -> Tensor:
        """Fill with integers drawn uniformly from [from_, to) (random_(to) means [0, to)); without
        `to`, up to 2^mantissa for floats or the dtype's maximum for integers."""
        from glassnet.random import rng_of

        self._check_inplace("random_")
        lo, hi = (0, from_) if to is None and from_ else (from_, to)
        if hi is None:
            kind = self._data.dtype
            hi = 2 ** (np.finfo(kind).nmant + 1) if kind.kind == "f" else np.iinfo(kind).max
        if hi <= lo:
            raise ValueError(f"random_: expects 'from' < 'to', got from={lo} >= to={hi}")
        self._data[...] = rng_of(generator).integers(lo, hi, self._data.shape)
        return self

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, generator: Any = None) -> Tensor:
        """Fill with e^z, z ~ Normal(mean, std)."""
        from glassnet.random import rng_of

        self._check_inplace("log_normal_")
        self._data[...] = rng_of(generator).lognormal(mean, std, self._data.shape)
        return self

    def geometric_(self, p: float, generator: Any = None) -> Tensor:
        """Fill with the number of trials up to the first success (success probability p)."""
        from glassnet.random import rng_of

        self._check_inplace("geometric_")
        self._data[...] = rng_of(generator).geometric(p, self._data.shape)
        return self

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with draws from the Cauchy distribution: median + sigma * tan(pi (u - 1/2))."""
        from glassnet.random import rng_of

        self._check_inplace("cauchy_")
        self._data[...] = median + sigma * rng_of(generator).standard_cauchy(self._data.shape)
        return self
