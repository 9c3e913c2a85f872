"""A trained run's final metrics: the loss and the run's metrics on its test split (the
validation split for a language model), and the outputs the charts of the run need."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.config import ConfigError
from glassnet.tensor import Tensor
from glassnet.train import builders, lm_eval
from glassnet.train.evaluation import evaluate, predict
from glassnet.train.metrics import METRICS
from glassnet.train.perceptron_run import dataset_arrays, perceptron_loss


def final_metrics(
    config: dict[str, Any], model: Any, data: builders.RunData
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metrics, outputs) of `model` on the run's test split.

    metrics: {"split": "test", "loss": ..., one value per metric of the run}; a regression's
    outputs and targets are first taken back to the targets' own units (and "mae" is added).
    A language model is measured on the fixed validation blocks every validation loss of the run
    used: {"split": "validation", "loss": L, "perplexity": exp(L)}, with no outputs.
    outputs: {"X": inputs, "y": targets, "output": the model's raw outputs}.
    """
    if data.task == "language":
        loss_fn = builders.build_loss(config, data)
        result = evaluate(model, loss_fn, lm_eval.eval_loader(data.val, config))
        return {
            "split": "validation",
            "loss": result["loss"],
            "perplexity": math.exp(min(result["loss"], 50.0)),
        }, {}
    X, y = dataset_arrays(data.test)
    _check_finite(X)
    if config["model"]["name"] == "perceptron":
        out = model.decision_function(X)
        loss = perceptron_loss(model, X, y)
    else:
        loss_fn = builders.build_loss(config, data)
        out = predict(model, X)
        with no_grad():
            loss = float(loss_fn(Tensor._wrap(out), Tensor._wrap(y)).item())
    names = builders.default_metrics(config, data)
    if "target_mean" in data.meta:  # back to the targets' own units
        out = out * data.meta["target_std"] + data.meta["target_mean"]
        y = y * data.meta["target_std"] + data.meta["target_mean"]
        names = list(dict.fromkeys([*names, "mae"]))
    metrics: dict[str, Any] = {"split": "test", "loss": loss}
    metrics.update({m: METRICS[m](out, y) for m in names})
    return metrics, {"X": X, "y": y, "output": out}


def _check_finite(X: np.ndarray) -> None:
    """A ConfigError naming the rows when the test inputs hold NaN or Inf."""
    bad = int(X.size - np.count_nonzero(np.isfinite(X))) if X.dtype.kind == "f" else 0
    if bad:
        rows = np.flatnonzero(~np.isfinite(X.reshape(len(X), -1)).all(axis=1))
        raise ConfigError(
            f"data: the test split holds {bad} NaN/Inf values (in rows {rows[:5].tolist()}"
            f"{', ...' if len(rows) > 5 else ''}); the data set has missing or infinite values"
        )
