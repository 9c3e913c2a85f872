"""Metrics on model outputs, computed by scikit-learn.

A metric takes the model's raw output and the targets (NumPy arrays) and returns a float.
Classification outputs are turned into labels first (`to_labels`): the arg-max of the last axis
for (N, C) scores or (B, T, C) sequence scores, and `score > 0` for one logit per sample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MetricFn = Callable[[np.ndarray, np.ndarray], float]


def to_labels(output: np.ndarray, threshold: float = 0.0) -> np.ndarray:
    """Predicted class labels from raw scores, flattened to one label per prediction.

    (N, C) or (B, T, C) with C > 1: arg-max over C.  (N,) or (N, 1): 1 where score > threshold.
    """
    output = np.asarray(output)
    if output.ndim >= 2 and output.shape[-1] > 1:
        return output.argmax(axis=-1).reshape(-1)
    return (output.reshape(-1) > threshold).astype(np.int64)


def _flat_targets(target: np.ndarray) -> np.ndarray:
    return np.asarray(target).reshape(-1)


def accuracy(output: np.ndarray, target: np.ndarray) -> float:
    """Fraction of predictions equal to the target label."""
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(_flat_targets(target), to_labels(output)))


def precision(output: np.ndarray, target: np.ndarray) -> float:
    """Precision TP / (TP + FP), macro-averaged over the classes."""
    from sklearn.metrics import precision_score

    return float(
        precision_score(_flat_targets(target), to_labels(output), average="macro", zero_division=0)
    )


def recall(output: np.ndarray, target: np.ndarray) -> float:
    """Recall TP / (TP + FN), macro-averaged over the classes."""
    from sklearn.metrics import recall_score

    return float(
        recall_score(_flat_targets(target), to_labels(output), average="macro", zero_division=0)
    )


def f1(output: np.ndarray, target: np.ndarray) -> float:
    """F1 = 2 PR / (P + R), macro-averaged over the classes."""
    from sklearn.metrics import f1_score

    return float(
        f1_score(_flat_targets(target), to_labels(output), average="macro", zero_division=0)
    )


def confusion_matrix(
    output: np.ndarray, target: np.ndarray, num_classes: int | None = None
) -> np.ndarray:
    """C[i, j] = number of samples of true class i predicted as class j."""
    from sklearn.metrics import confusion_matrix as sk_confusion

    labels = None if num_classes is None else list(range(num_classes))
    return sk_confusion(_flat_targets(target), to_labels(output), labels=labels)


def r2(output: np.ndarray, target: np.ndarray) -> float:
    """Coefficient of determination 1 - sum (y - y_hat)^2 / sum (y - mean y)^2."""
    from sklearn.metrics import r2_score

    return float(r2_score(np.asarray(target).reshape(-1), np.asarray(output).reshape(-1)))


def mae(output: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error mean |y - y_hat|."""
    from sklearn.metrics import mean_absolute_error

    return float(
        mean_absolute_error(np.asarray(target).reshape(-1), np.asarray(output).reshape(-1))
    )


def mse(output: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error mean (y - y_hat)^2."""
    from sklearn.metrics import mean_squared_error

    return float(mean_squared_error(np.asarray(target).reshape(-1), np.asarray(output).reshape(-1)))


METRICS: dict[str, MetricFn] = {
    "accuracy": accuracy,
    "precision": precision,
    "recall": recall,
    "f1": f1,
    "r2": r2,
    "mae": mae,
    "mse": mse,
}


def get_metric(metric: str | MetricFn) -> tuple[str, MetricFn]:
    """(name, function) for a metric name from `METRICS` or a callable (named after itself)."""
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    return metric, METRICS[metric]
