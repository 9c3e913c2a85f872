"""Samplers: the order in which a DataLoader visits a map-style dataset, as `torch.utils.data`.

A sampler yields dataset indices; `BatchSampler` groups another sampler's indices into lists.
Random samplers draw from `generator` (a `glassnet.Generator` or `numpy.random.Generator`;
default: the global generator seeded by `glassnet.manual_seed`) once per pass, when the pass
starts. The orders are NumPy's, so they differ from PyTorch's for the same seed; counts,
ranges and the with/without-replacement rules are PyTorch 2.13's.

Each built-in index sampler also has `_indices()`, the whole pass as one int64 array (None for
"0, 1, 2, ... in order"), which lets `DataLoader` slice a `TensorDataset` batch by batch without
a Python loop per sample.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from itertools import islice
from typing import Any, Generic, TypeVar

import numpy as np

from glassnet.random import rng_of
from glassnet.tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class of samplers: `iter(sampler)` yields indices (or lists of them, for batches).

    Generic in what it yields, as PyTorch's (`class MySampler(Sampler[int])`).

    Subclasses define `__iter__`, and `__len__` when the number of items is known.

    Example
    -------
    >>> class EvenFirst(Sampler):
    ...     def __init__(self, n):
    ...         self.n = n
    ...     def __iter__(self):
    ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
    ...     def __len__(self):
    ...         return self.n
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1, in order.

    Example
    -------
    >>> list(SequentialSampler(range(4)))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _indices(self) -> None:
        return None

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


class RandomSampler(Sampler):
    """Random indices into `data_source`: a permutation, or draws with replacement.

    Without replacement, a pass is a random permutation of ``range(n)`` (``n = len(data_source)``);
    a `num_samples` above n chains fresh permutations and cuts the last one short, as PyTorch
    does. With replacement, a pass is `num_samples` independent uniform draws from ``range(n)``.

    Parameters
    ----------
    data_source : sized
        The dataset (only its length is used).
    replacement : bool
        Draw with replacement (default False).
    num_samples : int, optional
        Indices per pass (default ``len(data_source)``).
    generator : glassnet.Generator or numpy Generator, optional
        Source of the order (default: the global generator).

    Example
    -------
    >>> sorted(RandomSampler(range(5), generator=glassnet.Generator(0)))
    [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        _check_positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """Indices per pass: `num_samples` if given, else the dataset's length."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _indices(self) -> np.ndarray:
        n, k = len(self.data_source), self.num_samples
        rng = rng_of(self.generator)
        if self.replacement:
            return rng.integers(0, n, size=k, dtype=np.int64)
        if k == n:
            return rng.permutation(n)
        whole = [rng.permutation(n) for _ in range(k // n)]
        whole.append(rng.permutation(n)[: k % n])
        return np.concatenate(whole)

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given `indices` in a random order (a new permutation of them every pass).

    Example
    -------
    >>> sorted(SubsetRandomSampler([7, 3, 5]))
    [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def _indices(self) -> np.ndarray:
        order = rng_of(self.generator).permutation(len(self.indices))
        return np.asarray(self.indices, dtype=np.int64).reshape(-1)[order]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices into ``range(len(weights))``, P(i) = weights[i] / sum(weights).

    Without replacement an index is drawn at most once per pass, so `num_samples` must not
    exceed the number of non-zero weights.

    Parameters
    ----------
    weights : sequence of float
        Non-negative, one per sample, not necessarily summing to 1.
    num_samples : int
        Indices per pass.
    replacement : bool
        Draw with replacement (default True).
    generator : glassnet.Generator or numpy Generator, optional
        Source of the draws (default: the global generator).

    Example
    -------
    >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 3))
    [1, 1, 1]
    """

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
    ) -> None:
        _check_positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        w = weights._data if isinstance(weights, Tensor) else weights
        w = np.asarray(w, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}"
            )
        if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError(
                "WeightedRandomSampler: weights must be finite, non-negative and not all zero"
            )
        self.weights = Tensor._wrap(w)
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def _indices(self) -> np.ndarray:
        w = self.weights._data
        nonzero = int(np.count_nonzero(w))
        if not self.replacement and self.num_samples > nonzero:
            raise ValueError(
                f"WeightedRandomSampler: cannot draw num_samples={self.num_samples} without "
                f"replacement from {nonzero} non-zero weights"
            )
        p = w / w.sum()
        draw = rng_of(self.generator).choice(
            w.size, size=self.num_samples, replace=self.replacement, p=p
        )
        return draw.astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of `sampler` into lists of `batch_size` (the last one shorter unless
    `drop_last`).

    Example
    -------
    >>> list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6]]
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while True:
            batch = list(islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
