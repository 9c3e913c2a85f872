"""Datasets: anything with `__getitem__` and `__len__`, as `torch.utils.data`.

`TensorDataset` wraps whole arrays (sample i is row i of each); `Subset` picks rows of another
dataset; `random_split` cuts a dataset into non-overlapping random subsets; `ConcatDataset`
and `StackDataset` join datasets end to end and side by side. `IterableDataset` is the
stream-style base (`__iter__` instead of indexing), `ChainDataset` chains streams.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from glassnet.random import rng_of
from glassnet.tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """Base class of map-style datasets: `dataset[i]` is sample i, `len(dataset)` their number.

    Generic in the sample type, as PyTorch's (`class Pairs(Dataset[tuple[Tensor, int]])`).

    Example
    -------
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 10
    ...     def __getitem__(self, i):
    ...         return float(i), float(i * i)
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        # TypeError, as len() of an object without __len__: list(stream) then skips the hint
        raise TypeError(f"{type(self).__name__} must define __len__ to have a length")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """Base class of stream-style datasets: `iter(dataset)` yields the samples.

    A `DataLoader` over one takes samples in the order the stream gives them (no sampler, no
    shuffle), batching them if `batch_size` is set. `dataset_a + dataset_b` chains two streams.

    Example
    -------
    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(5))
    >>> list(DataLoader(Count(), batch_size=2))   # tensors [0, 1], [2, 3], [4]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Dataset) -> ChainDataset:
        return ChainDataset([self, other])


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


class TensorDataset(Dataset):
    """Samples are rows of the given tensors: `dataset[i] == (t0[i], t1[i], ...)`.

    Parameters
    ----------
    *tensors : Tensor or ndarray
        All with the same first dimension (the number of samples). NumPy arrays are wrapped
        without a change of dtype.

    Shape
    -----
    Each tensor (N, ...); a sample is the tuple of rows (...).

    Example
    -------
    >>> ds = TensorDataset(glassnet.randn(100, 4), glassnet.zeros(100, dtype=glassnet.int64))
    >>> x, y = ds[0]          # x.shape == (4,), y.shape == ()
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        self.tensors = tuple(_as_tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim > 0 else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(t.shape) for t in self.tensors)
            raise ValueError(
                f"TensorDataset: all tensors need the same first dimension (got shapes {shapes})"
            )

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(Tensor._wrap(t._data[index]) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order.

    Example
    -------
    >>> first_ten = Subset(ds, range(10))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(
                f"Subset: indices must lie in [0, {n}) for a dataset of {n} samples "
                f"(got {self.indices.min()}..{self.indices.max()})"
            )

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Dataset, lengths: Sequence[int | float], generator: Any = None
) -> list[Subset]:
    """Split `dataset` into non-overlapping random subsets of the given lengths.

    `lengths` are sample counts summing to `len(dataset)`, or fractions summing to 1 (the
    remainder of the floors is handed out one by one from the first subset on, as PyTorch does).

    Example
    -------
    >>> train, val = random_split(ds, [0.8, 0.2], generator=glassnet.Generator().manual_seed(0))
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(v, float) for v in lengths):
        if not math.isclose(sum(lengths), 1.0, abs_tol=1e-6) or min(lengths) < 0:
            raise ValueError(f"random_split: fractions must be >= 0 and sum to 1 (got {lengths})")
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(int(v) != v or v < 0 for v in lengths) or sum(lengths) != n:
        raise ValueError(
            f"random_split: lengths must be non-negative counts summing to the dataset's size "
            f"{n}, or fractions summing to 1 (got {lengths})"
        )
    perm = rng_of(generator).permutation(n)
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, perm[start : start + int(length)]))
        start += int(length)
    return subsets


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after another.

    Sample i comes from the first dataset whose cumulative size exceeds i
    (`cumulative_sizes[k]` is the total length of datasets 0..k).

    Example
    -------
    >>> both = ConcatDataset([train_set, extra_set])   # len(both) == len(train) + len(extra)
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if index < 0:
            if -index > n:
                raise ValueError("absolute value of index should not exceed dataset length")
            index += n
        if index >= n:
            raise IndexError(f"ConcatDataset: index {index} out of range for length {n}")
        k = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[k - 1] if k > 0 else 0
        return self.datasets[k][index - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets streamed one after another.

    Example
    -------
    >>> stream = ChainDataset([shard_a, shard_b])
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)  # type: ignore[arg-type]


class StackDataset(Dataset):
    """Several datasets of one length side by side: sample i is a tuple (positional datasets)
    or a dict (keyword datasets) of their samples i.

    Example
    -------
    >>> pairs = StackDataset(images=image_set, texts=text_set)   # pairs[0] == {"images": .., ..}
    """

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                "input/output, but both types are given."
            )
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets: tuple[Dataset, ...] | dict[str, Dataset] = args or kwargs
        parts = args or tuple(kwargs.values())
        lengths = {len(d) for d in parts}
        if len(lengths) != 1:
            raise ValueError("Size mismatch between datasets")
        self._length = lengths.pop()

    def __getitem__(self, index: int) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length
