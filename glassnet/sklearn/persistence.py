"""Saving a fitted estimator without pickle: `save(estimator, f)` / `load(f, estimator=None)`.

The file is what `glassnet.save` writes (safetensors arrays + JSON structure, data only): the
estimator's class name, its plain parameters, its fitted attributes and, for the neural
estimators, the module's state_dict and the optimizer's state (so `partial_fit` and
`warm_start` continue where they were). Loading runs no code from the file.

A `NeuralNetClassifier` / `NeuralNetRegressor` holds a user's module, criterion and optimizer,
which a data file cannot recreate: load it by passing an unfitted estimator built the same way
(`load(f, estimator=NeuralNetClassifier(module=...))`); the others rebuild from the file alone.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from glassnet.io.serialization import load as load_file
from glassnet.io.serialization import save as save_file
from glassnet.sklearn.mlp import MLPClassifier, MLPRegressor
from glassnet.sklearn.neural_net import NeuralNetClassifier, NeuralNetRegressor
from glassnet.sklearn.perceptron import Perceptron

FORMAT = "glassnet.sklearn"
ESTIMATORS = {
    cls.__name__: cls
    for cls in (MLPClassifier, MLPRegressor, Perceptron, NeuralNetClassifier, NeuralNetRegressor)
}
_OBJECTS = ("module_", "optimizer_")


def _plain(value: Any) -> bool:
    """Can `value` be written as data (a parameter or attribute, not a user's object)?"""
    if value is None or isinstance(value, bool | int | float | str | np.number):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _encode_attribute(value: Any) -> Any:
    if isinstance(value, np.random.Generator):
        return {"__rng__": json.dumps(value.bit_generator.state)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":  # labels, feature names
        return {"__labels__": value.tolist(), "dtype": value.dtype.str}
    return value


def _decode_attribute(value: Any) -> Any:
    if isinstance(value, dict) and "__rng__" in value:
        state = json.loads(value["__rng__"])
        rng = np.random.default_rng()
        rng.bit_generator.state = state
        return rng
    if isinstance(value, dict) and "__labels__" in value:
        dtype = np.dtype(value["dtype"])
        return np.array(value["__labels__"], dtype=object if dtype.kind == "O" else dtype)
    return value


def save(estimator: Any, f: str | os.PathLike) -> None:
    """Write a fitted glassnet estimator to `f` (data only, no pickle).

    Example
    -------
    >>> glassnet.sklearn.save(clf, "clf.gn")
    >>> clf2 = glassnet.sklearn.load("clf.gn")
    """
    name = type(estimator).__name__
    if ESTIMATORS.get(name) is not type(estimator):
        raise TypeError(f"glassnet.sklearn.save: not a glassnet estimator: {name}")
    check_is_fitted(estimator)
    params = {k: v for k, v in estimator.get_params(deep=False).items() if _plain(v)}
    attributes = {
        k: _encode_attribute(v)
        for k, v in vars(estimator).items()
        if k.endswith("_") or k.startswith("_")
        if k not in _OBJECTS
    }
    state: dict[str, Any] = {
        "format": FORMAT,
        "estimator": name,
        "params": params,
        "attributes": attributes,
    }
    if hasattr(estimator, "module_"):
        state["module"] = estimator.module_.state_dict()
        state["module_outputs"] = int(_module_outputs(estimator))
        state["optimizer"] = estimator.optimizer_.state_dict()
    save_file(state, f)


def _module_outputs(estimator: Any) -> int:
    if hasattr(estimator, "n_outputs_"):
        return estimator.n_outputs_
    binary = getattr(estimator, "_binary_output", None)
    if binary is not None:
        return 1 if binary() else len(estimator.classes_)
    return 1 if len(estimator.classes_) <= 2 else len(estimator.classes_)


def load(f: str | os.PathLike, estimator: Any = None) -> Any:
    """Read an estimator written by `save`.

    `estimator`: for NeuralNetClassifier/NeuralNetRegressor, an unfitted estimator with the same
    module, criterion and optimizer (the file holds their weights and state, not their code).
    """
    state = load_file(f)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"glassnet.sklearn.load: {f}: not a saved glassnet estimator")
    name = state.get("estimator")
    cls = ESTIMATORS.get(name)
    if cls is None:
        raise ValueError(f"glassnet.sklearn.load: {f}: unknown estimator {name!r}")
    if estimator is None:
        if cls in (NeuralNetClassifier, NeuralNetRegressor):
            raise ValueError(
                f"glassnet.sklearn.load: {f} holds a {name}; pass estimator={name}(module=...) "
                "built as when it was saved (its module and optimizer are code, not data)"
            )
        estimator = cls(**state["params"])
    elif type(estimator) is not cls:
        raise TypeError(
            f"glassnet.sklearn.load: {f} holds a {name}, not a {type(estimator).__name__}"
        )
    else:
        estimator.set_params(**state["params"])
    for key, value in state["attributes"].items():
        setattr(estimator, key, _decode_attribute(value))
    if "module" in state:
        weights = state["module"]
        dtype = next(iter(weights.values())).dtype
        estimator.module_ = estimator._build_module(
            estimator.n_features_in_, state["module_outputs"], dtype
        )
        estimator.module_.load_state_dict(weights)
        estimator.module_.eval()
        estimator.optimizer_ = estimator._make_optimizer(list(estimator.module_.parameters()))
        estimator.optimizer_.load_state_dict(state["optimizer"])
    return estimator
