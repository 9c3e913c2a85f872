"""Callbacks: small objects that `fit` calls at fixed points of training.

Hooks, in the order they run:

    on_fit_start(state)
      on_epoch_start(state)
        on_after_backward(state)        gradients are in param.grad, before the optimizer step
        on_step_end(state, record)      record: step, epoch, loss, lr (state.step counts it)
      on_epoch_end(state, record)       record: train_loss, val_loss, metrics, lr, time
    on_fit_end(state)
    on_exception(state, error)          a NaN/Inf stopped training (before the optimizer step)

`state` is a `FitState` (model, optimizer, history, epoch, step); setting
`state.stop_training = True` ends training after the current epoch. A callback that keeps
state across epochs returns it from `state_dict()` and takes it back in `load_state_dict()`, so
that a resumed run (`fit(resume_from=...)`) carries on exactly; on resume `state.resumed` is
True in `on_fit_start`, and loggers keep what they wrote before the checkpoint.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.io.checkpoint import save_checkpoint


class Callback:
    """Base class: every hook does nothing; subclasses override the ones they need."""

    def on_fit_start(self, state: Any) -> None: ...

    def on_epoch_start(self, state: Any) -> None: ...

    def on_after_backward(self, state: Any) -> None: ...

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None: ...

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None: ...

    def on_fit_end(self, state: Any) -> None: ...

    def on_exception(self, state: Any, error: BaseException) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        """What this callback must remember across a resume (plain data and arrays)."""
        return {}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take back what `state_dict()` returned."""


def _improved(value: float, best: float | None, mode: str, min_delta: float) -> bool:
    if value is None or math.isnan(value):
        return False
    if best is None:
        return True
    return value < best - min_delta if mode == "min" else value > best + min_delta


def _check_mode(cls: str, mode: str) -> None:
    if mode not in ("min", "max"):
        raise ValueError(f"{cls}: mode must be 'min' or 'max', got {mode!r}")


