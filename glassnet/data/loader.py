"""DataLoader: batches of samples from a dataset, shuffled with a seeded generator.

For a `TensorDataset` (or a `Subset` of one) and the default collate, a batch is taken by indexing
the whole arrays at once (one fancy-index per tensor) instead of gathering samples one by one and
stacking them: the same batches, about a hundred times fewer Python calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from glassnet.data.dataset import Dataset, Subset, TensorDataset
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def default_collate(samples: list[Any]) -> Any:
    """Stack a list of samples into a batch, keeping their structure.

    Tensors and arrays are stacked along a new first axis; Python floats become a float32 tensor,
    ints an int64 tensor; tuples, lists and dicts are collated field by field.

    Example
    -------
    >>> default_collate([(glassnet.zeros(3), 1), (glassnet.ones(3), 0)])
    (tensor of shape (2, 3), tensor([1, 0]))
    """
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor._wrap(np.stack([s._data for s in samples]))
    if isinstance(first, np.ndarray | np.generic):
        return Tensor._wrap(np.stack(samples))
    if isinstance(first, bool):
        return Tensor._wrap(np.array(samples, dtype=np.bool_))
    if isinstance(first, int):
        return Tensor._wrap(np.array(samples, dtype=np.int64))
    if isinstance(first, float):
        return Tensor._wrap(np.array(samples, dtype=np.float32))
    if isinstance(first, Mapping):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, tuple | list):
        if any(len(s) != len(first) for s in samples):
            raise ValueError("default_collate: samples in a batch have different numbers of fields")
        return type(first)(default_collate(list(field)) for field in zip(*samples))
    if isinstance(first, str):
        return list(samples)
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")


def _tensor_rows(dataset: Dataset) -> tuple[tuple[Tensor, ...], np.ndarray | None] | None:
    """(the arrays, the row index map) when `dataset` is a TensorDataset or Subsets of one."""
    rows = None
    while isinstance(dataset, Subset):
        rows = dataset.indices if rows is None else dataset.indices[rows]
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset):
        return dataset.tensors, rows
    return None


class DataLoader:
    """Iterate over a dataset in batches, as `torch.utils.data.DataLoader` (single process).

    Parameters
    ----------
    dataset : Dataset
        Any object with `__getitem__` and `__len__`.
    batch_size : int
        Samples per batch (default 1).
    shuffle : bool
        Draw a new random order at the start of every pass.
    drop_last : bool
        Drop the last batch when it is smaller than `batch_size`.
    collate_fn : callable, optional
        Turns a list of samples into a batch (default: `default_collate`).
    generator : glassnet.Generator or numpy Generator, optional
        Source of the shuffling order (default: the global generator seeded by `manual_seed`).
    num_workers : int
        Must be 0: glassnet loads batches in the main process.

    Example
    -------
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True,
    ...                     generator=glassnet.Generator().manual_seed(0))
    >>> for xb, yb in loader:
    ...     ...
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        generator: Any = None,
        num_workers: int = 0,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise TypeError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        if num_workers != 0:
            raise ValueError(
                f"DataLoader(num_workers={num_workers}): worker processes are not supported; "
                "glassnet loads batches in the main process, use num_workers=0"
            )
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(
                f"DataLoader: dataset must define __getitem__ and __len__ "
                f"(got {type(dataset).__name__})"
            )
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.generator = generator
        self.num_workers = 0
        self._fast = _tensor_rows(dataset) if collate_fn is None else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray | None:
        """This pass's sample order (None: 0, 1, 2, ... in order)."""
        if self.shuffle:
            return rng_of(self.generator).permutation(len(self.dataset))
        return None

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self._order()
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            if self._fast is not None:
                yield self._fast_batch(order, start, end)
            else:
                idx = range(start, end) if order is None else order[start:end]
                collate = self.collate_fn or default_collate
                yield collate([self.dataset[int(i)] for i in idx])

    def _fast_batch(self, order: np.ndarray | None, start: int, end: int) -> tuple[Tensor, ...]:
        tensors, rows = self._fast
        if order is None and rows is None:
            index: Any = slice(start, end)  # a view: no copy for an in-order pass
        else:
            index = np.arange(start, end) if order is None else order[start:end]
            if rows is not None:
                index = rows[index]
        return tuple(Tensor._wrap(t._data[index]) for t in tensors)
