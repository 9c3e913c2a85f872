"""Threshold curves of a two-class scorer: ROC and precision-recall (computed in train/)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from glassnet.viz._figure import chart_style, save, subplots


def _unit_square(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower right" if "ROC" in title else "lower left")


def plot_roc_curve(
    fpr: Sequence[float],
    tpr: Sequence[float],
    auc: float,
    path: str | os.PathLike,
    title: str = "ROC curve",
) -> Path:
    """The ROC curve: true positive rate TP / P against false positive rate FP / N as the
    decision threshold moves, with its area (AUC) in the legend and the diagonal of guessing.

    Example
    -------
    >>> fpr, tpr, _ = sklearn.metrics.roc_curve(y, score)
    >>> plot_roc_curve(fpr, tpr, sklearn.metrics.roc_auc_score(y, score), "roc.png")
    """
    with chart_style():
        fig, axes = subplots(1, 1, width=4.8, height=4.6)
        ax = axes[0, 0]
        ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="guessing (AUC 0.5)")
        ax.plot(fpr, tpr, color="tab:blue", linewidth=2, label=f"model (AUC {auc:.3f})")
        _unit_square(ax, "false positive rate", "true positive rate (recall)", title)
        return save(fig, path)


def plot_pr_curve(
    recall: Sequence[float],
    precision: Sequence[float],
    average_precision: float,
    prevalence: float,
    path: str | os.PathLike,
    title: str = "Precision-recall curve",
) -> Path:
    """The precision-recall curve: precision TP / (TP + FP) against recall TP / P as the
    threshold moves, drawn as steps (the curve average precision sums), with the share of
    positives (a no-skill scorer's precision) as a dashed line.

    Example
    -------
    >>> precision, recall, _ = sklearn.metrics.precision_recall_curve(y, score)
    >>> plot_pr_curve(recall, precision, average_precision_score(y, score), y.mean(), "pr.png")
    """
    with chart_style():
        fig, axes = subplots(1, 1, width=4.8, height=4.6)
        ax = axes[0, 0]
        ax.axhline(
            prevalence,
            linestyle="--",
            color="grey",
            linewidth=1,
            label=f"guessing ({prevalence:.3f})",
        )
        ax.step(
            recall,
            precision,
            where="post",
            color="tab:green",
            linewidth=2,
            label=f"model (AP {average_precision:.3f})",
        )
        _unit_square(ax, "recall", "precision", title)
        return save(fig, path)
