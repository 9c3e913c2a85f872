"""Callbacks: small objects that `fit` calls at fixed points of training.

Hooks, in the order they run:

    on_fit_start(state)
      on_epoch_start(state)
        on_after_backward(state)        gradients are in param.grad, before the optimizer step
        on_step_end(state, record)      record: step, epoch, loss, lr
      on_epoch_end(state, record)       record: train_loss, val_loss, metrics, lr, time
    on_fit_end(state)

`state` is a `FitState` (model, optimizer, history, epoch, step); setting
`state.stop_training = True` ends training after the current epoch.
"""

from __future__ import annotations

import csv
import json
import math
import os
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

    def on_fit_end(self, state: Any) -> None:
        if self.restore_best_weights and self._best_weights is not None and self.stopped_epoch:
            from glassnet.tensor import Tensor

            state.model.load_state_dict({k: Tensor._wrap(v) for k, v in self._best_weights.items()})


class ModelCheckpoint(Callback):
    """Save `best` (the epoch with the best `monitor`) and `last` checkpoints into `dirpath`.

    Each is `<name>.safetensors` (model and optimizer arrays) + `<name>.json` (the rest: epoch,
    the epoch record, optimizer hyper-parameters, and `extra`, e.g. the run's config).

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
    ) -> None:
        _check_mode("ModelCheckpoint", mode)
        self.dirpath = Path(dirpath)
        self.monitor, self.mode = monitor, mode
        self.save_best, self.save_last = save_best, save_last
        self.extra = dict(extra or {})
        self.best: float | None = None
        self.best_epoch: int | None = None

    def _save(self, name: str, state: Any, record: dict[str, Any]) -> None:
        save_checkpoint(
            self.dirpath / name,
            state.model,
            state.optimizer,
            state.scheduler,
            epoch=record["epoch"],
            step=state.step,
            record=record,
            **self.extra,
        )

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.save_best:
            value = _monitored("ModelCheckpoint", record, self.monitor)
            if _improved(value, self.best, self.mode, 0.0):
                self.best, self.best_epoch = value, record["epoch"]
                self._save("best", state, record)
        if self.save_last:
            self._save("last", state, record)


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
        self.path.write_text("")
        self._fields = None

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        with self.path.open("a", newline="") as f:
            if self._fields is None:
                self._fields = list(record)
                csv.DictWriter(f, self._fields).writeheader()
            csv.DictWriter(f, self._fields, extrasaction="ignore").writerow(record)


class JSONLLogger(Callback):
    """Write records as JSON lines: every epoch (`"type": "epoch"`) and, every `step_every`
    steps, a step record (`"type": "step"`; 0 logs no steps).
    """

    def __init__(self, path: str | os.PathLike, step_every: int = 0) -> None:
        self.path = Path(path)
        self.step_every = step_every

    def on_fit_start(self, state: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")

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
    `state.history.grad_norms` as `{"step": s, "epoch": e, "norms": {layer: norm}}`.
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
        state.history.grad_norms.append(
            {
                "step": state.step,
                "epoch": state.epoch,
                "norms": {k: math.sqrt(v) for k, v in squares.items()},
            }
        )
