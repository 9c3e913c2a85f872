"""The training loop: `fit`, `evaluate` and `predict`.

One step of `fit` is the whole of gradient descent:

    output = model(x);  loss = loss_fn(output, y)      # forward
    optimizer.zero_grad();  loss.backward()            # gradients dL/dparam in param.grad
    clip_grad_norm (optional);  optimizer.step()       # param <- update(param, grad)

and the rest is bookkeeping: a progress bar, records in a `History`, metrics on the outputs,
callbacks (early stopping, checkpoints, loggers, gradient-norm tracking) and a scheduler.

Two guards sit in the step: a NaN/Inf loss or gradient stops training before `optimizer.step()`
(a `ModelCheckpoint` first saves the last good state), and `fit(resume_from=...)` continues a
stopped run from a checkpoint's training state bit for bit (see `glassnet.train.state`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.data.dataset import Dataset, TensorDataset
from glassnet.data.loader import DataLoader
from glassnet.random import manual_seed
from glassnet.tensor import Tensor
from glassnet.train import resume as rng
from glassnet.train.history import History
from glassnet.train.metrics import MetricFn, get_metric
from glassnet.train.progress import Progress
from glassnet.train.state import FitState, NonFiniteError, load_callback_states, load_training_state

EMPTY_TRAINING_DATA = "fit: the training data is empty (no samples, so no batch to train on)"


def _as_loader(data: Any, batch_size: int, shuffle: bool, generator: Any) -> Iterable:
    """A DataLoader for a DataLoader, a Dataset or an (X, y) pair."""
    if data is None or isinstance(data, DataLoader):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        data = TensorDataset(*data)
    if isinstance(data, Dataset):
        if shuffle and len(data) == 0:  # (a random sampler refuses an empty set less clearly)
            raise ValueError(
                "fit: the training data is empty (no samples, so no batch to train on)"
            )
        return DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator)
    if isinstance(data, Iterable):
        return data
    raise TypeError(
        f"fit: data must be a DataLoader, a Dataset or an (X, y) pair, got {type(data).__name__}"
    )


def _lr(optimizer: Any) -> float:
    return float(optimizer.param_groups[0]["lr"])


def clip_grad_norm_(parameters: Iterable[Tensor], max_norm: float) -> float:
    """Scale all gradients by min(1, max_norm / ||g||), ||g|| the norm of all of them together.

    Returns the total norm before clipping (as `torch.nn.utils.clip_grad_norm_`).
    """
    grads = [p.grad._data for p in parameters if p.grad is not None]
    total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= g.dtype.type(scale)
    return total


def _unpack(batch: Any) -> tuple[Any, Any]:
    if isinstance(batch, tuple | list) and len(batch) == 2:
        return batch[0], batch[1]
    raise ValueError(
        f"fit: each batch must be an (input, target) pair, got {type(batch).__name__}"
        + (f" of length {len(batch)}" if hasattr(batch, "__len__") else "")
    )


def _metric_values(
    metrics: Sequence[tuple[str, MetricFn]], outputs: list, targets: list, prefix: str
) -> dict[str, float]:
    if not metrics or not outputs:
        return {}
    out = np.concatenate([o.reshape(-1, o.shape[-1]) if o.ndim > 1 else o for o in outputs])
    tgt = np.concatenate(
        [t.reshape(-1, *t.shape[2:]) if o.ndim > 2 else t for o, t in zip(outputs, targets)]
    )
    return {f"{prefix}{name}": fn(out, tgt) for name, fn in metrics}


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


def _nonfinite(a: Any) -> int:
    """How many NaN/Inf values `a` (a Tensor, array or anything else) holds."""
    a = a._data if isinstance(a, Tensor) else a
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "fc":
        return 0
    return int(a.size - np.count_nonzero(np.isfinite(a)))


def _bad_gradient(model: Any, params: list[Tensor]) -> str | None:
    """The name of the first parameter whose gradient holds a NaN/Inf, or None.

    One sum per gradient (a NaN or Inf anywhere makes the sum non-finite); only when a sum is
    non-finite is the gradient checked element by element, since a sum of huge finite values
    may overflow."""
    for p in params:
        g = p.grad
        if g is None or math.isfinite(float(g._data.sum())):
            continue
        if _nonfinite(g):
            names = {id(q): n for n, q in getattr(model, "named_parameters", lambda: [])()}
            return names.get(id(p), f"a parameter of shape {p._data.shape}")
    return None


def _fail(state: FitState, message: str) -> NonFiniteError:
    """Stop on a NaN/Inf: let the callbacks save the last good state, then the error to raise."""
    error = NonFiniteError(message, state.epoch, state.step)
    _call(state.callbacks, "on_exception", state, error)
    return error


def _skip_done(batches: Any, state: FitState, rng_now: dict[str, dict]) -> None:
    """Mid-epoch resume: skip the batches already trained on (the iterator was made from the
    epoch's starting generators), then put every generator where the checkpoint found it."""
    for _ in range(state.batch):
        next(batches)
    rng.restore(state.generators, rng_now)


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
        `fn(output, target) -> float`, computed on each epoch's outputs (train) and on `val_data`.
    callbacks : sequence of Callback
        Called at the start and end of the run, each epoch and each step (see `callbacks`);
        `ModelCheckpoint`s run after the others.
    scheduler : LRScheduler, optional
        Stepped after each epoch (`scheduler_interval="epoch"`) or each step ("step");
        a ReduceLROnPlateau is stepped with the validation loss (or the training loss).
    clip_grad_norm : float, optional
        Rescale the gradients so that their global norm is at most this.
    seed : int, optional
        Seeds `glassnet.manual_seed` (shuffling and dropout) before training.
    quiet : bool, optional
        True: no progress output. None (default): a bar on a terminal, nothing otherwise.
        False: a bar on a terminal, one plain line per epoch otherwise (for log files).
    max_steps_per_epoch : int, optional
        Stop each epoch after this many batches (for large data sets and quick runs).
    resume_from : path, optional
        A checkpoint with a training state (a `ModelCheckpoint`'s `last`, or the folder holding
        it): the model, optimizer, scheduler, history, callbacks, position and every random
        generator continue from it, so the run ends exactly as if it had never stopped (same
        data, model, optimizer, callbacks and arguments as the run that wrote it).

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
    if epochs < 0 or int(epochs) != epochs:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs}")
    if clip_grad_norm is not None and clip_grad_norm <= 0:
        raise ValueError(f"fit: clip_grad_norm must be > 0, got {clip_grad_norm}")
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(
            f"fit: scheduler_interval must be 'epoch' or 'step', got {scheduler_interval!r}"
        )
    if seed is not None:
        manual_seed(seed)
    train_loader = _as_loader(train_data, batch_size, True, None)
    val_loader = _as_loader(val_data, batch_size, False, None)
    if hasattr(train_loader, "__len__") and len(train_loader) == 0:
        raise ValueError(EMPTY_TRAINING_DATA)
    named_metrics = [get_metric(m) for m in metrics]
    params = [p for group in optimizer.param_groups for p in group["params"]]
    plateau = type(scheduler).__name__ == "ReduceLROnPlateau"

    state = FitState(model, optimizer, loss_fn, scheduler, History(), epochs, epoch=initial_epoch)
    state.callbacks = callbacks = _ordered(callbacks)
    state.generators = rng.find_generators(model, train_loader)
    keep_rng = any(getattr(cb, "save_last", False) for cb in callbacks)
    rng_now = None
    if resume_from is not None:
        rng_now = load_training_state(state, resume_from)
    progress = Progress(quiet)
    _call(callbacks, "on_fit_start", state)
    load_callback_states(state)

    first_epoch = state.epoch
    fit_start = time.perf_counter()
    for epoch in range(first_epoch, epochs):
        if state.stop_training:
            break
        mid_epoch = rng_now is not None and epoch == first_epoch and state.batch > 0
        if not mid_epoch:
            state.start_epoch(epoch)
        _call(callbacks, "on_epoch_start", state)
        model.train()
        try:
            n_batches = len(train_loader)
        except TypeError:
            n_batches = None
        limit = max_steps_per_epoch
        if limit is not None:
            n_batches = min(n_batches or limit, limit)
        progress.start(epoch + 1, epochs, n_batches)
        epoch_start = time.perf_counter()
        sampler = getattr(train_loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):  # a DistributedSampler: this epoch's shard
            sampler.set_epoch(epoch)
        if mid_epoch:  # the epoch's order is drawn as the iterator is made: replay its start
            rng.restore(state.generators, state.rng_epoch_start)
        batches = iter(train_loader)
        if mid_epoch:
            _skip_done(batches, state, rng_now)
        while limit is None or state.batch < limit:
            if keep_rng:  # the position before this step, for a checkpoint if it fails
                state.rng_before_step = rng.snapshot(state.generators)
            batch = next(batches, _END)
            if batch is _END:
                break
            record = _train_step(state, batch, params, clip_grad_norm, named_metrics)
            if scheduler is not None and scheduler_interval == "step" and not plateau:
                scheduler.step()
            state.step += 1
            state.batch += 1
            _call(callbacks, "on_step_end", state, record)
            elapsed = time.perf_counter() - epoch_start
            progress.update(
                loss=f"{state.loss_sum / state.n_seen:.4f}",
                lr=f"{record['lr']:.3g}",
                **{"samples/s": f"{state.n_seen / max(elapsed, 1e-9):.0f}"},
            )
        if state.batch == 0:
            raise ValueError(f"fit: the training data gave no batch in epoch {epoch + 1}")
        epoch_record: dict[str, Any] = {"epoch": epoch, "train_loss": state.loss_sum / state.n_seen}
        epoch_record.update(_metric_values(named_metrics, state.outputs, state.targets, "train_"))
        if val_loader is not None:
            epoch_record.update(_validate(state, val_loader, metrics))
        epoch_record["lr"] = _lr(optimizer)
        epoch_record["time"] = time.perf_counter() - epoch_start
        if scheduler is not None and (scheduler_interval == "epoch" or plateau):
            if plateau:
                scheduler.step(epoch_record.get("val_loss", epoch_record["train_loss"]))
            else:
                scheduler.step()
        state.history.epochs.append(epoch_record)
        state.epoch_done = True
        per_epoch = (time.perf_counter() - fit_start) / (epoch + 1 - first_epoch)
        progress.end(epoch + 1, epochs, epoch_record, per_epoch * (epochs - epoch - 1))
        _call(callbacks, "on_epoch_end", state, epoch_record)
    _call(callbacks, "on_fit_end", state)
    return state.history


