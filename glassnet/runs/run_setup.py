"""What a gradient run is built from, before its folder exists (`build_parts`), and the
callbacks that write its folder once it does (`run_callbacks`)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glassnet.config import ConfigError
from glassnet.data.loader import DataLoader
from glassnet.distributed import comm
from glassnet.random import Generator
from glassnet.runs.run_files import RunFolderWriter
from glassnet.train import builders, lm_eval
from glassnet.train import distributed as dist_train
from glassnet.train.callbacks import (
    EarlyStopping,
    GradientNormTracker,
    LearningRateMonitor,
    ModelCheckpoint,
)
from glassnet.train.loggers import CSVLogger, JSONLLogger, TensorBoardLogger


@dataclass
class RunParts:
    """Everything a gradient run trains with, built before its folder exists."""

    loss_fn: Any
    metrics: list[str]
    optimizer: Any
    train_loader: Any
    val_loader: Any
    scheduler: Any
    interval: str
    data_parallel: Any = None


def build_parts(
    config: dict[str, Any], model: Any, data: builders.RunData, parallel: bool
) -> RunParts:
    """Loss, metrics, optimizer, loaders and scheduler (each checked as it is built)."""
    t, seed = config["train"], config["seed"]
    loss_fn = builders.build_loss(config, data)
    metrics = builders.default_metrics(config, data)
    optimizer = builders.build_optimizer(config, model.parameters())
    shuffle_gen = Generator(seed)
    data_parallel = None
    if parallel:  # this rank's shard of each epoch; gradients averaged over the ranks
        train_loader = dist_train.train_loader(data.train, config["data"]["batch_size"], seed)
        train_loader.generator = shuffle_gen  # (unused: kept so checkpoints name the same ones)
        data_parallel = dist_train.data_parallel(model)
    else:
        train_loader = DataLoader(
            data.train, batch_size=config["data"]["batch_size"], shuffle=True, generator=shuffle_gen
        )
    val_loader = None
    if data.task == "language":  # one fixed set for every validation loss (train.lm_eval)
        val_loader = lm_eval.eval_loader(data.val, config)
    elif data.val is not None:
        val_loader = DataLoader(data.val, batch_size=max(256, config["data"]["batch_size"]))
        if t["eval_batches"]:
            val_loader = _Limited(val_loader, t["eval_batches"])
    if len(train_loader) == 0:
        raise ConfigError(f"data: the training split of {config['data']['dataset']} is empty")
    steps = t["max_steps_per_epoch"] or len(train_loader)
    scheduler, interval = builders.build_scheduler(config, optimizer, min(steps, len(train_loader)))
    if t.get("tensorboard"):
        try:
            importlib.import_module("glassnet.utils.tensorboard")
        except ImportError as e:
            raise ConfigError(f"train.tensorboard: {e}") from None
    return RunParts(
        loss_fn, metrics, optimizer, train_loader, val_loader, scheduler, interval, data_parallel
    )


def run_callbacks(
    config: dict[str, Any],
    data: builders.RunData,
    run_dir: Path,
    monitor: str,
    parallel: bool,
    parts: RunParts,
) -> list[Any]:
    """The loggers, checkpoints and monitors of a run (on rank 0 of a data-parallel run)."""
    t = config["train"]
    every = t["checkpoint_every"] or None
    callbacks: list[Any] = [
        JSONLLogger(run_dir / "metrics.jsonl", step_every=10),
        CSVLogger(run_dir / "metrics.csv"),
        ModelCheckpoint(
            run_dir,
            monitor=monitor,
            extra={"config": config, "data": data.meta},
            every_n_train_steps=every,
        ),
        GradientNormTracker(every=t["grad_norm_every"]),
        LearningRateMonitor(),
        RunFolderWriter(run_dir, config, every, charts=t["charts"]),
    ]
    if data.task == "language":  # validation every train.eval_every steps, before the loggers
        tokens = config["data"]["batch_size"] * config["data"]["block_size"]
        per_epoch = min(
            t["max_steps_per_epoch"] or len(parts.train_loader), len(parts.train_loader)
        )
        log = run_dir / "metrics.jsonl"
        evals = lm_eval.EvalEvery(parts.val_loader, t["eval_every"], tokens, per_epoch, log)
        callbacks.insert(0, evals)
    if t.get("tensorboard"):
        callbacks.append(TensorBoardLogger(run_dir / "tensorboard", step_every=10))
    if t["early_stopping"]:
        callbacks.append(EarlyStopping(monitor, patience=t["early_stopping"]))
    if parallel:  # rank 0 logs and writes; every rank sees metrics averaged over the ranks
        callbacks = [dist_train.MeanOverRanks()] + (
            callbacks if comm.is_main() else [c for c in callbacks if isinstance(c, EarlyStopping)]
        )
    return callbacks


class _Limited:
    """The first `n` batches of a loader (quick validation on large data sets)."""

    def __init__(self, loader: DataLoader, n: int) -> None:
        self.loader, self.n = loader, n

    def __iter__(self):
        for i, batch in enumerate(self.loader):
            if i >= self.n:
                return
            yield batch

    def __len__(self) -> int:
        return min(self.n, len(self.loader))
