"""Build what trains a run's model: optimizer, learning-rate scheduler, loss and metrics (names
checked before any data is loaded), and the thread count."""

from __future__ import annotations

import inspect
import os
from typing import Any

from glassnet._suggest import did_you_mean
from glassnet.config import ConfigError
from glassnet.data.toy import TOY_SETS
from glassnet.tensor import Tensor
from glassnet.train.builders.arguments import construct, kwargs_for
from glassnet.train.builders.data import TABULAR, RunData
from glassnet.train.builders.models import model_class

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_threads(config: dict[str, Any]) -> int | None:
    """BLAS threads for a run when the user chose none: `SMALL_MODEL_THREADS` (1) for the small
    tabular data sets, whose matrix products are too small to share among threads (measured in
    docs/performance.md), None (BLAS's own default) otherwise or when an environment variable
    already sets it."""
    from glassnet._threads import SMALL_MODEL_THREADS

    if any(os.environ.get(v) for v in THREAD_VARIABLES):
        return None
    if config["data"]["dataset"].replace("-", "_") in (*TABULAR, *TOY_SETS):
        return SMALL_MODEL_THREADS
    return None


def optimizer_classes() -> dict[str, Any]:
    """Every optimizer in `glassnet.optim`, by lower-case name ('sgd', 'adam', 'rmsprop', ...)."""
    import glassnet.optim as optim

    return {
        name.lower(): getattr(optim, name)
        for name in optim.__all__
        if isinstance(getattr(optim, name), type) and name != "Optimizer"
    }


def _optimizer_class(name: str) -> Any:
    classes = optimizer_classes()
    if name.lower() not in classes:
        raise ConfigError(
            f"optimizer.name: unknown optimizer {name!r}{did_you_mean(name, classes)} "
            f"(choose from {', '.join(classes)})"
        )
    return classes[name.lower()]


def build_optimizer(config: dict[str, Any], params: Any) -> Any:
    spec = dict(config["optimizer"])
    cls = _optimizer_class(spec.pop("name"))
    return construct(cls, "optimizer", params, **kwargs_for(cls, "optimizer", spec))


def check_names(config: dict[str, Any]) -> None:
    """Check, before anything is built or written, every name and key a run's config gives:
    model, optimizer (and its arguments), scheduler (and its arguments), loss and metrics; so a
    typo fails before a run folder exists."""
    model_class(config["model"]["name"])
    spec = dict(config["optimizer"])
    kwargs_for(_optimizer_class(spec.pop("name")), "optimizer", spec)
    spec = dict(config["scheduler"])
    name = spec.pop("name")
    if name.lower() != "none":
        spec.pop("interval", None)
        kwargs_for(_scheduler_class(name), "scheduler", spec)
    if config["train"]["loss"] != "auto":
        _check_loss(config["train"]["loss"])
    _check_metrics(config["train"]["metrics"])


def _check_loss(name: str) -> None:
    if name not in LOSSES:
        raise ConfigError(
            f"train.loss: unknown loss {name!r}{did_you_mean(name, ['auto', *LOSSES])} "
            f"(choose from auto, {', '.join(LOSSES)})"
        )


def _check_metrics(names: list[str]) -> None:
    from glassnet.train.metrics import METRICS

    for m in names:
        if m not in METRICS:
            raise ConfigError(
                f"train.metrics: unknown metric {m!r}{did_you_mean(m, METRICS)} "
                f"(choose from {', '.join(METRICS)})"
            )


SCHEDULER_ALIASES = {
    "cosine": "CosineAnnealingLR",
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "exponential": "ExponentialLR",
    "plateau": "ReduceLROnPlateau",
    "onecycle": "OneCycleLR",
    "linear": "LinearLR",
}


def _scheduler_class(name: str) -> Any:
    """The `glassnet.optim.lr_scheduler` class of a scheduler name or alias ('cosine')."""
    from glassnet.optim import lr_scheduler

    classes = {
        n.lower(): getattr(lr_scheduler, n)
        for n in dir(lr_scheduler)
        if n.endswith(("LR", "Plateau")) and isinstance(getattr(lr_scheduler, n), type)
    }
    key = SCHEDULER_ALIASES.get(name.lower(), name).lower()
    if key not in classes:
        known = ["none", *SCHEDULER_ALIASES, *(cls.__name__ for cls in classes.values())]
        hint = did_you_mean(name, known)
        choices = ", ".join(["none", *SCHEDULER_ALIASES])
        raise ConfigError(
            f"scheduler.name: unknown scheduler {name!r}{hint} (choose from {choices})"
        )
    return classes[key]


def build_scheduler(
    config: dict[str, Any], optimizer: Any, steps_per_epoch: int
) -> tuple[Any, str]:
    """(scheduler or None, "epoch" or "step"): when the scheduler is stepped."""
    spec = dict(config["scheduler"])
    name = spec.pop("name")
    if name.lower() == "none":
        return None, "epoch"
    interval = spec.pop("interval", "epoch")
    cls = _scheduler_class(name)
    epochs = config["train"]["epochs"]
    params = inspect.signature(cls).parameters
    if cls.__name__ == "OneCycleLR":
        interval = "step"
        spec.setdefault("total_steps", epochs * steps_per_epoch)
    if "T_max" in params:
        spec.setdefault("T_max", epochs * (steps_per_epoch if interval == "step" else 1))
    if interval not in ("epoch", "step"):
        raise ConfigError(f"scheduler.interval must be 'epoch' or 'step', got {interval!r}")
    return construct(cls, "scheduler", optimizer, **kwargs_for(cls, "scheduler", spec)), interval


# ----------------------------------------------------------------------------- loss and metrics
LOSSES = {
    "cross_entropy": "CrossEntropyLoss",
    "bce_with_logits": "BCEWithLogitsLoss",
    "mse": "MSELoss",
    "l1": "L1Loss",
    "huber": "HuberLoss",
    "smooth_l1": "SmoothL1Loss",
}


def _loss_classes() -> dict[str, Any]:
    """Loss name in a config -> its `glassnet.nn` class."""
    import glassnet.nn as nn

    return {key: getattr(nn, cls) for key, cls in LOSSES.items()}


class SequenceLoss:
    """A classification loss over every position of a sequence: (B, T, V) scores, (B, T) ids
    -> loss on the (B*T, V) and (B*T,) views."""

    def __init__(self, loss: Any) -> None:
        self.loss = loss

    def __call__(self, output: Tensor, target: Tensor) -> Tensor:
        if isinstance(output, tuple):
            output = output[0]
        B, T, V = output.shape
        return self.loss(output.reshape(B * T, V), target.reshape(B * T))


def build_loss(config: dict[str, Any], data: RunData) -> Any:
    name = config["train"]["loss"]
    if name == "auto":
        name = {
            "classification": "cross_entropy",
            "binary": "bce_with_logits",
            "regression": "mse",
            "language": "cross_entropy",
        }[data.task]
    _check_loss(name)
    loss = _loss_classes()[name]()
    return SequenceLoss(loss) if data.task == "language" else loss


def default_metrics(config: dict[str, Any], data: RunData) -> list[str]:
    metrics = config["train"]["metrics"]
    _check_metrics(metrics)
    if metrics:
        return list(metrics)
    return {
        "classification": ["accuracy", "f1"],
        "binary": ["accuracy", "f1"],
        "regression": ["r2"],  # scale-free, so the same on standardised targets
        "language": [],
    }[data.task]
