"""DistributedSampler: each of `num_replicas` processes loads its own share of a dataset.

As `torch.utils.data.distributed.DistributedSampler`: every pass, one order of the whole dataset
is drawn from ``seed + epoch`` (the same on every process), padded by repeating its start to a
multiple of `num_replicas` (or cut down to one, with `drop_last`), and process `rank` takes
every `num_replicas`-th index from position `rank` on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized

import numpy as np

from glassnet.data.sampler import Sampler


def _process_group() -> tuple[int, int]:
    """(world size, rank) of an initialised glassnet.distributed process group."""
    try:  # looked up only when asked: distributed sits downstream of data
        import glassnet.distributed as distributed
    except ImportError:
        distributed = None  # getattr below then finds no process group
    is_initialized = getattr(distributed, "is_initialized", lambda: False)
    if not is_initialized():
        raise RuntimeError(
            "DistributedSampler: num_replicas and rank default to the process group's, but "
            "no process group is initialised; pass num_replicas= and rank=, or call "
            "glassnet.distributed.init_process_group first"
        )
    return distributed.get_world_size(), distributed.get_rank()


class DistributedSampler(Sampler):
    """The indices of `dataset` that process `rank` of `num_replicas` loads, as PyTorch's.

    Every process gets ``num_samples = ceil(n / num_replicas)`` indices (with `drop_last` and
    n not a multiple: ``ceil((n - num_replicas) / num_replicas)``). Call `set_epoch(epoch)`
    before each pass so that the shuffled order changes between passes.

    Parameters
    ----------
    dataset : sized
        The dataset (only its length is used).
    num_replicas, rank : int, optional
        Number of processes and this one's index (default: the initialised process group's).
    shuffle : bool
        Shuffle the order with a generator seeded by ``seed + epoch`` (default True).
    seed : int
        Must be the same on every process.
    drop_last : bool
        Cut the order to a multiple of `num_replicas` instead of padding it.

    Example
    -------
    >>> sampler = DistributedSampler(train_set, num_replicas=4, rank=rank)
    >>> loader = DataLoader(train_set, batch_size=32, sampler=sampler)
    >>> for epoch in range(epochs):
    ...     sampler.set_epoch(epoch)
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            world, own = _process_group()
            num_replicas = world if num_replicas is None else num_replicas
            rank = own if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        self.shuffle = shuffle
        self.seed = seed
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def _indices(self) -> np.ndarray:
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = np.arange(n)
        order = np.resize(order, self.total_size)  # pads by repeating the start, or cuts
        return order[self.rank : self.total_size : self.num_replicas]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the pass number: with `shuffle`, each epoch gets its own order."""
        self.epoch = epoch
