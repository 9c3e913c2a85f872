"""The training loop: `fit`.

One step of `fit` is the whole of gradient descent:

    output = model(x);  loss = loss_fn(output, y)      # forward
    optimizer.zero_grad();  loss.backward()            # gradients dL/dparam in param.grad
    clip_grad_norm_ (optional);  optimizer.step()      # param <- update(param, grad)

and the rest is bookkeeping: progress output (`progress`), records in a `History`, metrics on
the outputs, callbacks (early stopping, checkpoints, loggers, gradient-norm tracking) and a
scheduler. `fit` checks its arguments and sets the run up, starts it (`_start`: the resume, the
callbacks' `on_fit_start`, the clock) and runs the epochs (`_run_epochs`); an epoch and its
steps are in `glassnet.train.epoch`.

Records. Each epoch record holds `epoch`, `train_loss`, `train_<metric>`, `val_loss`,
`val_<metric>`, `lr` and the timings `time` (seconds of the epoch), `samples_per_second`
(training samples per second of the epoch's training steps) and `wall_time` (seconds since the
run began); each step record `step`, `epoch`, `loss`, `lr` (and `grad_norm` when clipping).

Progress (`glassnet.train.progress`): `quiet=True` prints nothing; `log_format` "auto" is a bar
on a terminal and, when not one, plain lines if `quiet=False` (nothing if None, the default);
"plain" one line per epoch; "json" one JSON object per epoch on stdout. Early stopping says why
and when it stopped.

Callbacks are called at the start and end of the run, each epoch and each step; the
`ModelCheckpoint`s run after the others, so that a checkpoint holds every other callback's
state after the same epoch or step.

Two guards sit in the step (`guards`): a NaN/Inf loss or gradient stops training before
`optimizer.step()` (a `ModelCheckpoint` first saves the last good state), and
`fit(resume_from=...)` continues a stopped run from a checkpoint's training state bit for bit:
the model, optimizer, scheduler, history, callbacks, position and every random generator
continue from it, so the run ends exactly as if it had never stopped (see
`glassnet.train.state`).

Example
-------
>>> history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3),
...               DataLoader(train_set, batch_size=64, shuffle=True), val_data=test_set,
...               epochs=10, metrics=["accuracy"])
>>> history["val_accuracy"][-1]
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from glassnet.random import manual_seed
from glassnet.tensor import Tensor
from glassnet.train import resume as rng
from glassnet.train.batches import EMPTY_TRAINING_DATA, as_loader
from glassnet.train.epoch import FitSettings, call_hooks, run_epoch
from glassnet.train.evaluation import evaluate, predict
from glassnet.train.history import History
from glassnet.train.metrics import MetricFn
from glassnet.train.progress import Progress
from glassnet.train.state import FitState, load_callback_states, load_training_state

__all__ = ["evaluate", "fit", "predict"]


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
    """Train `model` by minibatch gradient descent; return the `History` of the run (records,
    progress output, callbacks and resuming: see the module docstring).

    Parameters
    ----------
    model, loss_fn, optimizer : Module, callable, Optimizer
        `loss = loss_fn(model(x), y)` (a scalar); `optimizer.zero_grad()`, `.step()` per batch.
    train_data, val_data, batch_size : DataLoader, Dataset or (X, y); int
        Batches of (input, target); a Dataset or pair is batched by `batch_size` (train shuffled).
    epochs, initial_epoch, max_steps_per_epoch : int
        Run epochs `initial_epoch` .. `epochs - 1`, each of at most `max_steps_per_epoch` batches.
    metrics, callbacks : sequence
        Metric names (`train.metrics.METRICS`) or `fn(output, target) -> float`, on the training
        outputs and `val_data`; `Callback`s (early stopping, checkpoints, loggers, ...).
    scheduler, scheduler_interval : LRScheduler or None, "epoch" or "step"
        Stepped after each epoch or step (a ReduceLROnPlateau with the val or the train loss).
    clip_grad_norm, seed : float, int, optional
        Gradient 2-norm limit (`nn.utils.clip_grad_norm_`, recorded as `grad_norm`); the seed of
        `glassnet.manual_seed` (shuffling, dropout) before training.
    quiet, log_format, resume_from : bool or None, "auto" | "plain" | "json", path or None
        Progress output; a checkpoint whose training state the run continues bit for bit.

    Raises
    ------
    NonFiniteError
        A NaN/Inf loss or gradient (before the optimizer step), or NaN/Inf validation data.
    """
    _check_arguments(epochs, clip_grad_norm, scheduler_interval)
    if seed is not None:
        manual_seed(seed)
    train_loader = _train_loader(train_data, batch_size)
    state = _fit_state(model, loss_fn, optimizer, scheduler, epochs, initial_epoch, callbacks)
    state.generators = rng.find_generators(model, train_loader)
    val_loader = as_loader(val_data, batch_size, False)
    settings = FitSettings(
        train_loader, val_loader, metrics, clip_grad_norm, scheduler_interval, max_steps_per_epoch
    )
    rng_now = _start(state, settings, resume_from, Progress(quiet, log_format))
    _run_epochs(state, settings, rng_now)
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


def _train_loader(train_data: Any, batch_size: int) -> Iterable:
    """The training batches (shuffled when `fit` batches them); empty training data refused."""
    train_loader = as_loader(train_data, batch_size, True)
    if hasattr(train_loader, "__len__") and len(train_loader) == 0:
        raise ValueError(EMPTY_TRAINING_DATA)
    return train_loader


def _fit_state(
    model: Any,
    loss_fn: Any,
    optimizer: Any,
    scheduler: Any,
    epochs: int,
    initial_epoch: int,
    callbacks: Sequence[Any],
) -> FitState:
    """A new run's state at `initial_epoch`, with an empty history and the callbacks ordered."""
    state = FitState(model, optimizer, loss_fn, scheduler, History(), epochs, epoch=initial_epoch)
    state.callbacks = _ordered(callbacks)
    return state


def _start(
    state: FitState, settings: FitSettings, resume_from: Any, progress: Progress
) -> dict[str, dict] | None:
    """Start the run: resume from `resume_from` (its training state loaded into `state`), note
    the parameters and the progress output, call `on_fit_start`, restore the callbacks' saved
    states and start the clock. Returns the generators' position to continue from after a
    resume (None for a fresh run)."""
    rng_now = None if resume_from is None else load_training_state(state, resume_from)
    settings.params = [p for group in state.optimizer.param_groups for p in group["params"]]
    settings.keep_rng = any(getattr(cb, "save_last", False) for cb in state.callbacks)
    settings.progress = state.progress = progress
    call_hooks(state.callbacks, "on_fit_start", state)
    load_callback_states(state)
    _start_clock(state, settings)
    return rng_now


def _run_epochs(state: FitState, settings: FitSettings, rng_now: dict[str, dict] | None) -> None:
    """The epochs from the first still to run (a resumed one continues at `rng_now`) to the
    last, or until a callback stops training; then `on_fit_end` and the early-stopping note."""
    for epoch in range(settings.first_epoch, state.epochs):
        if state.stop_training:
            break
        run_epoch(state, settings, epoch, rng_now if epoch == settings.first_epoch else None)
    call_hooks(state.callbacks, "on_fit_end", state)
    stop = state.history.stop
    if stop is not None and stop.get("reason") == "early_stopping":
        from glassnet.train.callbacks import stop_message

        settings.progress.note("stop", stop_message(stop, state.epochs), stop)


def _start_clock(state: FitState, settings: FitSettings) -> None:
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
