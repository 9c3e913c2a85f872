"""The training loop: `fit`.

One step of `fit` is the whole of gradient descent:

    output = model(x);  loss = loss_fn(output, y)      # forward
    optimizer.zero_grad();  loss.backward()            # gradients dL/dparam in param.grad
    clip_grad_norm_ (optional);  optimizer.step()      # param <- update(param, grad)

and the rest is bookkeeping: progress output (`progress`), records in a `History`, metrics on
the outputs, callbacks (early stopping, checkpoints, loggers, gradient-norm tracking) and a
scheduler. `fit` runs epochs (`_run_epoch`), an epoch runs steps (`_train_step`).

Two guards sit in the step (`guards`): a NaN/Inf loss or gradient stops training before
`optimizer.step()` (a `ModelCheckpoint` first saves the last good state), and
`fit(resume_from=...)` continues a stopped run from a checkpoint's training state bit for bit
(see `glassnet.train.state`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from glassnet.nn.utils.clip_grad import clip_grad_norm_
from glassnet.random import manual_seed
from glassnet.tensor import Tensor
from glassnet.train import resume as rng
from glassnet.train.batches import (
    EMPTY_TRAINING_DATA,
    as_loader,
    batch_size_of,
    metric_values,
    output_array,
    target_array,
    unpack,
)
from glassnet.train.evaluation import evaluate, predict
from glassnet.train.guards import check_step, fail
from glassnet.train.history import History
from glassnet.train.metrics import MetricFn, get_metric
from glassnet.train.progress import Progress
from glassnet.train.state import FitState, NonFiniteError, load_callback_states, load_training_state

__all__ = ["evaluate", "fit", "predict"]


@dataclass
class _Settings:
    """What every epoch of one `fit` needs besides the `FitState`."""

    train_loader: Iterable
    val_loader: Iterable | None
    metrics: Sequence[str | MetricFn]
    named_metrics: list[tuple[str, MetricFn]]
    params: list[Tensor]
    clip_grad_norm: float | None
    scheduler_interval: str
    limit: int | None
    keep_rng: bool
    progress: Progress
    first_epoch: int = 0
    fit_start: float = 0.0
    wall_before: float = 0.0  # seconds of wall time of this run before a resume


def fit(
    model: Any,
    loss_fn: Callable[[Any, Any], Tensor],
    optimizer: Any,
    train_data: Any,
    val_data: Any = None,
    epochs: int = 1,
    metrics: Sequence[str | MetricFn] = (),
    callbacks: Sequence[Any] = (),
    scheduler: Any = None,
    clip_grad_norm: float | None = None,
    seed: int | None = None,
    quiet: bool | None = None,
    batch_size: int = 32,
    initial_epoch: int = 0,
    scheduler_interval: str = "epoch",
    max_steps_per_epoch: int | None = None,
    resume_from: str | os.PathLike | None = None,
    log_format: str = "auto",
) -> History:
    """Train `model` by minibatch gradient descent; return the `History` of the run.

    Parameters
    ----------
    model : Module
        Called on each batch's input: `output = model(x)`.
    loss_fn : callable
        `loss_fn(output, target)` returns a scalar Tensor.
    optimizer : Optimizer
        Its `zero_grad()` and `step()` are called once per batch.
    train_data, val_data : DataLoader, Dataset or (X, y)
        Batches of (input, target). A Dataset or pair is batched with `batch_size`, shuffled.
    epochs : int
        Number of passes over `train_data` (counted from 0; `initial_epoch` starts later).
    metrics : sequence of str or callable
        Names from `glassnet.train.metrics.METRICS` ("accuracy", "f1", "r2", ...) or functions
        `fn(output, target) -> float`, computed on each epoch's outputs (train) and `val_data`.
    callbacks : sequence of Callback
        Called at the start and end of the run, each epoch and each step (see `callbacks`);
        `ModelCheckpoint`s run after the others.
    scheduler : LRScheduler, optional
        Stepped after each epoch (`scheduler_interval="epoch"`) or each step ("step");
        a ReduceLROnPlateau is stepped with the validation loss (or the training loss).
    clip_grad_norm : float, optional
        Rescale the gradients so that their global 2-norm is at most this
        (`glassnet.nn.utils.clip_grad_norm_`); each step's norm is recorded as `grad_norm`.
    seed : int, optional
        Seeds `glassnet.manual_seed` (shuffling and dropout) before training.
    quiet, log_format : bool or None, str
        Progress output (see `glassnet.train.progress`): `quiet=True` prints nothing;
        `log_format` "auto" is a bar on a terminal and, when not one, plain lines if
        `quiet=False` (nothing if None, the default); "plain" one line per epoch; "json" one
        JSON object per epoch on stdout. Early stopping says why and when it stopped.
    max_steps_per_epoch : int, optional
        Stop each epoch after this many batches (for large data sets and quick runs).
    resume_from : path, optional
        A checkpoint with a training state (a `ModelCheckpoint`'s `last`, or the folder holding
        it): the model, optimizer, scheduler, history, callbacks, position and every random
        generator continue from it, so the run ends exactly as if it had never stopped.

    Each epoch record holds `epoch`, `train_loss`, `train_<metric>`, `val_loss`, `val_<metric>`,
    `lr` and the timings `time` (seconds of the epoch), `samples_per_second` (training samples
    per second of the epoch's training steps) and `wall_time` (seconds since the run began).

    Raises
    ------
    NonFiniteError
        When the loss or a gradient is NaN/Inf, before the optimizer step (the weights stay
        finite; a `ModelCheckpoint` saves the last good state first), or when the validation
        data holds NaN/Inf.

    Example
    -------
    >>> history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3),
    ...               DataLoader(train_set, batch_size=64, shuffle=True), val_data=test_set,
    ...               epochs=10, metrics=["accuracy"])
    >>> history["val_accuracy"][-1]
    """
    _check_arguments(epochs, clip_grad_norm, scheduler_interval)
    if seed is not None:
        manual_seed(seed)
    train_loader = as_loader(train_data, batch_size, True)
    if hasattr(train_loader, "__len__") and len(train_loader) == 0:
        raise ValueError(EMPTY_TRAINING_DATA)
    state = FitState(model, optimizer, loss_fn, scheduler, History(), epochs, epoch=initial_epoch)
    state.callbacks = _ordered(callbacks)
    state.generators = rng.find_generators(model, train_loader)
    rng_now = None if resume_from is None else load_training_state(state, resume_from)
    settings = _Settings(
        train_loader,
        as_loader(val_data, batch_size, False),
        metrics,
        [get_metric(m) for m in metrics],
        [p for group in optimizer.param_groups for p in group["params"]],
        clip_grad_norm,
        scheduler_interval,
        max_steps_per_epoch,
        keep_rng=any(getattr(cb, "save_last", False) for cb in state.callbacks),
        progress=Progress(quiet, log_format),
    )
    state.progress = settings.progress
    _call(state.callbacks, "on_fit_start", state)
    load_callback_states(state)
    _start_clock(state, settings)
    for epoch in range(settings.first_epoch, epochs):
        if state.stop_training:
            break
        _run_epoch(state, settings, epoch, rng_now if epoch == settings.first_epoch else None)
    _call(state.callbacks, "on_fit_end", state)
    if state.history.stop is not None and state.history.stop.get("reason") == "early_stopping":
        from glassnet.train.callbacks import stop_message

        settings.progress.note("stop", stop_message(state.history.stop, epochs), state.history.stop)
    return state.history


def _check_arguments(epochs: int, clip_grad_norm: float | None, scheduler_interval: str) -> None:
    if epochs < 0 or int(epochs) != epochs:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs}")
    if clip_grad_norm is not None and clip_grad_norm <= 0:
        raise ValueError(f"fit: clip_grad_norm must be > 0, got {clip_grad_norm}")
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(
            f"fit: scheduler_interval must be 'epoch' or 'step', got {scheduler_interval!r}"
        )


def _start_clock(state: FitState, settings: _Settings) -> None:
    """Note where the run starts (after a resume) and the wall time it had already taken."""
    settings.first_epoch = state.epoch
    settings.fit_start = time.perf_counter()
    done = [e["wall_time"] for e in state.history.epochs if "wall_time" in e]
    settings.wall_before = float(done[-1]) if done else 0.0


def _ordered(callbacks: Sequence[Any]) -> list[Any]:
    """The callbacks with checkpoint writers last (as Lightning does), so that a checkpoint
    holds every other callback's state after the same epoch or step."""
    from glassnet.train.callbacks import ModelCheckpoint

    cbs = list(callbacks)
    return [c for c in cbs if not isinstance(c, ModelCheckpoint)] + [
        c for c in cbs if isinstance(c, ModelCheckpoint)
    ]


