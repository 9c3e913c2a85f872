"""Drawing from distributions given by tensors: bernoulli (coin flips with probabilities p) and
multinomial (category indices drawn in proportion to weights). Samples are plain tensors without
a gradient; the random numbers come from glassnet's generator (`generator=`, or the global one
seeded by `glassnet.manual_seed`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.random import rng_of
from glassnet.tensor import Tensor


def bernoulli(input: Tensor, p: float | None = None, generator: Any = None) -> Tensor:
    """out_i = 1 with probability input_i (or `p` for every element when given), else 0.

    The result has input's shape and floating dtype.

    Example
    -------
    >>> glassnet.bernoulli(glassnet.full((4,), 0.5), generator=glassnet.Generator(0))
    tensor([1., 0., 0., 1.])
    """
    x = input._data
    if x.dtype.kind != "f":
        raise TypeError(f"bernoulli: input must be a floating point tensor, got dtype {x.dtype}")
    probs = x if p is None else np.full(x.shape, p, dtype=x.dtype)
    if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):
        raise ValueError(
            "bernoulli: expected 0 <= p <= 1 for every probability "
            f"(got values in [{np.nanmin(probs)}, {np.nanmax(probs)}] or nan)"
        )
    u = rng_of(generator).random(x.shape)
    return Tensor._wrap((u < probs).astype(x.dtype))


def _check_probs(probs: np.ndarray, num_samples: int, replacement: bool) -> None:
    """PyTorch's checks on a multinomial's weights, with its messages."""
    if probs.dtype.kind != "f":
        raise TypeError(
            f"multinomial only supports floating-point dtypes for input, got: {probs.dtype}"
        )
    if probs.ndim not in (1, 2):
        raise ValueError(f"multinomial: prob_dist must be 1 or 2 dim (got shape {probs.shape})")
    n = probs.shape[-1]
    if num_samples <= 0:
        raise ValueError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    if not replacement and num_samples > n:
        raise ValueError(
            f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
            f"replacement (n_sample={num_samples}, {n} categories)"
        )
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError(
            "multinomial: probability tensor contains either `inf`, `nan` or element < 0"
        )
    if probs.size == 0 or np.any(probs.sum(axis=-1) <= 0):
        raise ValueError(
            "multinomial: invalid multinomial distribution (sum of probabilities <= 0)"
        )
    if not replacement and np.any(np.count_nonzero(probs, axis=-1) < num_samples):
        raise ValueError(
            "multinomial: invalid multinomial distribution (with replacement=False, not enough "
            f"non-negative category to sample {num_samples})"
        )


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, generator: Any = None
) -> Tensor:
    """Draw `num_samples` category indices from each row of non-negative weights (need not sum
    to 1): category j with probability input[j] / sum(input).

    With `replacement=False` each row's indices are distinct (drawn one after another, each from
    the remaining categories renormalised). Returns int64 of shape (num_samples,) for a 1-D input,
    (rows, num_samples) for a 2-D one.

    Algorithm: with replacement, inverse CDF (a uniform u falls into category j when
    cdf_{j-1} <= u < cdf_j); without, the exponential race: key_j = E_j / p_j with E_j ~ Exp(1),
    the num_samples smallest keys in order, which is sequential sampling without replacement.

    Example
    -------
    >>> glassnet.multinomial(glassnet.tensor([0.1, 0.0, 0.9]), 4, replacement=True)
    tensor([2, 2, 0, 2])
    """
    probs = input._data
    num_samples = int(num_samples)
    _check_probs(probs, num_samples, replacement)
    rng = rng_of(generator)
    rows = probs.reshape(-1, probs.shape[-1]).astype(np.float64)
    m = rows.shape[0]
    if replacement:
        cdf = np.cumsum(rows, axis=1)
        cdf /= cdf[:, -1:]
        u = rng.random((m, num_samples))
        idx = np.empty((m, num_samples), dtype=np.int64)
        for r in range(m):
            idx[r] = np.searchsorted(cdf[r], u[r], side="right")
    else:
        with np.errstate(divide="ignore"):
            keys = rng.standard_exponential(rows.shape) / rows  # zero weight -> inf, never chosen
        idx = np.argsort(keys, axis=1, kind="stable")[:, :num_samples].astype(np.int64)
    return Tensor._wrap(idx.reshape(probs.shape[:-1] + (num_samples,)))
