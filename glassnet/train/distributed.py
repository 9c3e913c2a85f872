"""What a `glassnet train` run does differently on several MPI ranks (`mpiexec -n N`).

Every rank builds the same model from the same seed and trains on its own shard of each epoch
(`DistributedSampler`), so the global batch is N x `data.batch_size` and the learning rate is
the config's; the gradients are averaged over the ranks during backward
(`DistributedDataParallel`'s hooks on the parameters), batch norms become `SyncBatchNorm`.
Checkpoints hold the plain model's state_dict, so a run's checkpoint resumes on any number of
ranks. Only rank 0 prints, logs and writes the run folder; the epoch's training metrics are
averaged over the ranks; validation and test sets are evaluated whole on every rank (the same
model gives the same numbers, so every rank takes the same early-stopping decision).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

import glassnet.distributed as distributed
from glassnet.data.distributed import DistributedSampler
from glassnet.data.loader import DataLoader
from glassnet.distributed import comm
from glassnet.nn.sync_batchnorm import SyncBatchNorm


def start(config: dict[str, Any], requested: bool = False) -> bool:
    """Join the MPI world when launched by mpiexec (or `requested`); True with 2+ ranks.

    All ranks must hold the same configuration: a difference is an error on every rank.
    """
    if not (requested or comm.launched_by_mpi()):
        return False
    world = distributed.init()
    comm.check_same(json.dumps(config, sort_keys=True), "configuration")
    return world.size > 1


def shared_path(path: Path | None) -> Path:
    """Rank 0's `path` on every rank (rank 0 names the run folder; the others read from it)."""
    raw = np.zeros(4096, dtype=np.uint8)
    if comm.is_main():
        encoded = str(path).encode()
        if len(encoded) >= raw.size:
            raise ValueError(f"distributed run: the run folder path is too long ({path})")
        raw[: len(encoded)] = np.frombuffer(encoded, dtype=np.uint8)
    comm.broadcast_(raw, what="the run folder's path from rank 0")
    return Path(bytes(raw[raw > 0]).decode())


def train_loader(dataset: Any, batch_size: int, seed: int) -> DataLoader:
    """This rank's loader: its shard of each epoch, reshuffled from `seed + epoch`."""
    return DataLoader(
        dataset, batch_size=batch_size, sampler=DistributedSampler(dataset, seed=seed)
    )


def data_parallel(model: Any) -> Any:
    """Convert batch norms to SyncBatchNorm and start averaging gradients; returns the handle
    (keep it alive for the run: its hooks on the parameters do the averaging)."""
    SyncBatchNorm.convert_sync_batchnorm(model)
    return distributed.DistributedDataParallel(model)


class MeanOverRanks:
    """A `fit` callback (put first): each epoch's training metrics averaged over the ranks."""

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        local = {k: v for k, v in record.items() if k.startswith("train_")}
        record.update(distributed.mean_over_ranks(local))
