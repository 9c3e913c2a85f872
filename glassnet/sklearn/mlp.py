"""`MLPClassifier` and `MLPRegressor`: scikit-learn's multi-layer perceptron estimators, with
scikit-learn's parameter names and defaults, trained by glassnet.

The network is `glassnet.models.MLP`: h_l = act(W_l h_{l-1} + b_l), output y = W_L h_{L-1} + b_L.
The loss of a batch B is scikit-learn's, with its L2 penalty on the weights (not the biases):

    L_B = data loss + (alpha / 2) * sum_l ||W_l||^2 / |B|

data loss: log-loss of sigmoid(y) for two classes, of softmax(y) for more (cross-entropy);
squared error / 2 for regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

import glassnet.optim as optim
from glassnet.models.mlp import MLP
from glassnet.nn import functional as F
from glassnet.sklearn.base import NeuralNetBase
from glassnet.tensor import Tensor

# scikit-learn's activation names, and glassnet's own registry names as well
_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_SOLVERS = ("adam", "sgd")
_SCHEDULES = ("constant", "invscaling", "adaptive")


class _MLPEstimator(NeuralNetBase):
    """What MLPClassifier and MLPRegressor share: the network, the solver and the penalty."""

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    # ----------------------------------------------------------------- the network
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, int | np.integer) else list(sizes)
        if not all(isinstance(h, int | np.integer) and h >= 1 for h in sizes):
            raise ValueError(
                f"{type(self).__name__}: hidden_layer_sizes must be positive integers, "
                f"got {self.hidden_layer_sizes!r}"
            )
        return [int(h) for h in sizes]

    def _build_module(self, n_features: int, n_outputs: int, dtype: np.dtype) -> MLP:
        activation = _ACTIVATIONS.get(self.activation, self.activation)
        if not isinstance(activation, str):
            raise ValueError(
                f"{type(self).__name__}: activation must be one of {sorted(_ACTIVATIONS)} "
                f"(or a glassnet activation name), got {self.activation!r}"
            )
        return MLP(n_features, self._hidden_sizes(), n_outputs, activation=activation, dtype=dtype)

    def _make_optimizer(self, parameters: list) -> Any:
        name = type(self).__name__
        if self.solver not in _SOLVERS:
            raise ValueError(f"{name}: solver must be one of {_SOLVERS}, got {self.solver!r}")
        if self.learning_rate not in _SCHEDULES:
            raise ValueError(
                f"{name}: learning_rate must be one of {_SCHEDULES}, got {self.learning_rate!r}"
            )
        if not self.learning_rate_init > 0:
            raise ValueError(
                f"{name}: learning_rate_init must be positive, got {self.learning_rate_init!r}"
            )
        if not self.alpha >= 0:
            raise ValueError(f"{name}: alpha must be non-negative, got {self.alpha!r}")
        if self.solver == "adam":
            return optim.Adam(
                parameters,
                lr=self.learning_rate_init,
                betas=(self.beta_1, self.beta_2),
                eps=self.epsilon,
            )
        return optim.SGD(
            parameters,
            lr=self.learning_rate_init,
            momentum=self.momentum,
            nesterov=self.nesterovs_momentum and self.momentum > 0,
        )

    def _penalty(self, batch_size: int) -> Tensor | None:
        if not self.alpha:
            return None
        squares = sum((layer.weight * layer.weight).sum() for layer in self._linear_layers())
        return squares * (0.5 * self.alpha / batch_size)

    def _linear_layers(self) -> list:
        return [layer for layer in self.module_ if hasattr(layer, "weight")]

    def _epoch(self, X: np.ndarray, targets: np.ndarray, criterion: Any) -> float:
        """One epoch, with scikit-learn's SGD learning-rate schedules applied around it.

        invscaling: lr_t = learning_rate_init / t^power_t (t: samples seen);
        adaptive: lr / 5 each time the loss stalls for two epochs (see `_track_loss`).
        """
        if self.solver == "sgd" and self.learning_rate == "invscaling":
            lr = self.learning_rate_init / (self.t_ + 1) ** self.power_t
            for group in self.optimizer_.param_groups:
                group["lr"] = lr
        return super()._epoch(X, targets, criterion)

    def _track_loss(self, loss: float) -> None:
        super()._track_loss(loss)
        adaptive = self.solver == "sgd" and self.learning_rate == "adaptive"
        if adaptive and self._no_improvement > 2:
            lr = self.optimizer_.param_groups[0]["lr"]
            if lr > 1e-6:
                for group in self.optimizer_.param_groups:
                    group["lr"] = lr / 5
                self._no_improvement = 0

    # ----------------------------------------------------------------- fitted weights
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices as scikit-learn lays them out: (inputs, outputs) per layer."""
        check_is_fitted(self, "module_")
        return [layer.weight.detach().numpy().T.copy() for layer in self._linear_layers()]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        check_is_fitted(self, "module_")
        return [layer.bias.detach().numpy().copy() for layer in self._linear_layers()]

    @property
    def n_layers_(self) -> int:
        check_is_fitted(self, "module_")
        return len(self._linear_layers()) + 1


