"""`DistributedSampler`: each rank its own shard of the data set, as PyTorch's.

For N examples over R ranks, an epoch's order is one permutation of range(N), the same on every
rank (drawn from `seed + epoch`), padded by repeating its first examples to a multiple of R
(or cut down to one, with drop_last). Rank r takes every R-th index starting at r:

    indices = order[r : R * ceil(N / R) : R]        (N/R rounded down with drop_last)

so the shards do not overlap, together cover the data, and are equally long (no rank waits).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.distributed import comm


class DistributedSampler:
    """Indices of this rank's shard of `dataset`, reshuffled each epoch (call `set_epoch`).

    Parameters
    ----------
    dataset : sized
        Anything with `len()`.
    num_replicas, rank : int, optional
        Default: the MPI world's size and this process's rank.
    shuffle : bool
        A new permutation each epoch, from `seed + epoch` (the same on every rank).
    seed : int
        Shared by all ranks.
    drop_last : bool
        Drop the tail instead of padding it.

    Example
    -------
    >>> sampler = DistributedSampler(train, shuffle=True, seed=0)
    >>> for epoch in range(epochs):
    ...     sampler.set_epoch(epoch)
    ...     for x, y in DataLoader(train, batch_size=64, sampler=sampler): ...
    """

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        num_replicas = comm.world_size() if num_replicas is None else num_replicas
        rank = comm.rank() if rank is None else rank
        if not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(
                f"DistributedSampler: num_replicas must be a positive integer, got {num_replicas!r}"
            )
        if not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(
                f"DistributedSampler: invalid rank {rank!r}, rank should be in the interval "
                f"[0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.shuffle = shuffle
        self.seed = int(seed)
        self.drop_last = drop_last
        self.epoch = 0
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = n // num_replicas
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def set_epoch(self, epoch: int) -> None:
        """Use the permutation of this epoch (the same `epoch` on every rank)."""
        self.epoch = int(epoch)

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = np.arange(n)
        if self.total_size > n:  # pad by repeating from the start (several times if needed)
            order = np.resize(order, self.total_size)
        order = order[: self.total_size]
        return iter(order[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples
