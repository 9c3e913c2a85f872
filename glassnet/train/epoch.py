"""One epoch of `fit`: a pass over the training data in steps, then validation, the scheduler,
the epoch's record and the callbacks.

    run_epoch     the epoch: progress, the steps (`_train_batches`), its record and timings
    _train_step   one step of gradient descent: forward, loss, backward, guards, clip, update

`FitSettings` holds what every epoch of one run needs besides the `FitState` (the loaders, the
metrics, the clipping and scheduling choices, the progress output).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from glassnet.nn.utils.clip_grad import clip_grad_norm_
from glassnet.tensor import Tensor
from glassnet.train import resume as rng
from glassnet.train.batches import batch_size_of, metric_values, output_array, target_array, unpack
from glassnet.train.evaluation import evaluate
from glassnet.train.guards import check_step, fail
from glassnet.train.metrics import MetricFn, get_metric
from glassnet.train.progress import Progress
from glassnet.train.state import FitState, NonFiniteError


@dataclass
class FitSettings:
    """What every epoch of one `fit` needs besides the `FitState`: the loaders, the metrics (as
    given, and as (name, function) pairs), the clipping and scheduling choices and the epoch's
    step limit. The parameters, whether each step notes the generators' position (for a
    checkpoint of a failed step), the progress output and the clock are set as the run starts."""

    train_loader: Iterable
    val_loader: Iterable | None
    metrics: Sequence[str | MetricFn]
    clip_grad_norm: float | None
    scheduler_interval: str
    limit: int | None
    named_metrics: list[tuple[str, MetricFn]] = field(init=False)
    params: list[Tensor] = field(default_factory=list)
    keep_rng: bool = False
    progress: Progress | None = None
    first_epoch: int = 0
    fit_start: float = 0.0
    wall_before: float = 0.0  # seconds of wall time of this run before a resume

    def __post_init__(self) -> None:
        self.named_metrics = [get_metric(m) for m in self.metrics]


def call_hooks(callbacks: list[Any], hook: str, *args: Any) -> None:
    """Call `hook(*args)` on every callback that has it, in order."""
    for cb in callbacks:
        fn = getattr(cb, hook, None)
        if fn is not None:
            fn(*args)


def run_epoch(
    state: FitState, settings: FitSettings, epoch: int, rng_now: dict[str, dict] | None
) -> None:
    """One pass over the training data (the rest of one, after a mid-epoch resume), then
    validation, the scheduler, the epoch record and the callbacks' `on_epoch_end`."""
    mid_epoch = rng_now is not None and state.batch > 0
    if not mid_epoch:
        state.start_epoch(epoch)
    call_hooks(state.callbacks, "on_epoch_start", state)
    state.model.train()
    settings.progress.start(epoch + 1, state.epochs, _batches_per_epoch(settings))
    epoch_start = time.perf_counter()
    seen_before = state.n_seen
    _train_batches(state, settings, _epoch_batches(state, settings, epoch, rng_now))
    if state.batch == 0:
        raise ValueError(f"fit: the training data gave no batch in epoch {epoch + 1}")
    train_seconds = time.perf_counter() - epoch_start
    record = _epoch_record(state, settings, epoch)
    now = time.perf_counter()
    record["time"] = now - epoch_start
    record["samples_per_second"] = (state.n_seen - seen_before) / max(train_seconds, 1e-9)
    record["wall_time"] = settings.wall_before + now - settings.fit_start
    _step_scheduler_at_epoch_end(state, settings, record)
    state.history.epochs.append(record)
    state.epoch_done = True
    per_epoch = (now - settings.fit_start) / (epoch + 1 - settings.first_epoch)
    settings.progress.end(epoch + 1, state.epochs, record, per_epoch * (state.epochs - epoch - 1))
    call_hooks(state.callbacks, "on_epoch_end", state, record)


def _batches_per_epoch(settings: FitSettings) -> int | None:
    try:
        n_batches = len(settings.train_loader)
    except TypeError:
        n_batches = None
    if settings.limit is not None:
        n_batches = min(n_batches or settings.limit, settings.limit)
    return n_batches


