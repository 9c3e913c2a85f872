"""The training core shared by glassnet's scikit-learn estimators.

An estimator here is a scikit-learn `BaseEstimator`: `__init__` only stores its parameters,
`fit(X, y)` validates the data, builds a glassnet module sized from it (`module_`) and trains it
by minibatch gradient descent, one epoch at a time:

    for each epoch:  for each batch B:  L_B = criterion(module(X_B), y_B) + penalty
                                        dL_B/dtheta by loss.backward();  optimizer.step()

Stopping follows scikit-learn's MLP: without early stopping, training stops once the epoch's
mean training loss has not fallen by `tol` for `n_iter_no_change` epochs in a row; with early
stopping, a `validation_fraction` of the data is held out and training stops once the validation
score has not risen by `tol` for `n_iter_no_change` epochs, keeping the best epoch's weights.

`random_state` fixes everything random in a fit (initial weights, shuffling, dropout): the
global glassnet generator is seeded for the fit and put back as it was afterwards, so a fit
neither depends on nor disturbs the caller's random state.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

import glassnet.random as glassnet_random
from glassnet.autograd.grad_mode import no_grad
from glassnet.tensor import Tensor


@contextlib.contextmanager
def seeded_global_generator(seed: int) -> Iterator[None]:
    """Run a block with glassnet's global generator seeded by `seed`, then restore its state."""
    generator = glassnet_random.default_generator
    saved = generator.get_state()
    generator.manual_seed(seed)
    try:
        yield
    finally:
        generator.set_state(saved)


