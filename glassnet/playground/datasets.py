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

from glassnet.data.toy import TOY_SETS, make_toy_arrays

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


def make_toy(
    name: str, n_samples: int = 400, noise: float = 0.1, test_fraction: float = 0.3, seed: int = 0
) -> PlayData:
    """One of the 2-D sets (`glassnet.data.toy`) as the page's data.

    Example
    -------
    >>> data = make_toy("moons", n_samples=200, noise=0.1)
    >>> data.X_train.shape, data.num_classes
    ((140, 2), 2)
    """
    X_train, y_train, X_test, y_test = make_toy_arrays(name, n_samples, noise, test_fraction, seed)
    return PlayData(name, X_train, y_train, X_test, y_test, ["class 0", "class 1"])


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
