"""DataLoader: batches of samples from a dataset, in a sampler's order, as `torch.utils.data`.

For a `TensorDataset` (or a `Subset` of one) and the default collate, a batch is taken by indexing
the whole arrays at once (one fancy-index per tensor) instead of gathering samples one by one and
stacking them: the same batches, about a hundred times fewer Python calls.

Loading runs in the main process; `num_workers > 0` is accepted and loads in the main process
too (see `DataLoader`), so `get_worker_info()` is always None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

import numpy as np

from glassnet.data.dataset import Dataset, IterableDataset, Subset, TensorDataset
from glassnet.data.distributed import DistributedSampler
from glassnet.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from glassnet.tensor import Tensor

# Samplers whose whole pass `_indices()` gives as one array (drawn when an iterator is created).
_ARRAY_SAMPLERS = (
    SequentialSampler,
    RandomSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    DistributedSampler,
)


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
        fields = [default_collate(list(field)) for field in zip(*samples)]
        return type(first)(*fields) if hasattr(first, "_fields") else type(first)(fields)
    if isinstance(first, str):
        return list(samples)
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays and scalars into tensors, keeping the structure (no batching).

    The collate function of a `DataLoader` with `batch_size=None`: each sample is converted on
    its own. Arrays of strings or objects, Python numbers and other values pass unchanged.

    Example
    -------
    >>> default_convert({"x": np.zeros(3), "id": 7})    # {"x": tensor of shape (3,), "id": 7}
    """
    if isinstance(data, np.ndarray | np.generic):
        if data.dtype.kind in "biufc":
            return Tensor._wrap(np.asarray(data))
        return data
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple | list):
        return type(data)(default_convert(d) for d in data)
    return data


def get_worker_info() -> None:
    """Information about the loader worker process this code runs in: always None here.

    glassnet loads every batch in the main process (also for `num_workers > 0`), which is what
    PyTorch reports as None; a dataset that shards itself by worker id sees one worker, itself.
    """
    return None


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
    """Iterate over a dataset in batches, as `torch.utils.data.DataLoader`.

    A map-style dataset is visited in the order of `sampler` (default: `SequentialSampler`, or
    `RandomSampler(dataset, generator=generator)` when `shuffle`), grouped by `batch_sampler`
    (default: `BatchSampler(sampler, batch_size, drop_last)`) and each batch of samples is joined
    by `collate_fn`. An `IterableDataset` is read as a stream, `batch_size` samples at a time. With
    `batch_size=None` there is no batching: each sample goes through `collate_fn` (default
    `default_convert`) alone. A random order is drawn from `generator` (default: the global
    generator seeded by `manual_seed`) when the pass's iterator is created.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
        Any object with `__getitem__` (and `__len__` for the default samplers), or an
        `IterableDataset`.
    batch_size : int or None
        Samples per batch (default 1); None turns batching off.
    shuffle : bool, optional
        A new random order every pass (map-style datasets only).
    sampler : Sampler or iterable, optional
        The order of indices; excludes `shuffle`.
    batch_sampler : Sampler or iterable of lists, optional
        Yields whole batches of indices; excludes `batch_size`, `shuffle`, `sampler`, `drop_last`.
    num_workers : int
        Accepted for PyTorch scripts, but **no worker processes are started**: every batch is
        loaded in the main process, in the same order and with the same values as with 0
        workers; `worker_init_fn` is not called, `timeout`, `prefetch_factor` and
        `persistent_workers` have no effect beyond PyTorch's argument checks.
    collate_fn : callable, optional
        Turns a list of samples into a batch (default: `default_collate`).
    pin_memory : bool
        Accepted; a no-op (glassnet tensors live in host memory).
    drop_last : bool
        Drop the last batch when it is smaller than `batch_size`.
    timeout, worker_init_fn, multiprocessing_context, prefetch_factor, persistent_workers,
    pin_memory_device, in_order
        Worker-process options, checked as PyTorch checks them and otherwise unused.
    generator : glassnet.Generator or numpy Generator, optional
        Source of the shuffled order.

    Example
    -------
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True,
    ...                     generator=glassnet.Generator().manual_seed(0))
    >>> for xb, yb in loader:
    ...     ...
    """

    _initialized = False

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        _check_worker_options(
            num_workers, timeout, prefetch_factor, persistent_workers, multiprocessing_context
        )
        iterable = _check_dataset(dataset, shuffle, sampler, batch_sampler)
        shuffle = bool(shuffle)
        _check_sampling_options(batch_size, shuffle, sampler, batch_sampler, drop_last)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None and not iterable:
            if shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # checks both values
            if iterable:
                batch_sampler = None  # a stream is batched as it is read

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        batched = batch_size is not None or batch_sampler is not None
        self.collate_fn = collate_fn or (default_collate if batched else default_convert)
        fast = collate_fn is None and batch_sampler is not None and not iterable
        self._fast = _tensor_rows(dataset) if fast else None
        self._initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._initialized and name in _FROZEN:
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            return self._stream()
        if not self._auto_collation:
            return (self.collate_fn(self.dataset[i]) for i in _sample_indices(self.sampler))
        batches = _index_batches(self.batch_sampler)  # a random order is drawn here, now
        if self._fast is not None:
            return (self._fast_batch(index) for index in batches)
        dataset, collate = self.dataset, self.collate_fn
        return (collate([dataset[i] for i in _as_list(index)]) for index in batches)

    def _stream(self) -> Iterator[Any]:
        it = iter(self.dataset)
        if self.batch_size is None:
            for sample in it:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def _fast_batch(self, index: Any) -> tuple[Tensor, ...]:
        tensors, rows = self._fast
        if isinstance(index, list):
            index = np.asarray(index, dtype=np.int64)
        if rows is not None:
            index = rows[index]
        return tuple(Tensor._wrap(t._data[index]) for t in tensors)


