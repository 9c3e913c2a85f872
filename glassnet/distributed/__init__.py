"""Data-parallel training over MPI (mpi4py), the way Horovod and ChainerMN do it.

Start every rank with `mpiexec -n N python train.py` (or `mpiexec -n N glassnet train CONFIG`):

    glassnet.distributed.init()                       # join MPI.COMM_WORLD
    model = DistributedDataParallel(model)            # same start on every rank; grads averaged
    sampler = DistributedSampler(train, seed=0)       # each rank its shard of each epoch
    ... train as usual; print and save only where is_main() ...

`init_process_group`, `get_rank`, `get_world_size`, `all_reduce`, ... are PyTorch's
`torch.distributed` names for the same world (any backend name is accepted and runs on MPI).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.data.distributed import DistributedSampler
from glassnet.distributed import comm
from glassnet.distributed.comm import (
    DistributedError,
    abort,
    barrier,
    check_same,
    is_initialized,
    is_main,
    launched_by_mpi,
    rank,
    world_size,
)
from glassnet.distributed.ddp import DistributedDataParallel
from glassnet.nn import sync_batchnorm
from glassnet.tensor import Tensor


def init(timeout: float | None = None) -> comm.World:
    """Join the MPI world and make it the group of every SyncBatchNorm; returns the world."""
    world = comm.init(timeout)
    sync_batchnorm.default_process_group = world
    return world


def mean_over_ranks(values: dict[str, float]) -> dict[str, float]:
    """Average a dict of numbers (e.g. an epoch's metrics) over all ranks, in one allreduce."""
    if comm.world_size() == 1 or not values:
        return dict(values)
    keys = sorted(values)
    sums = comm.allreduce_(np.array([float(values[k]) for k in keys]), "averaging metrics")
    return {k: float(v) / comm.world_size() for k, v in zip(keys, sums)}


# ------------------------------------------------------------------ torch.distributed's names
class ReduceOp:
    """The reduction of `all_reduce` (SUM and AVG are supported)."""

    SUM = "sum"
    AVG = "avg"


def is_available() -> bool:
    """True when mpi4py and an MPI library can be imported."""
    try:
        comm._mpi()
    except DistributedError:
        return False
    return True


def init_process_group(backend: str | None = None, **kwargs: Any) -> None:
    """PyTorch's name for `init()`: any backend ('mpi', 'gloo', 'nccl') runs on MPI here."""
    init(kwargs.get("timeout").total_seconds() if kwargs.get("timeout") else None)


def destroy_process_group(group: Any = None) -> None:
    """Nothing to release: the MPI world lives as long as the process."""


def get_rank(group: Any = None) -> int:
    return comm.rank()


def get_world_size(group: Any = None) -> int:
    return comm.world_size()


def all_reduce(tensor: Tensor, op: str = ReduceOp.SUM, group: Any = None) -> None:
    """Sum (or average, op=ReduceOp.AVG) `tensor` over all ranks, in place."""
    if op not in (ReduceOp.SUM, ReduceOp.AVG):
        raise ValueError(f"all_reduce: op must be ReduceOp.SUM or ReduceOp.AVG, got {op!r}")
    comm.allreduce_(tensor._data, "all_reduce")
    if op == ReduceOp.AVG:
        tensor._data /= comm.world_size()


def broadcast(tensor: Tensor, src: int = 0, group: Any = None) -> None:
    """Overwrite `tensor` on every rank with rank `src`'s values, in place."""
    comm.broadcast_(tensor._data, root=src)


__all__ = [
    "DistributedDataParallel",
    "DistributedError",
    "DistributedSampler",
    "ReduceOp",
    "abort",
    "all_reduce",
    "barrier",
    "broadcast",
    "check_same",
    "destroy_process_group",
    "get_rank",
    "get_world_size",
    "init",
    "init_process_group",
    "is_available",
    "is_initialized",
    "is_main",
    "launched_by_mpi",
    "mean_over_ranks",
    "rank",
    "world_size",
]
