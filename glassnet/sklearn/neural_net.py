"""`NeuralNetClassifier` and `NeuralNetRegressor`: any glassnet module behind scikit-learn's
estimator API (the idea of skorch), so it can sit in a `Pipeline`, a `GridSearchCV` or
`cross_val_score`.

`module` is either a Module, copied at each `fit` (the estimator never changes what it was
given), or a callable `module(n_features, n_outputs) -> Module` that builds one sized from the
data (a class such as `lambda n_in, n_out: nn.Linear(n_in, n_out)`). The criterion and optimizer
are given as classes (or a criterion instance), as in PyTorch:

    for each batch:  loss = criterion(module(X_B), y_B);  loss.backward();  optimizer.step()
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

import glassnet.nn as nn
import glassnet.optim as optim
from glassnet.nn.module import Module
from glassnet.sklearn.base import NeuralNetBase


class _NeuralNet(NeuralNetBase):
    """What the two wrappers share: `max_epochs` epochs (fewer only with early stopping)."""

    _n_epochs_param = "max_epochs"
    _stop_on_training_loss = False

    def __init__(
        self,
        module: Any,
        criterion: Any = None,
        optimizer: Any = None,
        *,
        lr: float = 0.01,
        max_epochs: int = 10,
        batch_size: int | str = 32,
        optimizer_kwargs: dict | None = None,
        shuffle: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        random_state: Any = None,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        self.module = module
        self.criterion = criterion
        self.optimizer = optimizer
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.optimizer_kwargs = optimizer_kwargs
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _build_module(self, n_features: int, n_outputs: int, dtype: np.dtype) -> Module:
        if isinstance(self.module, Module):
            module = copy.deepcopy(self.module)
        elif callable(self.module):
            module = self.module(n_features, n_outputs)
        else:
            raise TypeError(
                f"{type(self).__name__}: module must be a glassnet Module or a callable "
                f"(n_features, n_outputs) -> Module, got {type(self.module).__name__}"
            )
        if not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__}: module(n_features, n_outputs) must return a glassnet "
                f"Module, got {type(module).__name__}"
            )
        return module

    def _make_optimizer(self, parameters: list) -> Any:
        optimizer = optim.Adam if self.optimizer is None else self.optimizer
        if not callable(optimizer):
            raise TypeError(
                f"{type(self).__name__}: optimizer must be an optimizer class such as "
                f"glassnet.optim.SGD, got {optimizer!r}"
            )
        return optimizer(parameters, lr=self.lr, **(self.optimizer_kwargs or {}))

    def _criterion(self) -> Any:
        criterion = self._default_criterion() if self.criterion is None else self.criterion
        return criterion() if isinstance(criterion, type) else criterion

    def _default_criterion(self) -> Any:
        raise NotImplementedError


class NeuralNetClassifier(ClassifierMixin, _NeuralNet):
    """A classifier from any glassnet module that outputs one score (logit) per class.

    Default criterion `nn.CrossEntropyLoss` on the logits (p = softmax); with
    `criterion=nn.BCEWithLogitsLoss` and a module with one output, p(class 1) = sigmoid(y).
    Default optimizer `optim.Adam` with `lr`; extra optimizer arguments in `optimizer_kwargs`.

    Example
    -------
    >>> net = NeuralNetClassifier(lambda n_in, n_out: glassnet.models.MLP(n_in, [32], n_out),
    ...                           max_epochs=20, lr=0.01, random_state=0)
    >>> net.fit(X, y).score(X, y)
    """

    def _default_criterion(self) -> Any:
        return nn.CrossEntropyLoss

    def _binary_output(self) -> bool:
        criterion = self._criterion()
        return isinstance(criterion, nn.BCEWithLogitsLoss)

    def fit(self, X: Any, y: Any) -> NeuralNetClassifier:
        X, y = self._classifier_data(X, y, None, incremental=False)
        n_outputs = 1 if self._binary_output() else len(self.classes_)
        return self._fit(X, self._targets(y), n_outputs, incremental=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> NeuralNetClassifier:
        """One epoch over (X, y); `classes` (all labels) is required on the first call."""
        X, y = self._classifier_data(X, y, classes, incremental=True)
        n_outputs = 1 if self._binary_output() else len(self.classes_)
        return self._fit(X, self._targets(y), n_outputs, incremental=True)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.classes_, y)
        if self._binary_output():
            return index.astype(np.float32).reshape(-1, 1)
        return index.astype(np.int64)

    def _decode_targets(self, targets: np.ndarray) -> np.ndarray:
        return self.classes_[np.asarray(targets).reshape(-1).astype(np.int64)]

    def decision_function(self, X: Any) -> np.ndarray:
        """The module's outputs: shape (n,) for a one-output module, (n, n_classes) otherwise."""
        check_is_fitted(self, "module_")
        scores = self._forward(self._validate_X(X, reset=False))
        if scores.ndim != 2:
            raise ValueError(
                f"NeuralNetClassifier: the module must output (n, n_classes) scores, "
                f"got shape {scores.shape}"
            )
        if scores.shape[1] == 2 and len(self.classes_) == 2:
            return scores[:, 1] - scores[:, 0]
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n, n_classes) in the order of `classes_`."""
        check_is_fitted(self, "module_")
        scores = self._forward(self._validate_X(X, reset=False)).astype(np.float64)
        if scores.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        index = self.predict_proba(X).argmax(axis=1)
        return self.classes_[index]


class NeuralNetRegressor(RegressorMixin, _NeuralNet):
    """A regressor from any glassnet module that outputs (n, n_outputs) values.

    Default criterion `nn.MSELoss`; `predict` answers with the shape of the y it was fitted on.

    Example
    -------
    >>> net = NeuralNetRegressor(lambda n_in, n_out: nn.Linear(n_in, n_out), max_epochs=50)
    >>> net.fit(X, y).predict(X[:3])
    """

    def _default_criterion(self) -> Any:
        return nn.MSELoss

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        X, y = self._validate_Xy(X, y, reset=True, multi_output=True)
        return self._fit(X, self._targets(y, True), self.n_outputs_, incremental=False)

    def partial_fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        first = not hasattr(self, "module_")
        X, y = self._validate_Xy(X, y, reset=first, multi_output=True)
        return self._fit(X, self._targets(y, first), self.n_outputs_, incremental=True)

    def _targets(self, y: np.ndarray, reset: bool) -> np.ndarray:
        if reset:
            self._y_1d = y.ndim == 1
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return np.asarray(y, dtype=np.float32).reshape(len(y), -1)

    def _criterion(self) -> Any:
        criterion = super()._criterion()
        return lambda out, t: criterion(out, t.to(out.dtype))

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "module_")
        out = self._forward(self._validate_X(X, reset=False)).astype(np.float64)
        return out.reshape(len(out), -1)[:, 0] if self._y_1d else out
