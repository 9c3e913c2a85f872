"""Charts of what a classifier learned: confusion matrix, decision boundary, image predictions,
and the perceptron's line moving epoch by epoch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from glassnet.viz._figure import chart_style, save, subplots

CLASS_COLORS = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:red",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:gray",
    "tab:olive",
    "tab:cyan",
]


def plot_confusion_matrix(
    cm: np.ndarray,
    class_names: Sequence[str],
    path: str | os.PathLike,
    title: str = "Confusion matrix (test set)",
) -> Path:
    """Counts of true class (rows) against predicted class (columns), each cell labelled."""
    cm = np.asarray(cm)
    k = cm.shape[0]
    size = min(max(3.5, 0.55 * k + 2.5), 9.0)
    with chart_style():
        fig, axes = subplots(width=size + 1.0, height=size)
        ax = axes[0, 0]
        ax.grid(False)
        image = ax.imshow(cm, cmap="Blues")
        fig.colorbar(image, ax=ax, shrink=0.8, label="samples")
        ticks = np.arange(k)
        names = [str(n) for n in class_names]
        ax.set_xticks(
            ticks,
            names,
            rotation=45 if max(map(len, names)) > 3 else 0,
            ha="right" if max(map(len, names)) > 3 else "center",
        )
        ax.set_yticks(ticks, names)
        threshold = cm.max() / 2 if cm.size else 0
        if k <= 20:
            for i in range(k):
                for j in range(k):
                    ax.text(
                        j,
                        i,
                        str(cm[i, j]),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if cm[i, j] > threshold else "black",
                    )
        accuracy = np.trace(cm) / max(cm.sum(), 1)
        ax.set_title(f"{title}\naccuracy {accuracy:.3f} on {cm.sum()} samples")
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        return save(fig, path)


def _grid(X: np.ndarray, steps: int = 300, margin: float = 0.5):
    x0, x1 = X[:, 0].min() - margin, X[:, 0].max() + margin
    y0, y1 = X[:, 1].min() - margin, X[:, 1].max() + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    return gx, gy, np.stack([gx.ravel(), gy.ravel()], axis=1).astype(X.dtype)


def _scatter_classes(ax, X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> None:
    for c in np.unique(y):
        mask = y == c
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=18,
            color=CLASS_COLORS[int(c) % 10],
            edgecolor="black",
            linewidth=0.4,
            label=str(class_names[int(c)]),
        )


def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    path: str | os.PathLike,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] = ("feature 1", "feature 2"),
    title: str = "Decision regions",
) -> Path:
    """Colour the plane by the predicted class of every point and scatter the samples on it.

    `predict_fn(points)` maps an (M, 2) array to M class labels.
    """
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have 2 features, got shape {X.shape}")
    class_names = class_names or [str(c) for c in range(int(y.max()) + 1)]
    gx, gy, points = _grid(X)
    labels = np.asarray(predict_fn(points)).reshape(gx.shape)
    from matplotlib.colors import ListedColormap

    k = max(len(class_names), int(labels.max()) + 1)
    cmap = ListedColormap(CLASS_COLORS[:k])
    with chart_style():
        fig, axes = subplots(width=6.5, height=5.0)
        ax = axes[0, 0]
        ax.grid(False)
        ax.contourf(gx, gy, labels, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.25)
        ax.contour(gx, gy, labels, levels=np.arange(k) + 0.5, colors="black", linewidths=0.8)
        _scatter_classes(ax, X, y, class_names)
        ax.set_title(title)
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel(feature_names[1])
        ax.legend(title="true class", loc="best")
        return save(fig, path)


def plot_image_predictions(
    images: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray,
    path: str | os.PathLike,
    class_names: Sequence[str] | None = None,
    title: str = "Sample test predictions",
    n: int = 24,
) -> Path:
    """A grid of images titled 'pred p / true t' (mistakes in red); mistakes are shown first.

    `images` (N, H, W) or (N, 1, H, W) grey-scale.
    """
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[:, 0]
    labels = np.asarray(labels).reshape(-1)
    predictions = np.asarray(predictions).reshape(-1)
    wrong = np.flatnonzero(labels != predictions)
    right = np.flatnonzero(labels == predictions)
    n_wrong = min(len(wrong), n // 3)
    order = np.concatenate([wrong[:n_wrong], right[: n - n_wrong]])[:n]
    names = class_names or [str(c) for c in range(int(max(labels.max(), predictions.max())) + 1)]
    cols = 8
    rows = int(np.ceil(len(order) / cols))
    with chart_style():
        fig, axes = subplots(rows, cols, width=1.3 * cols, height=1.45 * rows + 0.5)
        for ax in axes.ravel():
            ax.axis("off")
        for ax, i in zip(axes.ravel(), order):
            ax.imshow(images[i], cmap="gray_r")
            ok = labels[i] == predictions[i]
            ax.set_title(
                f"pred {names[predictions[i]]}\ntrue {names[labels[i]]}",
                fontsize=8,
                color="black" if ok else "tab:red",
            )
        fig.suptitle(f"{title} ({len(wrong)} of {len(labels)} wrong; mistakes in red first)")
        return save(fig, path)


def plot_perceptron_lines(
    weights: Sequence[np.ndarray],
    biases: Sequence[float],
    X: np.ndarray,
    y: np.ndarray,
    path: str | os.PathLike,
    class_names: Sequence[str] = ("class 0", "class 1"),
    feature_names: Sequence[str] = ("feature 1", "feature 2"),
    title: str = "Perceptron: the decision line, epoch by epoch",
) -> Path:
    """The line w . x + b = 0 after every epoch, fading from light (early) to dark (final)."""
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    import matplotlib

    cmap = matplotlib.colormaps["Greys"]
    with chart_style():
        fig, axes = subplots(width=6.8, height=5.0)
        ax = axes[0, 0]
        _scatter_classes(ax, X, y, class_names)
        x0, x1 = X[:, 0].min() - 0.5, X[:, 0].max() + 0.5
        y0, y1 = X[:, 1].min() - 0.5, X[:, 1].max() + 0.5
        xs = np.linspace(x0, x1, 50)
        n = len(weights)
        for t, (w, b) in enumerate(zip(weights, biases)):
            w = np.asarray(w).reshape(-1)
            final = t == n - 1
            color = "tab:red" if final else cmap(0.25 + 0.6 * t / max(n - 1, 1))
            label = f"epoch {t + 1} (final)" if final else ("earlier epochs" if t == 0 else None)
            if abs(w[1]) > 1e-12:
                ax.plot(
                    xs, -(w[0] * xs + b) / w[1], color=color, lw=2.2 if final else 1.0, label=label
                )
            elif abs(w[0]) > 1e-12:
                ax.axvline(-b / w[0], color=color, lw=2.2 if final else 1.0, label=label)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_title(title)
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel(feature_names[1])
        ax.legend(loc="best")
        return save(fig, path)


def plot_regression(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    path: str | os.PathLike,
    title: str = "Predicted against true (test set)",
) -> Path:
    """Each test sample at (true, predicted); a perfect model puts them all on the diagonal."""
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    lo, hi = min(y_true.min(), y_pred.min()), max(y_true.max(), y_pred.max())
    ss_res = ((y_true - y_pred) ** 2).sum()
    ss_tot = ((y_true - y_true.mean()) ** 2).sum()
    with chart_style():
        fig, axes = subplots(width=5.5, height=5.0)
        ax = axes[0, 0]
        ax.scatter(
            y_true,
            y_pred,
            s=14,
            alpha=0.7,
            color="tab:blue",
            edgecolor="none",
            label="test samples",
        )
        ax.plot([lo, hi], [lo, hi], color="black", lw=1, label="predicted = true")
        ax.set_title(f"{title}\nR² = {1 - ss_res / ss_tot:.3f}")
        ax.set_xlabel("true value")
        ax.set_ylabel("predicted value")
        ax.legend(loc="upper left")
        return save(fig, path)