_END = object()


def _train_step(
    state: FitState,
    batch: Any,
    params: list[Tensor],
    clip_grad_norm: float | None,
    named_metrics: list,
) -> dict[str, Any]:
    """One step of gradient descent on `batch`; NaN/Inf stops it before the optimizer step."""
    model, optimizer = state.model, state.optimizer
    x, y = _unpack(batch)
    output = model(x)
    loss = state.loss_fn(output, y)
    optimizer.zero_grad()
    loss.backward()
    value = loss.item()
    where = f"at epoch {state.epoch + 1}, step {state.step}"
    if not math.isfinite(value):
        bad = _nonfinite(x)
        cause = f"; the batch's inputs hold {bad} NaN/Inf values" if bad else ""
        raise _fail(
            state,
            f"fit: the loss became {value} {where}{cause}; stopped before the optimizer step, "
            "so the weights are still finite; lower the learning rate or clip gradients",
        )
    bad_param = _bad_gradient(model, params)
    if bad_param is not None:
        raise _fail(
            state,
            f"fit: the gradient of {bad_param} holds NaN/Inf {where} (the loss is {value}); "
            "stopped before the optimizer step, so the weights are still finite; lower the "
            "learning rate or clip gradients",
        )
    _call(state.callbacks, "on_after_backward", state)
    record: dict[str, Any] = {
        "step": state.step,
        "epoch": state.epoch,
        "loss": value,
        "lr": _lr(optimizer),
    }
    if clip_grad_norm is not None:
        record["grad_norm"] = clip_grad_norm_(params, clip_grad_norm)
    optimizer.step()
    n = len(y) if hasattr(y, "__len__") else 1
    state.loss_sum += value * n
    state.n_seen += n
    if named_metrics:
        state.outputs.append(_output_array(output))
        state.targets.append(np.asarray(y._data if isinstance(y, Tensor) else y))
    state.history.add_step(record)
    return record


