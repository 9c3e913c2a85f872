"""A language model's learning curves: loss against optimizer steps and tokens seen."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.ticker import EngFormatter

from glassnet.viz._figure import chart_style, integer_ticks, save, subplots


def plot_lm_curves(
    evals: Sequence[dict[str, Any]],
    path: str | os.PathLike,
    steps: Sequence[dict[str, Any]] = (),
    title: str = "Language model",
) -> Path:
    """Training and validation loss at each evaluation, against steps (bottom axis) and tokens
    seen (top axis, tokens = steps * batch_size * block_size).

    Parameters
    ----------
    evals : records {"steps", "tokens", "train_loss", "val_loss"} (`History.evals`)
        `train_loss` is the mean training loss of the steps since the previous evaluation.
    path : where to write the chart (its suffix names the format)
    steps : optional per-step records {"step", "loss"} (`History.steps`), drawn faintly;
        record "step" s is the (s + 1)-th optimizer step.
    title : the chart's title

    Example
    -------
    >>> plot_lm_curves(history.evals, "runs/x/lm_curves.png", history.steps)
    """
    if not evals:
        raise ValueError("plot_lm_curves: no evaluations to draw (evals is empty)")
    x = [e["steps"] for e in evals]
    per_step = evals[-1]["tokens"] / max(evals[-1]["steps"], 1)
    with chart_style():
        fig, axes = subplots(1, 1, width=7.0, height=4.2)
        ax = axes[0, 0]
        if steps:
            ax.plot(
                [s["step"] + 1 for s in steps],
                [s["loss"] for s in steps],
                color="tab:blue",
                alpha=0.2,
                linewidth=0.8,
                label="train loss (per step)",
            )
        ax.plot(x, [e["train_loss"] for e in evals], "o-", color="tab:blue", label="train loss")
        ax.plot(x, [e["val_loss"] for e in evals], "s-", color="tab:orange", label="val loss")
        ax.set_xlabel("optimizer steps")
        ax.set_ylabel("cross-entropy (nats per character)")
        ax.set_title(title)
        integer_ticks(ax.xaxis)
        top = ax.secondary_xaxis("top", functions=(lambda s: s * per_step, lambda t: t / per_step))
        top.set_xlabel("tokens seen")
        top.xaxis.set_major_formatter(EngFormatter(sep=""))
        last = evals[-1]
        ax.annotate(
            f"{last['val_loss']:.3f}",
            (last["steps"], last["val_loss"]),
            textcoords="offset points",
            xytext=(4, 6),
            color="tab:orange",
        )
        ax.legend(loc="upper right")
        return save(fig, path)
