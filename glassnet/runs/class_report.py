"""What a classifier gets right, class by class, and how its scores rank for a two-class task.

Computed by scikit-learn (`sklearn.metrics`) with its definitions:

    precision_c = TP_c / (TP_c + FP_c)      recall_c = TP_c / (TP_c + FN_c)
    F1_c = 2 precision_c recall_c / (precision_c + recall_c)      support_c = #{y = c}

per class c (0 where a denominator is 0), then averaged two ways, as `classification_report`
does: the macro average (unweighted mean over the classes) and the weighted average (each class
weighted by its support). For a two-class task the positive class is class 1, and its score is
the model's log-odds for it: the logit itself for one output per sample, z_1 - z_0 for two
(softmax(z)_1 is monotone in it, so the curves are those of the probabilities). Then

    ROC:  (FPR, TPR) at every threshold, AUC = its area   (`roc_curve`, `roc_auc_score`)
    PR:   (recall, precision) at every threshold, AP = sum_n (R_n - R_{n-1}) P_n
          (`precision_recall_curve`, `average_precision_score`)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from glassnet.train.metrics import to_labels

AVERAGES = ("macro avg", "weighted avg")
AVERAGING = (
    "macro avg: the unweighted mean of the per-class values; weighted avg: the mean weighted "
    "by each class's support (scikit-learn's classification_report)."
)


def per_class_report(
    output: np.ndarray, target: np.ndarray, class_names: list[str] | None = None
) -> dict[str, Any]:
    """Precision, recall, F1 and support of every class, their macro and weighted averages and
    the accuracy, as `sklearn.metrics.classification_report(output_dict=True)` gives them.

    Parameters
    ----------
    output : (N, C) scores, or (N,) / (N, 1) one logit per sample (two classes, 1 if > 0)
    target : (N,) true class labels 0 .. C-1
    class_names : the name of each class (default "0", "1", ...)

    Returns
    -------
    dict: {class name: {"precision", "recall", "f1-score", "support"}, ..., "accuracy": a,
    "macro avg": {...}, "weighted avg": {...}}

    Example
    -------
    >>> per_class_report(np.array([[2.0, 0.1], [0.3, 1.0]]), np.array([0, 0]), ["a", "b"])["a"]
    {'precision': 1.0, 'recall': 0.5, 'f1-score': 0.666..., 'support': 2}
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    y_true = np.asarray(target).reshape(-1).astype(np.int64)
    y_pred = to_labels(output)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"per_class_report: {len(y_pred)} predictions (output shape "
            f"{np.shape(output)}) for {len(y_true)} targets"
        )
    n_classes = len(class_names) if class_names else int(max(y_true.max(), y_pred.max())) + 1
    names = list(class_names) if class_names else [str(c) for c in range(n_classes)]
    labels = list(range(n_classes))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    report: dict[str, Any] = {
        name: {"precision": p[c], "recall": r[c], "f1-score": f[c], "support": int(s[c])}
        for c, name in enumerate(names)
    }
    report["accuracy"] = float(accuracy_score(y_true, y_pred))
    for average in AVERAGES:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average.split()[0], zero_division=0
        )
        report[average] = {
            "precision": float(p),
            "recall": float(r),
            "f1-score": float(f),
            "support": len(y_true),
        }
    for name in names:
        report[name] = {k: (v if k == "support" else float(v)) for k, v in report[name].items()}
    return report


def format_report(report: dict[str, Any]) -> str:
    """The report as a text table (one row per class, then accuracy and the two averages),
    ending with a line that states how the averages are taken."""
    rows = [k for k in report if k != "accuracy" and k not in AVERAGES]
    width = max(12, *(len(k) for k in report))
    head = f"{'':>{width}}  precision     recall   f1-score    support"
    lines = [head, ""]
    for key in rows:
        v = report[key]
        lines.append(
            f"{key:>{width}}  {v['precision']:9.3f}  {v['recall']:9.3f}  "
            f"{v['f1-score']:9.3f}  {v['support']:9d}"
        )
    total = report[AVERAGES[0]]["support"]
    lines += ["", f"{'accuracy':>{width}}  {'':9}  {'':9}  {report['accuracy']:9.3f}  {total:9d}"]
    for key in AVERAGES:
        v = report[key]
        lines.append(
            f"{key:>{width}}  {v['precision']:9.3f}  {v['recall']:9.3f}  "
            f"{v['f1-score']:9.3f}  {v['support']:9d}"
        )
    return "\n".join(lines) + "\n\n" + AVERAGING


