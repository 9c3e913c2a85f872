"""`glassnet compare-optimizers`: the same optimizers on four 2-D surfaces and on a real data set,
side by side, to answer "which optimizer should I choose?". This module draws; the optimizers and
the training on the data set are in `glassnet.train.compare`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.train.compare import CHOICES
from glassnet.viz._figure import chart_style, integer_ticks, save, subplots
from glassnet.viz.surfaces import (
    COLORS,
    SURFACES,
    draw_losses,
    draw_paths,
    optimizer_paths,
    surface_lr,
)


def plot_surface_grid(
    optimizers: Sequence[str], path: str | os.PathLike, steps: int = 300
) -> tuple[Path, dict[str, dict[str, float]]]:
    """Paths (top row) and values per step (bottom row) on every surface; returns the final
    value of f for each surface and optimizer."""
    finals: dict[str, dict[str, float]] = {}
    with chart_style():
        fig, axes = subplots(2, len(SURFACES), width=5.0 * len(SURFACES), height=9.0)
        for col, surface in enumerate(SURFACES.values()):
            spec = {o: (CHOICES[o][0], CHOICES[o][1]) for o in optimizers}
            paths = optimizer_paths(spec, surface, steps)
            draw_paths(axes[0, col], paths, surface, legend=col == 0)
            draw_losses(axes[1, col], paths, surface)
            finals[surface.name] = {k: float(surface.f(*v[-1])) for k, v in paths.items()}
        fig.suptitle(
            f"Optimizer paths on four test surfaces ({steps} steps from the black dot; "
            "gold stars are minima)",
            fontsize=12,
        )
        return save(fig, path), finals


def plot_dataset_curves(histories: dict[str, Any], dataset: str, path: str | os.PathLike) -> Path:
    """Training loss per step, validation loss and the first metric per epoch."""
    with chart_style():
        fig, axes = subplots(1, 3, width=15.0, height=4.3)
        metric = None
        for i, (name, h) in enumerate(histories.items()):
            c = COLORS[i % 10]
            loss = np.array([s["loss"] for s in h.steps])
            k = max(1, len(loss) // 50)
            smooth = np.convolve(loss, np.ones(k) / k, mode="valid")
            axes[0, 0].plot(np.arange(len(smooth)) + k - 1, smooth, color=c, label=name)
            ep = [e["epoch"] + 1 for e in h.epochs]
            axes[0, 1].plot(
                ep, [e.get("val_loss", np.nan) for e in h.epochs], "o-", ms=3, color=c, label=name
            )
            metric = next(
                (k[4:] for k in h.epochs[-1] if k.startswith("val_") and k != "val_loss"), None
            )
            if metric:
                axes[0, 2].plot(
                    ep, [e[f"val_{metric}"] for e in h.epochs], "o-", ms=3, color=c, label=name
                )
        axes[0, 0].set_yscale("log")
        axes[0, 0].set_title(f"{dataset}: training loss per step (moving average)")
        axes[0, 0].set_xlabel("step")
        axes[0, 0].set_ylabel("loss (log scale)")
        axes[0, 1].set_title(f"{dataset}: validation loss")
        axes[0, 1].set_xlabel("epoch")
        axes[0, 1].set_ylabel("loss")
        axes[0, 2].set_title(f"{dataset}: validation {metric or ''}")
        axes[0, 2].set_xlabel("epoch")
        axes[0, 2].set_ylabel(metric or "")

        for ax in axes[0]:
            ax.legend(loc="best")
        for ax in axes[0, 1:]:
            integer_ticks(ax.xaxis)
        return save(fig, path)


def surface_lrs(optimizers: Sequence[str]) -> dict[str, dict[str, float]]:
    """The learning rate each optimizer runs at on each surface: {surface: {optimizer: lr}}."""
    return {
        surface.name: {o: surface_lr(CHOICES[o][0], CHOICES[o][1], surface) for o in optimizers}
        for surface in SURFACES.values()
    }


def summary_table(
    optimizers: Sequence[str],
    finals: dict[str, dict[str, float]],
    lrs: dict[str, dict[str, float]],
    histories: dict[str, Any],
    dataset: str,
) -> str:
    """The printed summary: the final f on each surface (lower is better), then the learning rate
    each optimizer ran at (per surface and on the data set) and its final validation metric."""
    surfaces = list(finals)
    head = f"{'optimizer':<10}" + "".join(f"{s:>11}" for s in surfaces)
    minima = ", ".join(f"{s} {float(SURFACES[s].f(*SURFACES[s].minima[0])):.3g}" for s in surfaces)
    lines = [
        f"final f(x, y) on each surface (lower is better; the minima: {minima}):",
        head,
    ]
    for name in optimizers:
        lines.append(f"{name:<10}" + "".join(f"{finals[s][name]:>11.3g}" for s in surfaces))
    last = histories[optimizers[0]].epochs[-1]
    metric = next((k for k in last if k.startswith("val_") and k != "val_loss"), "val_loss")
    better = "lower" if metric == "val_loss" else "higher"
    epochs = len(histories[optimizers[0]].epochs)
    lines += [
        "",
        f"learning rate on each surface and on {dataset}; {dataset} {metric} after {epochs} "
        f"epochs ({better} is better):",
        head + f"{dataset:>11}{metric:>15}",
    ]
    for name in optimizers:
        value = histories[name].epochs[-1].get(metric, float("nan"))
        lines.append(
            f"{name:<10}"
            + "".join(f"{lrs[s][name]:>11.3g}" for s in surfaces)
            + f"{CHOICES[name][2]:>11.3g}{value:>15.4f}"
        )
    return "\n".join(lines)
