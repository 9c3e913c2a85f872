"""`Perceptron`: Rosenblatt's rule behind scikit-learn's `Perceptron` estimator API.

One linear unit per class against the rest (one unit for two classes), each with targets
t in {-1, +1}. Visiting the examples one at a time, a unit that scores an example on the wrong
side (t (w . x + b) <= 0) moves towards it:

    w <- w + eta0 t x,    b <- b + eta0 t

With an L2 or L1 `penalty`, each visit also shrinks w: w <- w - eta0 alpha dR(w)/dw
(R = ||w||^2 / 2, or ||w||_1, or the elastic-net mix `l1_ratio`).

Stopping is scikit-learn's: an epoch's loss is sum_i max(0, -t_i s_i); training stops once it
has not fallen by tol * n_samples for `n_iter_no_change` epochs (or after `max_iter` epochs).
On separable data the rule converges (Novikoff); on XOR it never does.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

_PENALTIES = (None, "l2", "l1", "elasticnet")


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron as a scikit-learn classifier (scikit-learn's parameter names).

    Attributes: `coef_` (1 or n_classes, n_features), `intercept_`, `classes_`, `n_iter_`
    (epochs run), `t_` (weight updates visited: n_iter_ * n_samples + 1), `loss_curve_` (the
    perceptron loss of each epoch), `n_features_in_`, `feature_names_in_`.

    Example
    -------
    >>> clf = Perceptron(random_state=0).fit(X, y)
    >>> clf.score(X, y)
    """

    def __init__(
        self,
        *,
        penalty: str | None = None,
        alpha: float = 0.0001,
        l1_ratio: float = 0.15,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float | None = 1e-3,
        shuffle: bool = True,
        verbose: int = 0,
        eta0: float = 1.0,
        random_state: Any = 0,
        n_iter_no_change: int = 5,
        warm_start: bool = False,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.random_state = random_state
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start

    def _check_params(self) -> None:
        if self.penalty not in _PENALTIES:
            raise ValueError(
                f"Perceptron: penalty must be one of {_PENALTIES}, got {self.penalty!r}"
            )
        if not self.eta0 > 0:
            raise ValueError(f"Perceptron: eta0 must be positive, got {self.eta0!r}")
        if not isinstance(self.max_iter, int | np.integer) or self.max_iter < 1:
            raise ValueError(
                f"Perceptron: max_iter must be a positive integer, got {self.max_iter!r}"
            )
        if not self.alpha >= 0 or not 0 <= self.l1_ratio <= 1:
            raise ValueError(
                f"Perceptron: alpha must be >= 0 and l1_ratio in [0, 1], "
                f"got {self.alpha!r} and {self.l1_ratio!r}"
            )

    def _penalty_gradient(self, W: np.ndarray) -> np.ndarray | None:
        """dR/dW of the chosen penalty, times alpha (None without a penalty)."""
        if self.penalty is None:
            return None
        l1 = {"l2": 0.0, "l1": 1.0, "elasticnet": self.l1_ratio}[self.penalty]
        return self.alpha * (l1 * np.sign(W) + (1.0 - l1) * W)

    def fit(self, X: Any, y: Any, coef_init: Any = None, intercept_init: Any = None) -> Perceptron:
        """Run the rule over the data until the loss stalls or `max_iter` epochs."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32))
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"Perceptron: the data holds one class only ({self.classes_[0]!r}); "
                "it needs at least two"
            )
        k = 1 if len(self.classes_) == 2 else len(self.classes_)
        warm = self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (k, X.shape[1])
        W = self.coef_.copy() if warm else np.zeros((k, X.shape[1]), dtype=np.float64)
        b = self.intercept_.copy() if warm else np.zeros(k, dtype=np.float64)
        if coef_init is not None:
            W = np.array(coef_init, dtype=np.float64).reshape(k, X.shape[1])
        if intercept_init is not None:
            b = np.array(intercept_init, dtype=np.float64).reshape(k)
        index = np.searchsorted(self.classes_, y)
        T = np.where(index[:, None] == (np.arange(k) if k > 1 else np.ones(1)), 1.0, -1.0)
        self._run(np.asarray(X, dtype=np.float64), T, W, b)
        return self

    def _run(self, X: np.ndarray, T: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        best, stalled = np.inf, 0
        self.loss_curve_ = []
        for epoch in range(1, self.max_iter + 1):
            order = rng.permutation(n) if self.shuffle else np.arange(n)
            loss = 0.0
            for i in order:
                s = W @ X[i] + b  # one score per unit, (k,)
                margin = T[i] * s
                loss += float(np.maximum(0.0, -margin).sum())
                shrink = self._penalty_gradient(W)
                if shrink is not None:
                    W -= self.eta0 * shrink
                wrong = margin <= 0
                if wrong.any():
                    W[wrong] += self.eta0 * T[i, wrong, None] * X[i]
                    if self.fit_intercept:
                        b[wrong] += self.eta0 * T[i, wrong]
            self.loss_curve_.append(loss)
            if self.verbose:
                print(f"-- Epoch {epoch}, loss {loss:.6f}")
            if self.tol is not None:
                stalled = stalled + 1 if loss > best - self.tol * n else 0
                best = min(best, loss)
                if stalled >= self.n_iter_no_change:
                    break
        else:
            if self.tol is not None:
                warnings.warn(
                    f"Perceptron: maximum number of iterations ({self.max_iter}) reached; "
                    "consider increasing max_iter to improve the fit.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        self.coef_, self.intercept_ = W, b
        self.n_iter_ = epoch
        self.t_ = float(epoch * n + 1)

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores w . x + b: shape (n,) for two classes, (n, n_classes) for more."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        scores = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: Any) -> np.ndarray:
        """The class of the highest score (for two classes: class 1 where the score is > 0)."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.int64) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]
