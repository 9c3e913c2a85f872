"""The perceptron's run: Rosenblatt's rule fitted once (not gradient descent), logged epoch by
epoch from the weights the Perceptron records after each epoch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data.loader import DataLoader
from glassnet.io.checkpoint import save_checkpoint
from glassnet.train import builders
from glassnet.train.history import History
from glassnet.train.progress import Progress


def dataset_arrays(dataset: Any) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for xb, yb in DataLoader(dataset, batch_size=4096):
        xs.append(xb._data)
        ys.append(yb._data)
    return np.concatenate(xs), np.concatenate(ys)


def perceptron_loss(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    """The perceptron criterion mean(max(0, -t s)), t = +-1: what Rosenblatt's rule descends."""
    s = model.decision_function(X)
    t = np.where(y > 0, 1.0, -1.0)
    return float(np.maximum(0.0, -t * s).mean())


def train_perceptron(
    config: dict[str, Any],
    model: Any,
    data: builders.RunData,
    run_dir: Path,
    progress: Progress | None = None,
) -> tuple[History, dict[str, Any]]:
    """Rosenblatt's rule, fitted once; each epoch's line and metrics come from the (w, b) the
    Perceptron records after every epoch (`epoch_weights_`)."""
    from glassnet.train.metrics import accuracy

    X, y = dataset_arrays(data.train)
    Xv, yv = dataset_arrays(data.val) if data.val is not None else (None, None)
    history = History()
    model.fit(X, y, epochs=config["train"]["epochs"])
    lines = list(model.epoch_weights_)
    log = (run_dir / "metrics.jsonl").open("w")
    epochs = zip(model.epoch_weights_, model.mistakes_, model.epoch_seconds_)
    for k, ((w, b), mistakes, seconds) in enumerate(epochs):
        model.weight._data[...] = w
        model.bias._data[...] = b
        record = {
            "epoch": k,
            "train_loss": perceptron_loss(model, X, y),
            "train_accuracy": accuracy(model.decision_function(X), y),
            # corrected as they happened: the accuracy above is that of the epoch's final (w, b)
            "updates_during_epoch": mistakes,
        }
        if Xv is not None:
            record["val_loss"] = perceptron_loss(model, Xv, yv)
            record["val_accuracy"] = accuracy(model.decision_function(Xv), yv)
        record["lr"] = model.lr
        record["time"] = seconds
        history.epochs.append(record)
        log.write(json.dumps({"type": "epoch", **record}) + "\n")
        if progress is not None:
            progress.end(k + 1, len(model.mistakes_), record, 0.0)
    log.close()  # the loop ends on the last epoch's (w, b): the fitted model, unchanged
    for name in ("best", "last"):
        save_checkpoint(
            run_dir / name,
            model,
            epoch=len(history.epochs) - 1,
            config=config,
            data=data.meta,
            record=history.epochs[-1],
        )
    return history, {"lines": lines, "loss_fn": None, "metrics": ["accuracy", "f1"]}
