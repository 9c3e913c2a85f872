"""`evaluate` and `predict`: a model run over data in eval mode, without gradients."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.data.dataset import TensorDataset
from glassnet.tensor import Tensor
from glassnet.train.batches import (
    as_loader,
    batch_size_of,
    metric_values,
    output_array,
    target_array,
    unpack,
)
from glassnet.train.guards import count_nonfinite
from glassnet.train.metrics import MetricFn, get_metric
from glassnet.train.state import NonFiniteError


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
    loader = as_loader(data, batch_size, False)
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
                x, y = unpack(batch)
                output = model(x)
                n = batch_size_of(y)
                if loss_fn is not None:
                    value = loss_fn(output, y).item()
                    if not math.isfinite(value):
                        _check_finite_data(x, y, i)
                    loss_sum += value * n
                n_seen += n
                if named_metrics:
                    outputs.append(output_array(output))
                    targets.append(target_array(y))
    finally:
        model.train(was_training)
    if n_seen == 0:
        raise ValueError("evaluate: the data is empty (no samples to evaluate on)")
    result: dict[str, float] = {}
    if loss_fn is not None:
        result["loss"] = loss_sum / n_seen
    result.update(metric_values(named_metrics, outputs, targets, ""))
    return result


def _check_finite_data(x: Any, y: Any, i: int) -> None:
    for what, a in (("inputs", x), ("targets", y)):
        bad = count_nonfinite(a)
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
    loader = as_loader(data, batch_size, False)
    was_training = getattr(model, "training", False)
    model.eval()
    outs = []
    try:
        with no_grad():
            for batch in loader:
                x = batch[0] if isinstance(batch, tuple | list) else batch
                outs.append(output_array(model(x)))
    finally:
        model.train(was_training)
    return np.concatenate(outs) if outs else np.empty((0,))