def _epoch_batches(
    state: FitState, settings: FitSettings, epoch: int, rng_now: dict[str, dict] | None
) -> Iterator:
    """The epoch's batch iterator; after a mid-epoch resume, the epoch's order is drawn again
    from its starting generators and the batches already done are skipped."""
    mid_epoch = rng_now is not None and state.batch > 0
    sampler = getattr(settings.train_loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):  # a DistributedSampler: this epoch's shard
        sampler.set_epoch(epoch)
    if mid_epoch:  # the epoch's order is drawn as the iterator is made: replay its start
        rng.restore(state.generators, state.rng_epoch_start)
    batches = iter(settings.train_loader)
    if mid_epoch:
        for _ in range(state.batch):
            next(batches)
        rng.restore(state.generators, rng_now)
    return batches


def _train_batches(state: FitState, settings: FitSettings, batches: Iterator) -> None:
    """Train on `batches` until they end or the epoch's step limit; progress after each."""
    step_scheduler = state.scheduler is not None and settings.scheduler_interval == "step"
    step_scheduler = step_scheduler and not _is_plateau(state.scheduler)
    while settings.limit is None or state.batch < settings.limit:
        if settings.keep_rng:  # the position before this step, for a checkpoint if it fails
            state.rng_before_step = rng.snapshot(state.generators)
        batch = next(batches, _END)
        if batch is _END:
            break
        record = _train_step(state, settings, batch)
        if step_scheduler:
            state.scheduler.step()
        state.step += 1
        state.batch += 1
        call_hooks(state.callbacks, "on_step_end", state, record)
        settings.progress.update(
            loss=f"{state.loss_sum / state.n_seen:.4f}", lr=f"{record['lr']:.3g}"
        )


_END = object()


def _is_plateau(scheduler: Any) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def _train_step(state: FitState, settings: FitSettings, batch: Any) -> dict[str, Any]:
    """One step of gradient descent on `batch`; NaN/Inf stops it before the optimizer step."""
    model, optimizer = state.model, state.optimizer
    x, y = unpack(batch)
    output = model(x)
    loss = state.loss_fn(output, y)
    optimizer.zero_grad()
    loss.backward()
    value = loss.item()
    check_step(state, x, value, settings.params)
    call_hooks(state.callbacks, "on_after_backward", state)
    record: dict[str, Any] = {
        "step": state.step,
        "epoch": state.epoch,
        "loss": value,
        "lr": _lr(optimizer),
    }
    if settings.clip_grad_norm is not None:
        record["grad_norm"] = float(clip_grad_norm_(settings.params, settings.clip_grad_norm))
    optimizer.step()
    n = batch_size_of(y)
    state.loss_sum += value * n
    state.n_seen += n
    if settings.named_metrics:
        state.outputs.append(output_array(output))
        state.targets.append(target_array(y))
    state.history.add_step(record)
    return record


def _lr(optimizer: Any) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _epoch_record(state: FitState, settings: FitSettings, epoch: int) -> dict[str, Any]:
    """The epoch's losses and metrics (training, then validation) and learning rate."""
    record: dict[str, Any] = {"epoch": epoch, "train_loss": state.loss_sum / state.n_seen}
    record.update(metric_values(settings.named_metrics, state.outputs, state.targets, "train_"))
    if settings.val_loader is not None:
        record.update(_validate(state, settings.val_loader, settings.metrics))
    record["lr"] = _lr(state.optimizer)
    return record


def _step_scheduler_at_epoch_end(
    state: FitState, settings: FitSettings, record: dict[str, Any]
) -> None:
    scheduler = state.scheduler
    if scheduler is None:
        return
    if _is_plateau(scheduler):
        scheduler.step(record.get("val_loss", record["train_loss"]))
    elif settings.scheduler_interval == "epoch":
        scheduler.step()


def _validate(state: FitState, val_loader: Any, metrics: Sequence[Any]) -> dict[str, float]:
    """The validation record of this epoch; NaN/Inf in the data or the loss stops the run."""
    where = f"at epoch {state.epoch + 1}"
    try:
        val = evaluate(state.model, state.loss_fn, val_loader, metrics=metrics)
    except NonFiniteError as e:
        raise fail(state, f"fit: the validation data {where}: {e}") from None
    if "loss" in val and not math.isfinite(val["loss"]):
        raise fail(
            state,
            f"fit: the validation loss became {val['loss']} {where}, although the validation "
            "inputs are finite: the model's outputs overflow; lower the learning rate",
        )
    return {f"val_{k}": v for k, v in val.items()}
