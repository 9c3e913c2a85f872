"""Five 2-D toy problems (the playground's, and `glassnet train` with data.dataset = moons, ...).

Every set is drawn from a `numpy.random.Generator` seeded by `seed`, with Gaussian noise of
standard deviation `noise` (in the units of the plane, which spans about [-1.5, 1.5]), and split
into train and test points by `test_fraction`. Labels are 0 and 1.

    circles   a disc of class 1 inside a ring of class 0
    moons     two interleaving half circles (scikit-learn's make_moons, rescaled)
    xor       the four quadrants, class 1 where x1 * x2 > 0: no line separates them
    spirals   two spirals winding around each other (the hardest for a small net)
    blobs     two Gaussian clouds, linearly separable at low noise
"""

from __future__ import annotations

import numpy as np

TOY_SETS = ("circles", "moons", "xor", "spirals", "blobs")


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


def make_toy_arrays(
    name: str, n_samples: int = 400, noise: float = 0.1, test_fraction: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test) of one 2-D set: float32 points, int64 labels.

    Example
    -------
    >>> X_train, y_train, X_test, y_test = make_toy_arrays("moons", n_samples=200, noise=0.1)
    >>> X_train.shape
    (140, 2)
    """
    if name not in _MAKERS:
        raise ValueError(f"dataset: unknown 2-D set {name!r}; choose from {', '.join(TOY_SETS)}")
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"{name}: n_samples must be an integer >= 2, got {n_samples!r}")
    if not noise >= 0:
        raise ValueError(f"{name}: noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](n_samples, rng)
    X = X + rng.normal(0.0, noise, X.shape)
    n_test = max(1, round(n_samples * test_fraction))
    order = rng.permutation(n_samples)
    test, train = order[:n_test], order[n_test:]
    X, y = X.astype(np.float32), y.astype(np.int64)
    return X[train], y[train], X[test], y[test]
