"""Metrics on model outputs, computed by scikit-learn.

A metric takes the model's raw output and the targets (NumPy arrays) and returns a float.
Classification outputs are turned into labels first (`to_labels`): the arg-max of the last axis
for (N, C) scores or (B, T, C) sequence scores, and `score > 0` for one logit per sample.
Precision, recall and F1 follow scikit-learn's defaults: of the positive class (label 1) for a
binary task (one score per sample), macro-averaged over the classes for a multi-class one.
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


def _is_binary(output: np.ndarray) -> bool:
    """One score per sample ((N,) or (N, 1)): a two-class problem whose positive class is 1."""
    output = np.asarray(output)
    return output.ndim <= 1 or output.shape[-1] == 1


def _averaged(score: Callable, output: np.ndarray, target: np.ndarray) -> float:
    average = "binary" if _is_binary(output) else "macro"
    return float(score(_flat_targets(target), to_labels(output), average=average, zero_division=0))


def precision(output: np.ndarray, target: np.ndarray) -> float:
    """Precision TP / (TP + FP), as scikit-learn's `precision_score` defines it: of the positive
    class (label 1) for one score per sample (binary), macro-averaged over the classes for
    (N, C) scores (the unweighted mean of each class's precision)."""
    from sklearn.metrics import precision_score

    return _averaged(precision_score, output, target)


def recall(output: np.ndarray, target: np.ndarray) -> float:
    """Recall TP / (TP + FN): of the positive class (label 1) for one score per sample (binary),
    macro-averaged over the classes for (N, C) scores (scikit-learn's `recall_score`)."""
    from sklearn.metrics import recall_score

    return _averaged(recall_score, output, target)


def f1(output: np.ndarray, target: np.ndarray) -> float:
    """F1 = 2 P R / (P + R): of the positive class (label 1) for one score per sample (binary),
    macro-averaged over the classes for (N, C) scores (scikit-learn's `f1_score`)."""
    from sklearn.metrics import f1_score

    return _averaged(f1_score, output, target)


AVERAGED = ("precision", "recall", "f1")


def metric_label(name: str, task: str, class_names: list[str] | None = None) -> str:
    """How a metric was computed, for printing beside its value:
    'f1 (positive class: benign)' on a binary task, 'f1 (macro average over 10 classes)' on a
    multi-class one, the bare name otherwise."""
    if name not in AVERAGED:
        return name
    names = list(class_names or [])
    if task == "binary":
        positive = names[1] if len(names) == 2 else "1"
        return f"{name} (positive class: {positive})"
    if task == "classification":
        count = f" over {len(names)} classes" if names else ""
        return f"{name} (macro average{count})"
    return name


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
