"""Charts of a training run over time: loss and metric curves, learning rate, gradient flow."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from glassnet.viz._figure import chart_style, integer_ticks, save, subplots


def _epochs(history: Any) -> list[dict[str, Any]]:
    return history.epochs if hasattr(history, "epochs") else history["epochs"]


def _steps(history: Any) -> list[dict[str, Any]]:
    return history.steps if hasattr(history, "steps") else history["steps"]


def _metric_names(epochs: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for e in epochs:
        for k in e:
            for prefix in ("train_", "val_"):
                if k.startswith(prefix) and k != f"{prefix}loss":
                    name = k[len(prefix) :]
                    if name not in names:
                        names.append(name)
    return names


def _step_positions(steps: list[dict[str, Any]]) -> np.ndarray:
    """Steps placed on the epoch axis: the i-th of n steps of epoch e sits at e + (i + 1) / n."""
    epoch_of = np.array([s["epoch"] for s in steps])
    x = np.empty(len(steps))
    for e in np.unique(epoch_of):
        where = np.flatnonzero(epoch_of == e)
        x[where] = e + (np.arange(where.size) + 1) / where.size
    return x


def plot_history(history: Any, path: str | os.PathLike, title: str = "Training") -> Path:
    """Loss per step (faint) and per epoch (train and validation), then one panel per metric.

    `history` is a `History` or its `to_dict()`.
    """
    epochs, steps = _epochs(history), _steps(history)
    metrics = _metric_names(epochs)
    with chart_style():
        fig, axes = subplots(1, 1 + len(metrics), width=5.0 + 4.0 * len(metrics), height=4.0)
        _loss_panel(axes[0, 0], epochs, steps, title)
        for i, name in enumerate(metrics, start=1):
            _metric_panel(axes[0, i], epochs, name, title)
        return save(fig, path)


def _loss_panel(ax: Any, epochs: list[dict], steps: list[dict], title: str) -> None:
    """Step losses (faint), epoch means and validation losses; log scale past a 50x range."""
    if steps:
        ax.plot(
            _step_positions(steps),
            [s["loss"] for s in steps],
            color="tab:blue",
            alpha=0.25,
            lw=0.8,
            label="train (each step)",
        )
    ex = [e["epoch"] + 1 for e in epochs]
    ax.plot(
        ex,
        [e["train_loss"] for e in epochs],
        "o-",
        color="tab:blue",
        ms=3,
        label="train (epoch mean)",
    )
    if any("val_loss" in e for e in epochs):
        ax.plot(
            ex,
            [e.get("val_loss", np.nan) for e in epochs],
            "s-",
            color="tab:orange",
            ms=3,
            label="validation",
        )
    integer_ticks(ax.xaxis)
    ax.set_title(f"{title}: loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    losses = [s["loss"] for s in steps] or [e["train_loss"] for e in epochs]
    if len(losses) > 1 and min(losses) > 0 and max(losses) / min(losses) > 50:
        ax.set_yscale("log")
    ax.legend(loc="upper right")


def _metric_panel(ax: Any, epochs: list[dict], name: str, title: str) -> None:
    """One metric per epoch, train and validation where recorded."""
    ex = [e["epoch"] + 1 for e in epochs]
    for prefix, style, color, label in (
        ("train_", "o-", "tab:blue", "train"),
        ("val_", "s-", "tab:orange", "validation"),
    ):
        key = prefix + name
        if any(key in e for e in epochs):
            ax.plot(
                ex,
                [e.get(key, np.nan) for e in epochs],
                style,
                color=color,
                ms=3,
                label=label,
            )
    integer_ticks(ax.xaxis)
    ax.set_title(f"{title}: {name}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(name)
    ax.legend(loc="best")


def plot_learning_rate(history: Any, path: str | os.PathLike) -> Path:
    """The learning rate at every step (every parameter group when recorded)."""
    steps = _steps(history)
    with chart_style():
        fig, axes = subplots(width=6.0, height=3.5)
        ax = axes[0, 0]
        groups = sorted({k for s in steps for k in s if k.startswith("lr_group")})
        if groups:
            for key in groups:
                ax.plot(
                    [s["step"] for s in steps],
                    [s.get(key, np.nan) for s in steps],
                    label=key.replace("lr_", "").replace("group", "group "),
                )
            ax.legend(loc="best")
        else:
            ax.plot([s["step"] for s in steps], [s["lr"] for s in steps], color="tab:green")
        integer_ticks(ax.xaxis)
        ax.set_title("Learning rate")
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate")
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
        return save(fig, path)


def plot_gradient_flow(
    grad_norms: list[dict[str, Any]], path: str | os.PathLike, title: str = "Gradient flow"
) -> Path:
    """Per-layer gradient norms over training: one line per layer, first layer darkest.

    Layers whose gradient sits orders of magnitude below the others are starving (vanishing
    gradients); a log scale shows them. `grad_norms` is `History.grad_norms`.
    """
    layers: list[str] = []
    for r in grad_norms:
        for layer in r["norms"]:
            if layer not in layers:
                layers.append(layer)
    n = len(layers)
    color = [matplotlib.colormaps["viridis"](0.85 * i / max(n - 1, 1)) for i in range(n)]
    with chart_style():
        fig, axes = subplots(
            1, 2, width=12.0, height=max(4.2, 0.2 * n + 1.2), gridspec_kw={"width_ratios": [3, 2]}
        )
        _norms_over_time(fig, axes[0, 0], grad_norms, layers, color, title)
        _mean_norm_bars(axes[0, 1], grad_norms, layers, color)
        return save(fig, path)


def _norms_over_time(
    fig: Any, ax: Any, grad_norms: list[dict], layers: list[str], color: list, title: str
) -> None:
    """One line per layer over the steps, log scale; past 10 layers a colour bar, no legend."""
    n = len(layers)
    many = n > 10
    steps = [r["step"] for r in grad_norms]
    for i, layer in enumerate(layers):
        values = [r["norms"].get(layer, np.nan) for r in grad_norms]
        ax.plot(steps, values, color=color[i], lw=1.0 if many else 1.2, label=layer)
    ax.set_yscale("log")
    ax.set_title(f"{title}: ||dL/dW|| per layer over training")
    ax.set_xlabel("step")
    ax.set_ylabel("gradient norm (log scale)")
    integer_ticks(ax.xaxis)
    if many:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import ListedColormap, Normalize

        bar = fig.colorbar(
            ScalarMappable(Normalize(0, n - 1), ListedColormap(color)), ax=ax, pad=0.01
        )
        bar.set_label("layer, from input (0) to output")
    else:
        ax.legend(loc="best", fontsize=8)


def _mean_norm_bars(ax: Any, grad_norms: list[dict], layers: list[str], color: list) -> None:
    """The mean norm of each layer as a bar, input side at the top; log scale past 20x."""
    n = len(layers)
    means = [np.nanmean([r["norms"].get(layer, np.nan) for r in grad_norms]) for layer in layers]
    y = np.arange(n)
    ax.barh(y, means, color=color)
    ax.set_yticks(y, layers, fontsize=7 if n > 10 else 9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    positive = [m for m in means if m > 0]
    if positive and max(positive) / min(positive) > 20:
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("gradient norm (log scale)")
    else:
        ax.set_xlabel("gradient norm")
    ax.set_title("mean per layer (input at top)")
