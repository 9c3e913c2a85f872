"""Per-class report, ROC and precision-recall of a classifier, held to scikit-learn's numbers."""

import json
import re

import numpy as np
import pytest
from sklearn import metrics as skm

import glassnet
from glassnet.config import resolve
from glassnet.runs import load_run, train_run
from glassnet.runs.class_report import (
    classifier_report,
    format_report,
    per_class_report,
    positive_scores,
    roc_pr,
)
from glassnet.runs.report import rebuild_report
from tests.viz._png import assert_png


def _assert_same_report(ours, theirs):
    assert set(ours) == set(theirs)
    for key, row in theirs.items():
        if key == "accuracy":
            assert ours[key] == pytest.approx(row)
            continue
        for name, value in row.items():
            assert ours[key][name] == pytest.approx(value), (key, name)


def test_per_class_report_matches_sklearn_classification_report_multiclass():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=300)
    scores = rng.normal(size=(300, 4))
    scores[np.arange(300), y] += 1.0  # right more often than not
    names = ["cat", "dog", "eel", "fox"]
    ours = per_class_report(scores, y, names)
    theirs = skm.classification_report(
        y, scores.argmax(1), labels=[0, 1, 2, 3], target_names=names, output_dict=True
    )
    _assert_same_report(ours, theirs)
    text = format_report(ours)
    assert "macro avg: the unweighted mean" in text and "weighted by each class's support" in text
    assert text.splitlines()[2].split() == ["cat", *(f"{ours['cat'][k]:.3f}" for k in (
        "precision", "recall", "f1-score")), str(ours["cat"]["support"])]  # fmt: skip


def test_per_class_report_of_one_logit_and_an_absent_class():
    y = np.array([0, 0, 1, 1, 1])
    logits = np.array([[-1.0], [2.0], [0.5], [1.0], [-0.2]])  # labels 0 1 1 1 0
    ours = per_class_report(logits, y, ["neg", "pos"])
    theirs = skm.classification_report(
        y, [0, 1, 1, 1, 0], target_names=["neg", "pos"], output_dict=True
    )
    _assert_same_report(ours, theirs)
    # a class never predicted nor present: zeros, as sklearn with zero_division=0
    three = per_class_report(np.eye(3)[[0, 1, 0]], np.array([0, 1, 1]), ["a", "b", "c"])
    assert three["c"] == {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0}
    with pytest.raises(ValueError, match="per_class_report: 2 predictions"):
        per_class_report(np.zeros((2, 3)), np.zeros(3), ["a", "b", "c"])


def test_positive_scores_are_the_log_odds_of_class_1():
    z = np.array([[0.2, 1.0], [3.0, -1.0]])
    np.testing.assert_allclose(positive_scores(z), [0.8, -4.0])
    np.testing.assert_allclose(positive_scores(np.array([[0.3], [-2.0]])), [0.3, -2.0])
    with pytest.raises(ValueError, match=r"positive_scores: .* got shape \(2, 3\)"):
        positive_scores(np.zeros((2, 3)))


def test_roc_pr_match_sklearn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=200)
    z = rng.normal(size=(200, 2)) + np.stack([1 - y, y], axis=1) * 0.8
    got = roc_pr(z, y)
    score = z[:, 1] - z[:, 0]
    fpr, tpr, _ = skm.roc_curve(y, score)
    precision, recall, _ = skm.precision_recall_curve(y, score)
    np.testing.assert_allclose(got["fpr"], fpr)
    np.testing.assert_allclose(got["tpr"], tpr)
    np.testing.assert_allclose(got["precision"], precision)
    np.testing.assert_allclose(got["recall"], recall)
    assert got["auc"] == pytest.approx(skm.roc_auc_score(y, score))
    assert got["average_precision"] == pytest.approx(skm.average_precision_score(y, score))
    assert got["prevalence"] == pytest.approx(y.mean())
    # softmax probabilities rank the samples as the log-odds do: the same AUC
    p1 = np.exp(z[:, 1]) / np.exp(z).sum(1)
    assert got["auc"] == pytest.approx(skm.roc_auc_score(y, p1))
    with pytest.raises(ValueError, match=r"roc_pr: .* both classes .* got only \[1\]"):
        roc_pr(np.zeros(4), np.ones(4))


def test_classifier_report_draws_roc_and_pr_for_two_classes_only(tmp_path):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=60)
    charts, texts = classifier_report(rng.normal(size=60) + y, y, ["no", "yes"], tmp_path)
    assert [p.name for p, _ in charts] == ["roc.png", "precision_recall.png"]
    for path, caption in charts:
        assert_png(path)
        assert "positive class yes" in caption
    assert "Per-class report (test split)" in texts
    assert any("ROC AUC" in t for t in texts.values())
    charts, texts = classifier_report(np.eye(3)[y], y, ["a", "b", "c"], tmp_path / "three")
    assert charts == [] and list(texts) == ["Per-class report (test split)"]


@pytest.fixture(scope="module")
def breast_cancer_run(tmp_path_factory):
    config = resolve("breast-cancer-logistic", {"train.epochs": 5})
    return train_run(config, out=tmp_path_factory.mktemp("runs"), quiet=True)


def test_breast_cancer_run_report_holds_sklearn_numbers(breast_cancer_run):
    run_dir = breast_cancer_run.run_dir
    for name in ("roc.png", "precision_recall.png"):
        assert_png(run_dir / name)
    config, model, meta = load_run(run_dir)
    from glassnet.train import builders
    from glassnet.train.perceptron_run import dataset_arrays

    X, y = dataset_arrays(builders.build_data(config).test)
    score = model(glassnet.from_numpy(X)).detach().numpy().reshape(-1)
    y = y.reshape(-1).astype(int)
    page = (run_dir / "report.html").read_text()
    assert f"ROC AUC: {skm.roc_auc_score(y, score):.4f}" in page
    assert f"average precision: {skm.average_precision_score(y, score):.4f}" in page
    assert "Per-class report (test split)" in page and "positive class: benign" in page
    recall = skm.recall_score(y, score > 0)  # the positive class's recall, in its row
    row = re.search(r"^ +benign +([\d.]+) +([\d.]+) +([\d.]+) +(\d+)$", page, re.M)
    assert row.group(2) == f"{recall:.3f}" and int(row.group(4)) == int(y.sum())
    test = json.loads((run_dir / "test_metrics.json").read_text())
    assert test["recall"] == pytest.approx(recall)


def test_glassnet_report_rebuilds_roc_and_pr(breast_cancer_run):
    run_dir = breast_cancer_run.run_dir
    for name in ("roc.png", "precision_recall.png", "report.html"):
        (run_dir / name).unlink()
    rebuild_report(run_dir)
    assert_png(run_dir / "roc.png")
    assert_png(run_dir / "precision_recall.png")
    assert "Per-class report (test split)" in (run_dir / "report.html").read_text()
