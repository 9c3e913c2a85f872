"""scikit-learn's own estimator checks on every glassnet estimator."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from glassnet import nn
from glassnet.sklearn import (
    MLPClassifier,
    MLPRegressor,
    NeuralNetClassifier,
    NeuralNetRegressor,
    Perceptron,
)


class SmallNet:
    """Builds a one-hidden-layer net sized from the data (a stable repr for the test ids)."""

    def __call__(self, n_features: int, n_outputs: int) -> nn.Module:
        return nn.Sequential(nn.Linear(n_features, 16), nn.Tanh(), nn.Linear(16, n_outputs))

    def __repr__(self) -> str:
        return "SmallNet()"


ESTIMATORS = [
    MLPClassifier(hidden_layer_sizes=(16,), max_iter=200, random_state=0),
    MLPRegressor(hidden_layer_sizes=(16,), max_iter=200, random_state=0),
    Perceptron(),
    NeuralNetClassifier(SmallNet(), max_epochs=30, lr=0.05, random_state=0),
    NeuralNetRegressor(SmallNet(), max_epochs=30, lr=0.05, random_state=0),
]

# Checks expected to fail, with the reason (none so far; each entry names estimator and check).
EXPECTED_FAILED: dict[str, dict[str, str]] = {}


def expected_failed_checks(estimator):
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        np.seterr(all="ignore")
        check(estimator)