def _monitored(cls: str, record: dict[str, Any], monitor: str) -> float:
    if monitor not in record:
        keys = ", ".join(k for k in record if k not in ("epoch", "time"))
        raise KeyError(f"{cls}(monitor={monitor!r}): the epoch record has no such value ({keys})")
    return record[monitor]


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by more than `min_delta` for `patience` epochs.

    With `restore_best_weights=True` the model gets back the weights of its best epoch.

    Example
    -------
    >>> fit(..., val_data=val, callbacks=[EarlyStopping("val_loss", patience=3)])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        mode: str = "min",
        min_delta: float = 0.0,
        restore_best_weights: bool = True,
    ) -> None:
        _check_mode("EarlyStopping", mode)
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.min_delta, self.restore_best_weights = min_delta, restore_best_weights
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._wait = 0
        self._best_weights: dict[str, np.ndarray] | None = None

    def on_fit_start(self, state: Any) -> None:
        self.best, self.best_epoch, self.stopped_epoch, self._wait = None, None, None, 0

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        value = _monitored("EarlyStopping", record, self.monitor)
        if _improved(value, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self._wait = value, record["epoch"], 0
            if self.restore_best_weights:
                self._best_weights = {
                    k: np.array(v._data) for k, v in state.model.state_dict().items()
                }
            return
        self._wait += 1
        if self._wait > self.patience:
            self.stopped_epoch = record["epoch"]
            state.stop_training = True

    def state_dict(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "wait": self._wait,
            "best_weights": self._best_weights,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.best, self.best_epoch = state_dict["best"], state_dict["best_epoch"]
        self.stopped_epoch, self._wait = state_dict["stopped_epoch"], state_dict["wait"]
        weights = state_dict["best_weights"]
        if weights is not None:
            weights = {k: np.array(v) for k, v in weights.items()}
        self._best_weights = weights

    def on_fit_end(self, state: Any) -> None:
        if self.restore_best_weights and self._best_weights is not None and self.stopped_epoch:
            from glassnet.tensor import Tensor

            state.model.load_state_dict({k: Tensor._wrap(v) for k, v in self._best_weights.items()})


class ModelCheckpoint(Callback):
    """Save `best` (the epoch with the best `monitor`) and `last` checkpoints into `dirpath`.

    `last` is written at the end of every epoch and, with `every_n_train_steps`, after every
    that many optimisation steps; it holds the whole training state (position, every random
    generator, history, callback states), so `fit(..., resume_from=dirpath)` continues from it
    bit for bit. When a NaN/Inf stops training, `last` receives the last good state (before the
    failing step) and the error's `checkpoint` names it. `best` holds the model, optimizer and
    scheduler of the best epoch. Both also hold `epoch`, `step`, the epoch `record` and `extra`
    (e.g. the run's config).

    Example
    -------
    >>> ModelCheckpoint("runs/digits", monitor="val_loss", extra={"config": config})
    """

    def __init__(
        self,
        dirpath: str | os.PathLike,
        monitor: str = "val_loss",
        mode: str = "min",
        save_best: bool = True,
        save_last: bool = True,
        extra: dict[str, Any] | None = None,
        every_n_train_steps: int | None = None,
    ) -> None:
        _check_mode("ModelCheckpoint", mode)
        if every_n_train_steps is not None and (
            isinstance(every_n_train_steps, bool)
            or not isinstance(every_n_train_steps, int)
            or every_n_train_steps < 1
        ):
            raise ValueError(
                f"ModelCheckpoint: every_n_train_steps must be a positive integer or None, "
                f"got {every_n_train_steps!r}"
            )
        self.dirpath = Path(dirpath)
        self.monitor, self.mode = monitor, mode
        self.save_best, self.save_last = save_best, save_last
        self.extra = dict(extra or {})
        self.every_n_train_steps = every_n_train_steps
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.last_path: Path | None = None

    def _save(self, name: str, state: Any, record: dict[str, Any] | None, **more: Any) -> Path:
        written = save_checkpoint(
            self.dirpath / name,
            state.model,
            state.optimizer,
            state.scheduler,
            epoch=record["epoch"] if record else state.epoch,
            step=state.step,
            record=record,
            **more,
            **self.extra,
        )
        return Path(written[0] if isinstance(written, tuple | list) else written)

    def _save_last(self, state: Any, record: dict[str, Any] | None, rng_now: Any = None) -> None:
        training = state.training_state(rng_now)
        self.last_path = self._save("last", state, record, training_state=training)

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        every = self.every_n_train_steps
        if self.save_last and every and state.step % every == 0:
            self._save_last(state, None)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.save_best:
            value = _monitored("ModelCheckpoint", record, self.monitor)
            if _improved(value, self.best, self.mode, 0.0):
                self.best, self.best_epoch = value, record["epoch"]
                self._save("best", state, record)
        if self.save_last:
            self._save_last(state, record)

    def on_exception(self, state: Any, error: BaseException) -> None:
        """Save the last good state (as it was before the failing step) as `last`."""
        if not self.save_last or not isinstance(error, FloatingPointError):
            return
        self._save_last(state, None, state.rng_before_step)
        error.checkpoint = str(self.last_path)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_epoch": self.best_epoch}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.best, self.best_epoch = state_dict["best"], state_dict["best_epoch"]


class LearningRateMonitor(Callback):
    """Record every parameter group's learning rate at each step as `lr_group<i>`.

    `fit` always records group 0's rate as `lr`; this adds the others (and the momentum or
    first beta when the optimizer has one, as `momentum_group<i>`), e.g. for a one-cycle policy.
    """

    def __init__(self, log_momentum: bool = False) -> None:
        self.log_momentum = log_momentum

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        for i, group in enumerate(state.optimizer.param_groups):
            record[f"lr_group{i}"] = float(group["lr"])
            if self.log_momentum:
                m = group.get("momentum", group.get("betas", (None,))[0])
                if m is not None:
                    record[f"momentum_group{i}"] = float(m)


class CSVLogger(Callback):
    """Write each epoch record as a row of a CSV file (header from the first epoch's keys)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._fields: list[str] | None = None

    def on_fit_start(self, state: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fields, kept = None, ""
        if getattr(state, "resumed", False) and self.path.is_file():
            rows = list(csv.reader(io.StringIO(self.path.read_text(), newline="")))
            done = [r for r in rows[1:] if r and r[0].lstrip("-").isdigit()]
            done = [r for r in done if int(r[0]) < state.epoch and len(r) == len(rows[0])]
            if rows and rows[0] and rows[0][0] == "epoch":
                self._fields = rows[0]
                out = io.StringIO(newline="")
                csv.writer(out).writerows([rows[0], *done])
                kept = out.getvalue()
        write_text_atomic(self.path, kept)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        with self.path.open("a", newline="") as f:
            if self._fields is None:
                self._fields = list(record)
                csv.DictWriter(f, self._fields).writeheader()
            csv.DictWriter(f, self._fields, extrasaction="ignore").writerow(record)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path` (atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _logged_before(line: str, state: Any) -> bool:
    """Whether a metrics.jsonl line was written before the position `state` resumes from: a
    step record of an earlier step, an epoch record of an earlier epoch or an evaluation that
    the resumed history holds (a line cut short by a kill is dropped)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    if not line.endswith("\n") or not isinstance(record, dict):
        return False
    if record.get("type") == "step":
        return isinstance(record.get("step"), int) and record["step"] < state.step
    if record.get("type") == "epoch":
        return isinstance(record.get("epoch"), int) and record["epoch"] < state.epoch
    if record.get("type") == "eval":  # a language model's evaluation: kept if the history has it
        return record.get("steps") in {e["steps"] for e in state.history.evals}
    return False


class JSONLLogger(Callback):
    """Write records as JSON lines: every epoch (`"type": "epoch"`) and, every `step_every`
    steps, a step record (`"type": "step"`; 0 logs no steps).
    """

    def __init__(self, path: str | os.PathLike, step_every: int = 0) -> None:
        self.path = Path(path)
        self.step_every = step_every

    def on_fit_start(self, state: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = ""
        if getattr(state, "resumed", False) and self.path.is_file():
            kept = "".join(
                line
                for line in self.path.read_text().splitlines(keepends=True)
                if _logged_before(line, state)
            )
        write_text_atomic(self.path, kept)

    def _write(self, kind: str, record: dict[str, Any]) -> None:
        with self.path.open("a") as f:
            f.write(json.dumps({"type": kind, **record}) + "\n")

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.step_every and record["step"] % self.step_every == 0:
            self._write("step", record)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        self._write("epoch", record)


def _layer_labels(model: Any) -> dict[str, str]:
    """Parameter name -> layer label: 'fc1.weight' -> 'fc1 (Linear)', '0.bias' -> '0 (Linear)'."""
    kinds = {name: type(m).__name__ for name, m in model.named_modules()}
    labels = {}
    for name, _ in model.named_parameters():
        layer = name.rsplit(".", 1)[0] if "." in name else ""
        kind = kinds.get(layer, "")
        labels[name] = f"{layer or '(model)'} ({kind})" if kind else layer or "(model)"
    return labels


class GradientNormTracker(Callback):
    """Record each layer's gradient norm ||dL/dW|| every `every` steps (the gradient-flow chart).

    A layer is a parameter name without its last part (`fc1.weight`, `fc1.bias` -> `fc1`,
    labelled with its module type: `fc1 (Linear)`); its norm is that of all its parameters'
    gradients together. Records go to
    `state.history.grad_norms` as `{"step": s, "epoch": e, "norms": {layer: norm}}` (a bounded
    sample over long runs, see `History`).
    """

    def __init__(self, every: int = 1) -> None:
        if every < 1:
            raise ValueError(f"GradientNormTracker: every must be >= 1, got {every}")
        self.every = every
        self._labels: dict[str, str] = {}

    def on_fit_start(self, state: Any) -> None:
        self._labels = _layer_labels(state.model)

    def on_after_backward(self, state: Any) -> None:
        if state.step % self.every:
            return
        squares: dict[str, float] = {}
        for name, p in state.model.named_parameters():
            if p.grad is not None:
                g = p.grad._data
                layer = self._labels.get(name, name)
                squares[layer] = squares.get(layer, 0.0) + float(np.vdot(g, g))
        state.history.add_grad_norms(
            {
                "step": state.step,
                "epoch": state.epoch,
                "norms": {k: math.sqrt(v) for k, v in squares.items()},
            }
        )