_FROZEN = frozenset(
    ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
)


def _check_worker_options(
    num_workers: int,
    timeout: float,
    prefetch_factor: int | None,
    persistent_workers: bool,
    multiprocessing_context: Any,
) -> None:
    """PyTorch's checks of the worker-process options."""
    if num_workers < 0:
        raise ValueError(
            "num_workers option should be non-negative; use num_workers=0 to disable "
            "multiprocessing."
        )
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing. let "
            "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None and num_workers == 0:
        raise ValueError(
            "multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}"
        )


def _check_dataset(dataset: Any, shuffle: Any, sampler: Any, batch_sampler: Any) -> bool:
    """Whether `dataset` is an IterableDataset (checking its options), else map-style."""
    if isinstance(dataset, IterableDataset):
        _check_iterable_options(shuffle, sampler, batch_sampler)
        return True
    if not hasattr(dataset, "__getitem__"):
        raise TypeError(
            "DataLoader: dataset must define __getitem__ (a map-style dataset) or be an "
            f"IterableDataset (got {type(dataset).__name__})"
        )
    return False


def _check_sampling_options(
    batch_size: int | None, shuffle: bool, sampler: Any, batch_sampler: Any, drop_last: bool
) -> None:
    """PyTorch's exclusions: sampler vs shuffle; batch_sampler vs the options it replaces."""
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None:
        if batch_size != 1 or shuffle or sampler is not None or drop_last:
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                "sampler, and drop_last"
            )
    elif batch_size is None and drop_last:
        raise ValueError(
            "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
        )


def _check_iterable_options(shuffle: Any, sampler: Any, batch_sampler: Any) -> None:
    """An IterableDataset takes its order from itself: no shuffle, sampler or batch_sampler."""
    if shuffle not in (False, None):
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified shuffle option, "
            f"but got shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified sampler option, "
            f"but got sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified batch_sampler option, "
            f"but got batch_sampler={batch_sampler}"
        )


def _sample_indices(sampler: Any) -> Iterator[Any]:
    """A pass of `sampler`; a built-in sampler's random order is drawn now."""
    if type(sampler) in _ARRAY_SAMPLERS:
        order = sampler._indices()
        return iter(range(len(sampler)) if order is None else order.tolist())
    return iter(sampler)


def _index_batches(batch_sampler: Any) -> Iterator[Any]:
    """A pass of `batch_sampler` as index batches (slices or int64 arrays for the built-in
    samplers, whatever it yields otherwise); a built-in sampler's random order is drawn now."""
    if (
        type(batch_sampler) is not BatchSampler
        or type(batch_sampler.sampler) not in _ARRAY_SAMPLERS
    ):
        return iter(batch_sampler)
    sampler, size = batch_sampler.sampler, batch_sampler.batch_size
    order = sampler._indices()
    n = len(sampler)
    stop = n - n % size if batch_sampler.drop_last else n
    if order is None:  # in order: slices, so a TensorDataset batch is a view, not a copy
        return (slice(start, min(start + size, n)) for start in range(0, stop, size))
    return (order[start : start + size] for start in range(0, stop, size))


def _as_list(index: Any) -> Any:
    """Sample indices of one batch as Python values (a slice or array becomes ints)."""
    if isinstance(index, slice):
        return range(index.start, index.stop)
    if isinstance(index, np.ndarray):
        return index.tolist()
    return index