def positive_scores(output: np.ndarray) -> np.ndarray:
    """The log-odds of class 1 for each sample of a two-class output: the logit for (N,) or
    (N, 1), z_1 - z_0 for (N, 2) scores."""
    output = np.asarray(output, dtype=np.float64)
    if output.ndim == 2 and output.shape[1] == 2:
        return output[:, 1] - output[:, 0]
    if output.ndim <= 1 or (output.ndim == 2 and output.shape[1] == 1):
        return output.reshape(-1)
    raise ValueError(
        f"positive_scores: a two-class output is (N,), (N, 1) or (N, 2), got shape {output.shape}"
    )


def roc_pr(output: np.ndarray, target: np.ndarray) -> dict[str, Any]:
    """The ROC and precision-recall curves of a two-class output, with ROC AUC and average
    precision; class 1 is the positive class.

    Returns
    -------
    dict with "fpr", "tpr" (ROC points), "auc", "precision", "recall" (PR points),
    "average_precision" and "prevalence" (the share of positives: a no-skill PR curve's level).
    """
    from sklearn.metrics import (
        average_precision_score,
        precision_recall_curve,
        roc_auc_score,
        roc_curve,
    )

    y = np.asarray(target).reshape(-1).astype(np.int64)
    score = positive_scores(output)
    if len(np.unique(y)) != 2:
        raise ValueError(
            "roc_pr: ROC and PR curves need both classes among the targets, got only "
            f"{np.unique(y).tolist()}"
        )
    fpr, tpr, _ = roc_curve(y, score)
    precision, recall, _ = precision_recall_curve(y, score)
    return {
        "fpr": fpr,
        "tpr": tpr,
        "auc": float(roc_auc_score(y, score)),
        "precision": precision,
        "recall": recall,
        "average_precision": float(average_precision_score(y, score)),
        "prevalence": float(y.mean()),
    }


def classifier_report(
    output: np.ndarray,
    target: np.ndarray,
    class_names: list[str],
    run_dir: Path,
    split: str = "test",
) -> tuple[list[tuple[Path, str]], dict[str, str]]:
    """A finished classifier's per-class report, and for two classes its ROC and PR charts
    (roc.png, precision_recall.png in `run_dir`) with ROC AUC and average precision.

    Returns (charts as (path, caption), titled texts for the report page).
    """
    from glassnet.viz.roc import plot_pr_curve, plot_roc_curve

    report = per_class_report(output, target, class_names)
    texts = {f"Per-class report ({split} split)": format_report(report)}
    y = np.asarray(target).reshape(-1)
    if len(class_names) != 2 or len(np.unique(y)) != 2:
        return [], texts
    curves = roc_pr(output, target)
    positive = class_names[1]
    charts = [
        (
            plot_roc_curve(
                curves["fpr"],
                curves["tpr"],
                curves["auc"],
                run_dir / "roc.png",
                title=f"ROC curve (positive class: {positive})",
            ),
            f"ROC curve on the {split} split, positive class {positive}: true positive rate "
            "against false positive rate as the threshold on the score moves; the diagonal is "
            "guessing.",
        ),
        (
            plot_pr_curve(
                curves["recall"],
                curves["precision"],
                curves["average_precision"],
                curves["prevalence"],
                run_dir / "precision_recall.png",
                title=f"Precision-recall (positive class: {positive})",
            ),
            f"Precision-recall curve on the {split} split, positive class {positive}; the "
            "dashed line is the share of positives (what guessing gets).",
        ),
    ]
    texts[f"Ranking of the {split} split by the score of class {positive}"] = (
        f"ROC AUC: {curves['auc']:.4f}    average precision: {curves['average_precision']:.4f}"
        f"    share of positives: {curves['prevalence']:.4f}\n(positive class: {positive}; "
        "scikit-learn's roc_auc_score and average_precision_score on the model's log-odds)"
    )
    return charts, texts