class NeuralNetBase(BaseEstimator):
    """Minibatch training of a glassnet module behind scikit-learn's estimator API.

    Subclasses define `_build_module(n_features, n_outputs, dtype)`, `_criterion()`,
    `_encode_targets(y, fitting)`, `_score_validation(X, y)` and, for a penalty on the weights,
    `_penalty(batch_size)`. Parameter names used here: `max_iter`, `batch_size`, `shuffle`,
    `tol`, `n_iter_no_change`, `early_stopping`, `validation_fraction`, `random_state`,
    `warm_start`, `verbose`.
    """

    _n_epochs_param = "max_iter"
    _stop_on_training_loss = True  # scikit-learn's MLP rule; a NeuralNet runs all its epochs

    # ----------------------------------------------------------------- hooks
    def _build_module(self, n_features: int, n_outputs: int, dtype: np.dtype) -> Any:
        raise NotImplementedError

    def _make_optimizer(self, parameters: list) -> Any:
        raise NotImplementedError

    def _criterion(self) -> Any:
        raise NotImplementedError

    def _penalty(self, batch_size: int) -> Tensor | None:
        return None

    def _score_validation(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(self.score(X, y))

    # ----------------------------------------------------------------- data
    def _validate_X(self, X: Any, reset: bool) -> np.ndarray:
        X = validate_data(self, X, reset=reset, dtype=(np.float64, np.float32))
        return np.ascontiguousarray(X)

    def _validate_Xy(self, X: Any, y: Any, reset: bool, multi_output: bool) -> tuple:
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=(np.float64, np.float32),
            multi_output=multi_output,
            y_numeric=not is_classifier(self),
        )
        return np.ascontiguousarray(X), y

    def _classifier_data(self, X: Any, y: Any, classes: Any, incremental: bool) -> tuple:
        """A classifier's validated (X, y), setting `classes_`: from y in `fit`, from `classes`
        on the first `partial_fit` (required there); later labels must be among them."""
        name = type(self).__name__
        first = not incremental or not hasattr(self, "module_")
        X, y = self._validate_Xy(X, y, reset=first, multi_output=False)
        check_classification_targets(y)
        if not incremental:
            self.classes_ = np.unique(y)
        elif first:
            if classes is None:
                raise ValueError(f"{name}.partial_fit: classes must be passed on the first call")
            self.classes_ = np.unique(np.asarray(classes))
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"{name}.partial_fit: y holds labels not in classes: {unknown.tolist()}"
            )
        return X, y

    def _batch_size(self, n_samples: int) -> int:
        if self.batch_size == "auto":
            return min(200, n_samples)
        if not isinstance(self.batch_size, int | np.integer) or self.batch_size < 1:
            raise ValueError(
                f"{type(self).__name__}: batch_size must be a positive integer or 'auto', "
                f"got {self.batch_size!r}"
            )
        return min(int(self.batch_size), n_samples)

    def _check_training_params(self) -> None:
        name = type(self).__name__
        epochs = getattr(self, self._n_epochs_param)
        if not isinstance(epochs, int | np.integer) or epochs < 1:
            raise ValueError(
                f"{name}: {self._n_epochs_param} must be a positive integer, got {epochs!r}"
            )
        if not isinstance(self.n_iter_no_change, int | np.integer) or self.n_iter_no_change < 1:
            raise ValueError(
                f"{name}: n_iter_no_change must be a positive integer, "
                f"got {self.n_iter_no_change!r}"
            )
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(
                f"{name}: validation_fraction must be in (0, 1), got {self.validation_fraction!r}"
            )
        if not self.tol >= 0:
            raise ValueError(f"{name}: tol must be non-negative, got {self.tol!r}")

    # ----------------------------------------------------------------- fitting
    def _fit(self, X: np.ndarray, targets: np.ndarray, n_outputs: int, incremental: bool) -> Any:
        """Train on (X, targets) in place: one epoch when `incremental`, else until stopping."""
        self._check_training_params()
        first = not hasattr(self, "module_") or not (self.warm_start or incremental)
        if first:
            self._seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            self._shuffle_rng = np.random.default_rng(self._seed)
            with seeded_global_generator(self._seed):
                self.module_ = self._build_module(X.shape[1], n_outputs, X.dtype)
            self.optimizer_ = self._make_optimizer(list(self.module_.parameters()))
            self.loss_curve_: list[float] = []
            self.n_iter_ = 0
            self.t_ = 0
            self.best_loss_: float | None = np.inf
            self._no_improvement = 0
            if self.early_stopping and not incremental:
                self.validation_scores_: list[float] | None = []
                self.best_validation_score_: float | None = -np.inf
            else:
                self.validation_scores_ = None
                self.best_validation_score_ = None
        X = X.astype(self._module_dtype(X.dtype), copy=False)  # a float32 module, float32 input
        X_val = y_val = None
        if self.early_stopping and not incremental:
            X, X_val, targets, y_val = self._split_validation(X, targets)
        epochs = 1 if incremental else getattr(self, self._n_epochs_param)
        criterion = self._criterion()
        best_state = None
        with seeded_global_generator(self._seed + self.n_iter_):
            for _ in range(epochs):
                loss = self._epoch(X, targets, criterion)
                self.n_iter_ += 1
                self.loss_curve_.append(loss)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")
                if X_val is not None:
                    best_state = self._track_validation(X_val, y_val, best_state)
                elif self._stop_on_training_loss:
                    self._track_loss(loss)
                if not incremental and self._no_improvement > self.n_iter_no_change:
                    break
            else:
                if not incremental and self._stop_on_training_loss:
                    warnings.warn(
                        f"{type(self).__name__}: stochastic optimizer reached "
                        f"{self._n_epochs_param}={epochs} and the optimization has not "
                        "converged yet.",
                        ConvergenceWarning,
                        stacklevel=3,
                    )
        if best_state is not None:
            self.module_.load_state_dict(best_state)
        self.module_.eval()
        return self

    def _split_validation(self, X: np.ndarray, targets: np.ndarray) -> tuple:
        stratify = targets if is_classifier(self) else None
        if stratify is not None and stratify.ndim > 1:
            stratify = None
        return train_test_split(
            X,
            targets,
            test_size=self.validation_fraction,
            random_state=self._seed,
            stratify=stratify,
        )

    def _epoch(self, X: np.ndarray, targets: np.ndarray, criterion: Any) -> float:
        """One pass over the data in shuffled minibatches; the mean training loss."""
        self.module_.train()
        n = X.shape[0]
        order = self._shuffle_rng.permutation(n) if self.shuffle else np.arange(n)
        size = self._batch_size(n)
        total = 0.0
        for start in range(0, n, size):
            batch = order[start : start + size]
            self.optimizer_.zero_grad()
            out = self.module_(Tensor(X[batch]))
            loss = criterion(out, Tensor(targets[batch]))
            penalty = self._penalty(len(batch))
            if penalty is not None:
                loss = loss + penalty
            loss.backward()
            self.optimizer_.step()
            total += loss.item() * len(batch)
            self.t_ += len(batch)
        return total / n

    def _track_loss(self, loss: float) -> None:
        if loss > self.best_loss_ - self.tol:
            self._no_improvement += 1
        else:
            self._no_improvement = 0
        self.best_loss_ = min(self.best_loss_, loss)

    def _track_validation(self, X_val: np.ndarray, y_val: np.ndarray, best_state: Any) -> Any:
        self.module_.eval()
        score = self._score_validation(X_val, self._decode_targets(y_val))
        self.validation_scores_.append(score)
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement += 1
        else:
            self._no_improvement = 0
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            best_state = {k: v.numpy().copy() for k, v in self.module_.state_dict().items()}
        self.best_loss_ = None
        return best_state

    def _decode_targets(self, targets: np.ndarray) -> np.ndarray:
        return targets

    # ----------------------------------------------------------------- inference
    def _module_dtype(self, default: np.dtype) -> np.dtype:
        """The dtype of the module's parameters (the input is cast to it)."""
        for p in self.module_.parameters():
            return p.dtype
        return default

    def _forward(self, X: np.ndarray) -> np.ndarray:
        """The module's output on X (eval mode, no graph), as a NumPy array."""
        self.module_.eval()
        with no_grad():
            out = self.module_(Tensor(X.astype(self._module_dtype(X.dtype), copy=False)))
        return out.numpy()
