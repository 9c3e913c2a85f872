"""Datasets: anything with `__getitem__` and `__len__`, as `torch.utils.data`.

`TensorDataset` wraps whole arrays (sample i is row i of each); `Subset` picks rows of another
dataset; `random_split` cuts a dataset into non-overlapping random subsets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.random import rng_of
from glassnet.tensor import Tensor


class Dataset:
    """Base class of map-style datasets: `dataset[i]` is sample i, `len(dataset)` their number.

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
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


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
