"""Rosenblatt's perceptron (1958): the first learning machine, trained by its own mistakes."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn.module import Module, Parameter
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def _as_array(x: Any) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


class Perceptron(Module):
    """A linear threshold unit trained with Rosenblatt's rule (not gradient descent).

    Prediction:  y_hat = H(w . x + b),  H(s) = 1 if s > 0 else 0.
    Learning, one example at a time:  w <- w + lr (y - y_hat) x,   b <- b + lr (y - y_hat).

    Nothing changes when the prediction is right; a mistake moves w towards x (a missed
    positive) or away from it (a false positive). If the two classes can be separated by a
    hyperplane, the rule finds one after a finite number of mistakes (Novikoff, 1962); `fit` stops
    at the first epoch without a mistake. If they cannot, it never settles, and `fit` stops after
    `epochs`.

    Labels may be {0, 1} or {-1, 1}; `predict` answers in the same encoding.

    Parameters
    ----------
    in_features : int
        Number of input features.
    lr : float
        Learning rate (with w and b starting at zero it only scales w, never changes predictions).
    shuffle : bool
        Visit the examples in a new random order each epoch (default: in the given order).
    generator : Generator, optional
        Random source of the shuffling.

    Attributes
    ----------
    weight : Parameter, shape (in_features,) -- w
    bias : Parameter, shape () -- b
    mistakes_ : list of int -- mistakes made (and corrected at once) during each epoch of the
        last `fit`; the accuracy of the (w, b) reached at an epoch's end can be 1 all the same
    epoch_seconds_ : list of float -- wall time of each epoch of the last `fit`
    epoch_weights_ : list of (ndarray, float) -- (w, b) at the end of each epoch of the last
        `fit` (the decision line w . x + b = 0, epoch by epoch, for plots)
    converged_epoch_ : int or None -- the (1-based) epoch with no mistake, None if none was

    Shape
    -----
    Input: (N, in_features). Output of `decision_function` / `forward`: (N,).

    Example
    -------
    >>> p = glassnet.models.Perceptron(in_features=2).fit(X, y, epochs=50)
    >>> p.converged_epoch_, p.mistakes_
    (4, [3, 2, 1, 0])
    """

    def __init__(
        self,
        in_features: int,
        lr: float = 1.0,
        shuffle: bool = False,
        generator: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(in_features, int) or isinstance(in_features, bool) or in_features < 1:
            raise ValueError(
                f"Perceptron: in_features must be a positive integer, got {in_features!r}"
            )
        if not lr > 0:
            raise ValueError(f"Perceptron: lr must be positive, got {lr}")
        dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
        self.in_features = in_features
        self.lr = float(lr)
        self.shuffle = shuffle
        self.generator = generator
        # Not learned by gradient descent: no gradient is wanted.
        self.weight = Parameter(np.zeros(in_features, dtype=dtype), requires_grad=False)
        self.bias = Parameter(np.zeros((), dtype=dtype), requires_grad=False)
        self.mistakes_: list[int] = []
        self.epoch_seconds_: list[float] = []
        self.epoch_weights_: list[tuple[np.ndarray, float]] = []
        self.converged_epoch_: int | None = None
        self.classes_ = np.array([0, 1])

    # ----------------------------------------------------------------- checks
    def _features(self, X: Any, where: str) -> np.ndarray:
        X = _as_array(X)
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(
                f"Perceptron(in_features={self.in_features}).{where}: X must have shape "
                f"(N, {self.in_features}), got {X.shape}"
            )
        if X.dtype.kind not in "biuf":
            raise TypeError(f"Perceptron.{where}: X must be numeric, got dtype {X.dtype}")
        if not np.isfinite(X).all():
            raise ValueError(f"Perceptron.{where}: X contains nan or inf")
        return X.astype(self.weight._data.dtype, copy=False)

    def _targets(self, y: Any, n: int) -> np.ndarray:
        """Labels as t in {0, 1}, remembering the user's encoding in `classes_`."""
        y = _as_array(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"Perceptron.fit: y must have shape ({n},) to match X, got {y.shape}")
        if n == 0:
            raise ValueError("Perceptron.fit: X and y hold no examples")
        labels = np.unique(y)
        if y.dtype.kind not in "biuf" or not (
            set(labels.tolist()) <= {0, 1} or set(labels.tolist()) <= {-1, 1}
        ):
            raise ValueError(
                f"Perceptron.fit: labels must be binary, {{0, 1}} or {{-1, 1}}; got the values "
                f"{labels.tolist()[:10]} (map a multi-class problem to one class against the rest)"
            )
        self.classes_ = np.array([-1, 1]) if labels.min() < 0 else np.array([0, 1])
        return (y > 0).astype(np.int64)

    # ----------------------------------------------------------------- learning
    def fit(self, X: Any, y: Any, epochs: int = 100) -> Perceptron:
        """Apply Rosenblatt's rule, example by example, until an epoch makes no mistake.

        Starts from w = 0, b = 0. Records the number of mistakes of each epoch in `mistakes_`,
        its wall time in `epoch_seconds_`,
        (w, b) after each epoch in `epoch_weights_`, and the epoch without mistakes in
        `converged_epoch_` (None when `epochs` ran out).
        """
        if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
            raise ValueError(f"Perceptron.fit: epochs must be a positive integer, got {epochs!r}")
        X = self._features(X, "fit")
        t = self._targets(y, X.shape[0])
        rng = rng_of(self.generator)
        w = np.zeros(self.in_features, dtype=X.dtype)
        b = X.dtype.type(0)
        self.mistakes_ = []
        self.epoch_weights_ = []
        self.epoch_seconds_ = []
        self.converged_epoch_ = None
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            order = rng.permutation(len(X)) if self.shuffle else range(len(X))
            mistakes = 0
            for i in order:
                t_hat = 1 if X[i] @ w + b > 0 else 0
                if t_hat != t[i]:
                    step = self.lr * (t[i] - t_hat)  # +lr for a missed positive, -lr otherwise
                    w += step * X[i]
                    b += step
                    mistakes += 1
            self.mistakes_.append(mistakes)
            self.epoch_weights_.append((w.copy(), float(b)))
            self.epoch_seconds_.append(time.perf_counter() - start)
            if mistakes == 0:
                self.converged_epoch_ = epoch
                break
        self.weight._data[...] = w
        self.bias._data[...] = b
        return self

    # ----------------------------------------------------------------- prediction
    def forward(self, input: Tensor) -> Tensor:
        """The score w . x + b as a Tensor (the signed distance to the boundary, times ||w||)."""
        return input @ self.weight + self.bias

    def decision_function(self, X: Any) -> np.ndarray:
        """The score s = w . x + b of each example; the class is 1 where s > 0."""
        return self._features(X, "decision_function") @ self.weight._data + self.bias._data

    def predict(self, X: Any) -> np.ndarray:
        """Class labels, in the encoding `fit` saw ({0, 1} or {-1, 1})."""
        scores = self._features(X, "predict") @ self.weight._data + self.bias._data
        return self.classes_[(scores > 0).astype(np.int64)]

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, lr={self.lr}"