def _call(callbacks: list[Any], hook: str, *args: Any) -> None:
    for cb in callbacks:
        fn = getattr(cb, hook, None)
        if fn is not None:
            fn(*args)


def _run_epoch(
    state: FitState, settings: _Settings, epoch: int, rng_now: dict[str, dict] | None
) -> None:
    """One pass over the training data (the rest of one, after a mid-epoch resume), then
    validation, the scheduler, the epoch record and the callbacks' `on_epoch_end`."""
    mid_epoch = rng_now is not None and state.batch > 0
    if not mid_epoch:
        state.start_epoch(epoch)
    _call(state.callbacks, "on_epoch_start", state)
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
    _call(state.callbacks, "on_epoch_end", state, record)


def _batches_per_epoch(settings: _Settings) -> int | None:
    try:
        n_batches = len(settings.train_loader)
    except TypeError:
        n_batches = None
    if settings.limit is not None:
        n_batches = min(n_batches or settings.limit, settings.limit)
    return n_batches


def _epoch_batches(
    state: FitState, settings: _Settings, epoch: int, rng_now: dict[str, dict] | None
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


def _train_batches(state: FitState, settings: _Settings, batches: Iterator) -> None:
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
        _call(state.callbacks, "on_step_end", state, record)
        settings.progress.update(
            loss=f"{state.loss_sum / state.n_seen:.4f}", lr=f"{record['lr']:.3g}"
        )


_END = object()


def _is_plateau(scheduler: Any) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def _train_step(state: FitState, settings: _Settings, batch: Any) -> dict[str, Any]:
    """One step of gradient descent on `batch`; NaN/Inf stops it before the optimizer step."""
    model, optimizer = state.model, state.optimizer
    x, y = unpack(batch)
    output = model(x)
    loss = state.loss_fn(output, y)
    optimizer.zero_grad()
    loss.backward()
    value = loss.item()
    check_step(state, x, value, settings.params)
    _call(state.callbacks, "on_after_backward", state)
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


def _epoch_record(state: FitState, settings: _Settings, epoch: int) -> dict[str, Any]:
    """The epoch's losses and metrics (training, then validation) and learning rate."""
    record: dict[str, Any] = {"epoch": epoch, "train_loss": state.loss_sum / state.n_seen}
    record.update(metric_values(settings.named_metrics, state.outputs, state.targets, "train_"))
    if settings.val_loader is not None:
        record.update(_validate(state, settings.val_loader, settings.metrics))
    record["lr"] = _lr(state.optimizer)
    return record


def _step_scheduler_at_epoch_end(
    state: FitState, settings: _Settings, record: dict[str, Any]
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
