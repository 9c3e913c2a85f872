"""scikit-learn estimators trained by glassnet: use glassnet models in `Pipeline`,
`GridSearchCV` and `cross_val_score`.

- `MLPClassifier`, `MLPRegressor`, `Perceptron`: scikit-learn's estimators of the same names
  (same parameters, attributes and stopping rules), the networks trained by glassnet.
- `NeuralNetClassifier`, `NeuralNetRegressor`: any glassnet module behind the estimator API.
- `save(estimator, f)` / `load(f)`: fitted estimators as data files (no pickle).
"""

from glassnet.sklearn.mlp import MLPClassifier, MLPRegressor
from glassnet.sklearn.neural_net import NeuralNetClassifier, NeuralNetRegressor
from glassnet.sklearn.perceptron import Perceptron
from glassnet.sklearn.persistence import load, save

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "Perceptron",
    "load",
    "save",
]