def _validate(state: FitState, val_loader: Any, metrics: Sequence[Any]) -> dict[str, float]:
    """The validation record of this epoch; NaN/Inf in the data or the loss stops the run."""
    where = f"at epoch {state.epoch + 1}"
    try:
        val = evaluate(state.model, state.loss_fn, val_loader, metrics=metrics)
    except NonFiniteError as e:
        raise _fail(state, f"fit: the validation data {where}: {e}") from None
    if "loss" in val and not math.isfinite(val["loss"]):
        raise _fail(
            state,
            f"fit: the validation loss became {val['loss']} {where}, although the validation "
            "inputs are finite: the model's outputs overflow; lower the learning rate",
        )
    return {f"val_{k}": v for k, v in val.items()}


def _output_array(output: Any) -> np.ndarray:
    if isinstance(output, tuple):  # models that return (logits, extra)
        output = output[0]
    return np.array(output._data if isinstance(output, Tensor) else output)


def evaluate(
    model: Any,
    loss_fn: Callable[[Any, Any], Tensor] | None,
    data: Any,
    metrics: Sequence[str | MetricFn] = (),
    batch_size: int = 256,
    max_batches: int | None = None,
) -> dict[str, float]:
    """Mean loss and metrics of `model` over `data`, in eval mode and without gradients.

    Raises `NonFiniteError` when a batch whose loss is NaN/Inf holds NaN/Inf inputs or targets
    (bad data, not a bad model); a loss that is NaN on finite data is returned as it is.

    Example
    -------
    >>> evaluate(model, nn.CrossEntropyLoss(), test_set, metrics=["accuracy"])
    {'loss': 0.08, 'accuracy': 0.975}
    """
    loader = _as_loader(data, batch_size, False, None)
    named_metrics = [get_metric(m) for m in metrics]
    was_training = getattr(model, "training", False)
    model.eval()
    loss_sum, n_seen = 0.0, 0
    outputs, targets = [], []
    try:
        with no_grad():
            for i, batch in enumerate(loader):
                if max_batches is not None and i >= max_batches:
                    break
                x, y = _unpack(batch)
                output = model(x)
                n = len(y) if hasattr(y, "__len__") else 1
                if loss_fn is not None:
                    value = loss_fn(output, y).item()
                    if not math.isfinite(value):
                        _check_finite_data(x, y, i)
                    loss_sum += value * n
                n_seen += n
                if named_metrics:
                    outputs.append(_output_array(output))
                    targets.append(np.asarray(y._data if isinstance(y, Tensor) else y))
    finally:
        model.train(was_training)
    if n_seen == 0:
        raise ValueError("evaluate: the data is empty (no samples to evaluate on)")
    result: dict[str, float] = {}
    if loss_fn is not None:
        result["loss"] = loss_sum / n_seen
    result.update(_metric_values(named_metrics, outputs, targets, ""))
    return result


def _check_finite_data(x: Any, y: Any, i: int) -> None:
    for what, a in (("inputs", x), ("targets", y)):
        bad = _nonfinite(a)
        if bad:
            shape = tuple(getattr(a, "shape", ()))
            raise NonFiniteError(
                f"batch {i} holds {bad} NaN/Inf values in its {what} (shape {shape}); "
                "the data set has missing or infinite values, clean it before training",
                -1,
                -1,
            )


def predict(model: Any, data: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for every sample of `data`, stacked (eval mode, no gradients).

    `data` is an input array/Tensor, a Dataset of (input, target) or input-only samples, or a
    DataLoader.

    Example
    -------
    >>> logits = predict(model, X_test)
    >>> labels = logits.argmax(axis=1)
    """
    if isinstance(data, Tensor | np.ndarray):
        data = TensorDataset(data)
    loader = _as_loader(data, batch_size, False, None)
    was_training = getattr(model, "training", False)
    model.eval()
    outs = []
    try:
        with no_grad():
            for batch in loader:
                x = batch[0] if isinstance(batch, tuple | list) else batch
                outs.append(_output_array(model(x)))
    finally:
        model.train(was_training)
    return np.concatenate(outs) if outs else np.empty((0,))
