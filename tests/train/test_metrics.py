"""Precision, recall and F1 as scikit-learn defines them: the positive class for binary tasks,
macro average for multi-class; and the labels that say so."""

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from glassnet.train.metrics import METRICS, metric_label

rng = np.random.default_rng(0)


@pytest.mark.parametrize(
    "name, sk", [("precision", precision_score), ("recall", recall_score), ("f1", f1_score)]
)
def test_binary_is_the_positive_class(name, sk):
    y = rng.integers(0, 2, 200)
    logits = rng.normal(size=(200, 1)) + (y[:, None] - 0.3)
    pred = (logits.reshape(-1) > 0).astype(int)
    assert METRICS[name](logits, y.astype(np.float32).reshape(-1, 1)) == pytest.approx(sk(y, pred))
    assert METRICS[name](logits.reshape(-1), y) == pytest.approx(sk(y, pred))
    macro = sk(y, pred, average="macro")
    assert sk(y, pred) != pytest.approx(macro)  # the data tells the two apart


@pytest.mark.parametrize(
    "name, sk", [("precision", precision_score), ("recall", recall_score), ("f1", f1_score)]
)
def test_multiclass_is_macro(name, sk):
    y = rng.integers(0, 4, 300)
    scores = rng.normal(size=(300, 4))
    scores[np.arange(300), y] += 1.0
    assert METRICS[name](scores, y) == pytest.approx(sk(y, scores.argmax(1), average="macro"))


def test_metric_labels():
    assert metric_label("f1", "binary", ["malignant", "benign"]) == "f1 (positive class: benign)"
    assert metric_label("recall", "classification", list("0123456789")) == (
        "recall (macro average over 10 classes)"
    )
    assert metric_label("accuracy", "binary", ["a", "b"]) == "accuracy"
    assert metric_label("r2", "regression") == "r2"
