"""The playground's data sets: five 2-D toy problems and scikit-learn's digits.

Every 2-D set is drawn from a `numpy.random.Generator` seeded by the session, with Gaussian
noise of standard deviation `noise` (in the units of the plane, which spans about [-1.5, 1.5]),
and split into train and test points by `test_fraction`. Labels are 0 and 1.

    circles   a disc of class 1 inside a ring of class 0
    moons     two interleaving half circles (scikit-learn's make_moons, rescaled)
    xor       the four quadrants, class 1 where x1 * x2 > 0: no line separates them
    spirals   two spirals winding around each other (the hardest for a small net)
    blobs     two Gaussian clouds, linearly separable at low noise
    digits    8x8 handwritten digits, 10 classes, standardised (glassnet.data.load_tabular)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

TOY_SETS = ("circles", "moons", "xor", "spirals", "blobs")
DATASETS = (*TOY_SETS, "digits")


@dataclass
class PlayData:
    """Train and test arrays of one data set, and what the page needs to draw them."""

    name: str
    X_train: np.ndarray  # (N, F) float32
    y_train: np.ndarray  # (N,) int64
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    feature_names: list[str] = field(default_factory=lambda: ["x1", "x2"])
    meta: dict[str, Any] = field(default_factory=dict)  # standardisation (digits)

    @property
    def num_features(self) -> int:
        """Input width F."""
        return int(self.X_train.shape[1])

    @property
    def num_classes(self) -> int:
        """Number of classes (2 for every toy set)."""
        return len(self.class_names)

    @property
    def is_plane(self) -> bool:
        """True for the 2-D sets, whose decision boundary can be drawn."""
        return self.num_features == 2


def _circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.8, 1.2, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1), y


def _moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    X = np.where(y[:, None] == 0, upper, lower)
    return (X - [0.5, 0.25]) * 1.2, y


def _xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.2, 1.2, (n, 2))
    X += np.sign(X) * 0.1  # a small gap along the axes
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    r = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * r + np.pi * y
    return 1.3 * r[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1), y


def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    centers = np.array([[-0.6, -0.5], [0.6, 0.5]])
    return centers[y] + rng.normal(0.0, 0.25, (n, 2)), y


_MAKERS = {"circles": _circles, "moons": _moons, "xor": _xor, "spirals": _spirals, "blobs": _blobs}


def make_toy(
    name: str, n_samples: int = 400, noise: float = 0.1, test_fraction: float = 0.3, seed: int = 0
) -> PlayData:
    """One of the 2-D sets: `n_samples` points, noise of std `noise`, a random train/test split.

    Example
    -------
    >>> data = make_toy("moons", n_samples=200, noise=0.1)
    >>> data.X_train.shape, data.num_classes
    ((140, 2), 2)
    """
    if name not in _MAKERS:
        raise ValueError(f"dataset: unknown 2-D set {name!r}; choose from {', '.join(TOY_SETS)}")
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](n_samples, rng)
    X = X + rng.normal(0.0, noise, X.shape)
    n_test = max(1, round(n_samples * test_fraction))
    order = rng.permutation(n_samples)
    test, train = order[:n_test], order[n_test:]
    X, y = X.astype(np.float32), y.astype(np.int64)
    return PlayData(name, X[train], y[train], X[test], y[test], ["class 0", "class 1"])


def load_digits_split(test_fraction: float = 0.2, seed: int = 0) -> PlayData:
    """scikit-learn's digits, split and standardised exactly as `glassnet train` splits them
    (`glassnet.data.load_tabular`), so that a saved run evaluates on the same test split."""
    from glassnet.data.datasets import load_tabular

    d = load_tabular("digits", test_size=test_fraction, seed=seed)
    return PlayData(
        "digits",
        d.X_train._data,
        d.y_train._data,
        d.X_test._data,
        d.y_test._data,
        list(d.target_names),
        list(d.feature_names),
        {"mean": d.mean, "std": d.std},
    )


def grid(resolution: int, extent: float = 1.6) -> tuple[np.ndarray, np.ndarray]:
    """(points (R*R, 2) float32, axis (R,)): the plane [-extent, extent]^2 sampled row by row,
    the first row at the top (largest x2), as the page draws it."""
    axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.stack([x1.ravel(), x2.ravel()], 1), axis


def rounded(a: np.ndarray, decimals: int) -> list:
    """`a` as nested lists of short decimals for JSON (rounded in float64: a float32's own
    repr would carry 17 digits)."""
    return np.round(np.asarray(a, dtype=np.float64), decimals).tolist()