class MLPClassifier(ClassifierMixin, _MLPEstimator):
    """A multi-layer perceptron classifier (scikit-learn's `MLPClassifier`), trained by glassnet.

    Two classes: one output unit, p(class 1) = sigmoid(y), log-loss. More: one unit per class,
    p = softmax(y), cross-entropy. Parameters and attributes are scikit-learn's (`classes_`,
    `loss_curve_`, `n_iter_`, `coefs_`, `intercepts_`, `best_loss_`, `validation_scores_`,
    `best_validation_score_`, `n_features_in_`, `feature_names_in_`); `module_` is the trained
    `glassnet.models.MLP`. Solvers: 'adam' (default) and 'sgd'.

    Example
    -------
    >>> clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2])
    """

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train on (X, y) until the stopping rule or `max_iter` epochs."""
        X, y = self._classifier_data(X, y, None, incremental=False)
        return self._fit(X, self._targets(y), self._n_outputs(), incremental=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """One epoch over (X, y); `classes` (all labels) is required on the first call."""
        X, y = self._classifier_data(X, y, classes, incremental=True)
        return self._fit(X, self._targets(y), self._n_outputs(), incremental=True)

    def _n_outputs(self) -> int:
        return 1 if len(self.classes_) <= 2 else len(self.classes_)

    def _targets(self, y: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.classes_, y)
        if len(self.classes_) <= 2:
            return index.astype(np.float64).reshape(-1, 1)
        return index.astype(np.int64)

    def _decode_targets(self, targets: np.ndarray) -> np.ndarray:
        return self.classes_[np.asarray(targets).reshape(-1).astype(np.int64)]

    def _criterion(self) -> Any:
        if len(self.classes_) <= 2:
            return lambda out, t: F.binary_cross_entropy_with_logits(out, t.to(out.dtype))
        return F.cross_entropy

    def decision_function(self, X: Any) -> np.ndarray:
        """The output units' values y: shape (n,) for two classes, (n, n_classes) for more."""
        check_is_fitted(self, "module_")
        scores = self._forward(self._validate_X(X, reset=False))
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n, n_classes), in the order of `classes_`."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = 1.0 / (1.0 + np.exp(-scores))
            return np.stack([1.0 - p, p], axis=1)
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.int64) if scores.ndim == 1 else scores.argmax(axis=1)
        if len(self.classes_) == 1:
            index = np.zeros_like(index)
        return self.classes_[index]


class MLPRegressor(RegressorMixin, _MLPEstimator):
    """A multi-layer perceptron regressor (scikit-learn's `MLPRegressor`), trained by glassnet.

    Linear output units; loss = squared error / 2 (+ the L2 penalty). Accepts y of shape (n,) or
    (n, n_outputs); `predict` answers in the same shape.

    Example
    -------
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y)
    """

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        X, y = self._validate_Xy(X, y, reset=True, multi_output=True)
        return self._fit(X, self._targets(y, reset=True), self.n_outputs_, incremental=False)

    def partial_fit(self, X: Any, y: Any) -> MLPRegressor:
        """One epoch over (X, y), continuing from the current weights."""
        first = not hasattr(self, "module_")
        X, y = self._validate_Xy(X, y, reset=first, multi_output=True)
        return self._fit(X, self._targets(y, reset=first), self.n_outputs_, incremental=True)

    def _targets(self, y: np.ndarray, reset: bool) -> np.ndarray:
        if reset:
            self._y_1d = y.ndim == 1
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return np.asarray(y, dtype=np.float64).reshape(len(y), -1)

    def _criterion(self) -> Any:
        return lambda out, t: 0.5 * F.mse_loss(out, t.to(out.dtype))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs, shape (n,) when fitted on a 1-D y."""
        check_is_fitted(self, "module_")
        out = self._forward(self._validate_X(X, reset=False))
        return out[:, 0] if self._y_1d else out
