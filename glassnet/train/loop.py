"""The training loop: `fit`, `evaluate` and `predict`.

One step of `fit` is the whole of gradient descent:

    output = model(x);  loss = loss_fn(output, y)      # forward
    optimizer.zero_grad();  loss.backward()            # gradients dL/dparam in param.grad
    clip_grad_norm (optional);  optimizer.step()       # param <- update(param, grad)

and the rest is bookkeeping: a progress bar, records in a `History`, metrics on the outputs,
callbacks (early stopping, checkpoints, loggers, gradient-norm tracking) and a scheduler.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import glassnet
from glassnet.autograd.grad_mode import no_grad
from glassnet.data.dataset import Dataset, TensorDataset
from glassnet.data.loader import DataLoader
from glassnet.tensor import Tensor
from glassnet.train.history import History
from glassnet.train.metrics import MetricFn, get_metric


@dataclass
class FitState:
    """What callbacks see: the objects being trained and where the loop is."""

    model: Any
    optimizer: Any
    loss_fn: Any
    scheduler: Any
    history: History
    epochs: int
    epoch: int = 0
    step: int = 0
    stop_training: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _as_loader(data: Any, batch_size: int, shuffle: bool, generator: Any) -> Iterable:
    """A DataLoader for a DataLoader, a Dataset or an (X, y) pair."""
    if data is None or isinstance(data, DataLoader):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        data = TensorDataset(*data)
    if isinstance(data, Dataset):
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


class _Progress:
    """A tqdm bar on a terminal; nothing when quiet. quiet=None means quiet without a terminal;
    quiet=False without a terminal prints one plain line per epoch (for logs)."""

    def __init__(self, quiet: bool | None) -> None:
        is_tty = sys.stderr.isatty()
        self.quiet = (not is_tty) if quiet is None else bool(quiet)
        self.bar_enabled = not self.quiet and is_tty
        self.bar = None

    def start(self, epoch: int, epochs: int, total: int | None) -> None:
        if self.bar_enabled:
            from tqdm import tqdm

            # a pseudo-terminal may report a size of 0 x 0, and tqdm hides bars that do not fit
            width, height = shutil.get_terminal_size((100, 24))
            self.bar = tqdm(
                total=total,
                desc=f"epoch {epoch}/{epochs}",
                unit="batch",
                ncols=width if width >= 60 else 100,
                nrows=height if height >= 2 else 24,
                leave=True,
                file=sys.stderr,
            )

    def update(self, **postfix: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(postfix, refresh=False)

    def end(self, epoch: int, epochs: int, record: dict[str, Any], time_left: float) -> None:
        parts = [f"{k} {_fmt(v)}" for k, v in record.items() if k not in ("epoch", "time")]
        if self.bar is not None:
            # the bar's line is short: the epoch's loss and the validation numbers
            short = [f"loss {_fmt(record['train_loss'])}"] + [
                f"{k} {_fmt(v)}" for k, v in record.items() if k.startswith("val_")
            ]
            self.bar.set_postfix_str(", ".join(short) + f", left {_fmt_time(time_left)}")
            self.bar.close()
            self.bar = None
        elif not self.quiet:
            print(
                f"epoch {epoch}/{epochs}: " + ", ".join(parts) + f" ({record['time']:.1f}s)",
                file=sys.stderr,
                flush=True,
            )


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if (v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e4)) else f"{v:.4f}"
    return str(v)


def _fmt_time(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


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
        Number of passes over `train_data` (counted from 0; `initial_epoch` resumes later).
    metrics : sequence of str or callable
        Names from `glassnet.train.metrics.METRICS` ("accuracy", "f1", "r2", ...) or functions
        `fn(output, target) -> float`, computed on each epoch's outputs (train) and on `val_data`.
    callbacks : sequence of Callback
        Called at the start and end of the run, each epoch and each step (see `callbacks`).
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
        glassnet.manual_seed(seed)
    train_loader = _as_loader(train_data, batch_size, True, None)
    val_loader = _as_loader(val_data, batch_size, False, None)
    named_metrics = [get_metric(m) for m in metrics]
    params = [p for group in optimizer.param_groups for p in group["params"]]
    plateau = type(scheduler).__name__ == "ReduceLROnPlateau"

    history = History()
    state = FitState(
        model, optimizer, loss_fn, scheduler, history, epochs, epoch=initial_epoch, step=0
    )
    progress = _Progress(quiet)
    for cb in callbacks:
        cb.on_fit_start(state)

    fit_start = time.perf_counter()
    for epoch in range(initial_epoch, epochs):
        state.epoch = epoch
        for cb in callbacks:
            cb.on_epoch_start(state)
        model.train()
        try:
            n_batches = len(train_loader)
        except TypeError:
            n_batches = None
        if max_steps_per_epoch is not None:
            n_batches = min(n_batches or max_steps_per_epoch, max_steps_per_epoch)
        progress.start(epoch + 1, epochs, n_batches)
        epoch_start = time.perf_counter()
        loss_sum, n_seen = 0.0, 0
        outputs, targets = [], []
        for i, batch in enumerate(train_loader):
            if max_steps_per_epoch is not None and i >= max_steps_per_epoch:
                break
            x, y = _unpack(batch)
            output = model(x)
            loss = loss_fn(output, y)
            optimizer.zero_grad()
            loss.backward()
            for cb in callbacks:
                cb.on_after_backward(state)
            record: dict[str, Any] = {
                "step": state.step,
                "epoch": epoch,
                "loss": loss.item(),
                "lr": _lr(optimizer),
            }
            if clip_grad_norm is not None:
                record["grad_norm"] = clip_grad_norm_(params, clip_grad_norm)
            optimizer.step()
            if scheduler is not None and scheduler_interval == "step" and not plateau:
                scheduler.step()
            if not math.isfinite(record["loss"]):
                raise FloatingPointError(
                    f"fit: the loss became {record['loss']} at epoch {epoch + 1}, step "
                    f"{state.step}; lower the learning rate or clip gradients"
                )
            n = len(y) if hasattr(y, "__len__") else 1
            loss_sum += record["loss"] * n
            n_seen += n
            if named_metrics:
                outputs.append(_output_array(output))
                targets.append(np.asarray(y._data if isinstance(y, Tensor) else y))
            history.steps.append(record)
            for cb in callbacks:
                cb.on_step_end(state, record)
            state.step += 1
            elapsed = time.perf_counter() - epoch_start
            progress.update(
                loss=f"{loss_sum / n_seen:.4f}",
                lr=f"{record['lr']:.3g}",
                **{"samples/s": f"{n_seen / max(elapsed, 1e-9):.0f}"},
            )
        epoch_record: dict[str, Any] = {"epoch": epoch, "train_loss": loss_sum / max(n_seen, 1)}
        epoch_record.update(_metric_values(named_metrics, outputs, targets, "train_"))
        if val_loader is not None:
            val = evaluate(model, loss_fn, val_loader, metrics=metrics)
            epoch_record.update({f"val_{k}": v for k, v in val.items()})
        epoch_record["lr"] = _lr(optimizer)
        epoch_record["time"] = time.perf_counter() - epoch_start
        if scheduler is not None and (scheduler_interval == "epoch" or plateau):
            if plateau:
                scheduler.step(epoch_record.get("val_loss", epoch_record["train_loss"]))
            else:
                scheduler.step()
        history.epochs.append(epoch_record)
        done = epoch + 1 - initial_epoch
        per_epoch = (time.perf_counter() - fit_start) / done
        progress.end(epoch + 1, epochs, epoch_record, per_epoch * (epochs - epoch - 1))
        for cb in callbacks:
            cb.on_epoch_end(state, epoch_record)
        if state.stop_training:
            break
    for cb in callbacks:
        cb.on_fit_end(state)
    return history


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
                    loss_sum += loss_fn(output, y).item() * n
                n_seen += n
                if named_metrics:
                    outputs.append(_output_array(output))
                    targets.append(np.asarray(y._data if isinstance(y, Tensor) else y))
    finally:
        model.train(was_training)
    result: dict[str, float] = {}
    if loss_fn is not None:
        result["loss"] = loss_sum / max(n_seen, 1)
    result.update(_metric_values(named_metrics, outputs, targets, ""))
    return result


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
