"""Real data sets that ship with scikit-learn (no download): digits, iris, breast cancer, wine,
diabetes, split into train and test tensors; plus standardisation and one-hot helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.data.dataset import TensorDataset
from glassnet.tensor import Tensor


@dataclass
class TabularData:
    """A data set split into train and test tensors, with what a model needs to know about it.

    `X_*` are float tensors (N, features); `y_*` int64 class labels (N,) for classification or
    float targets (N, 1) for regression. `mean`/`std` are the standardisation statistics (taken
    from the training split), or None when the features were left as they are.
    """

    name: str
    task: str  # "classification" or "regression"
    X_train: Tensor
    y_train: Tensor
    X_test: Tensor
    y_test: Tensor
    feature_names: list[str]
    target_names: list[str]
    image_shape: tuple[int, ...] | None = None
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def num_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def num_classes(self) -> int:
        return len(self.target_names) if self.task == "classification" else 0

    def train_dataset(self) -> TensorDataset:
        return TensorDataset(self.X_train, self.y_train)

    def test_dataset(self) -> TensorDataset:
        return TensorDataset(self.X_test, self.y_test)


def standardize(
    X_train: np.ndarray, *others: np.ndarray, eps: float = 1e-8
) -> tuple[np.ndarray, ...]:
    """z = (x - mean) / std with mean and std of `X_train`, applied to it and to `others`.

    Features that are constant in the training split (std 0) are only centred. Returns the
    standardised arrays followed by `mean` and `std`.

    Example
    -------
    >>> Xtr, Xte, mean, std = standardize(X_train, X_test)
    """
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std < eps, 1.0, std).astype(X_train.dtype)
    scaled = tuple(((X - mean) / std).astype(X_train.dtype) for X in (X_train, *others))
    return (*scaled, mean, std)


def one_hot(y: Any, num_classes: int | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Rows of the identity: one_hot(y)[i, y[i]] = 1, zeros elsewhere.

    Shape
    -----
    y (N,) integers in [0, num_classes)  ->  (N, num_classes)

    Example
    -------
    >>> one_hot([0, 2, 1], 3)
    array([[1., 0., 0.], [0., 0., 1.], [0., 1., 0.]], dtype=float32)
    """
    y = np.asarray(y._data if isinstance(y, Tensor) else y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {y.dtype}")
    y = y.reshape(-1)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"one_hot: labels must lie in [0, {num_classes}) (got {y.min()}..{y.max()})"
        )
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out


def _loader(name: str):
    from sklearn import datasets as sk

    loaders = {
        "digits": sk.load_digits,
        "iris": sk.load_iris,
        "breast_cancer": sk.load_breast_cancer,
        "wine": sk.load_wine,
        "diabetes": sk.load_diabetes,
    }
    if name not in loaders:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(loaders)}")
    return loaders[name]


TABULAR = ("digits", "iris", "breast_cancer", "wine", "diabetes")


def load_tabular(
    name: str,
    test_size: float = 0.2,
    seed: int = 0,
    standardize_features: bool = True,
    features: list[int] | None = None,
    dtype: Any = np.float32,
) -> TabularData:
    """Load one of scikit-learn's bundled data sets as train/test tensors.

    Classification sets are split stratified (the same class mix in both splits). Features are
    standardised with the training split's mean and std unless `standardize_features=False`.
    `features` keeps only those columns (e.g. `[2, 3]` for iris' petal length and width).

    Example
    -------
    >>> data = load_tabular("digits")
    >>> data.X_train.shape, data.num_classes
    ((1437, 64), 10)
    """
    from sklearn.model_selection import train_test_split

    name = name.replace("-", "_")
    bunch = _loader(name)()
    X = np.asarray(bunch.data, dtype=dtype)
    y = np.asarray(bunch.target)
    X, feature_names = _select_features(name, X, bunch, features)
    task = "regression" if name == "diabetes" else "classification"
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"{name}: test_size must be in (0, 1), got {test_size}")
    Xtr, Xte, ytr, yte = train_test_split(
        X,
        y,
        test_size=test_size,
        random_state=seed,
        stratify=y if task == "classification" else None,
    )
    mean = std = None
    if standardize_features:
        Xtr, Xte, mean, std = standardize(Xtr, Xte)
    ytr, yte, target_names = _targets(task, bunch, y, ytr, yte, dtype)
    return TabularData(
        name=name,
        task=task,
        X_train=Tensor._wrap(np.ascontiguousarray(Xtr)),
        y_train=Tensor._wrap(ytr),
        X_test=Tensor._wrap(np.ascontiguousarray(Xte)),
        y_test=Tensor._wrap(yte),
        feature_names=feature_names,
        target_names=target_names,
        image_shape=(8, 8) if name == "digits" else None,
        mean=mean,
        std=std,
    )


def _select_features(
    name: str, X: np.ndarray, bunch: Any, features: list[int] | None
) -> tuple[np.ndarray, list[str]]:
    """The chosen columns of X (all when `features` is None) and their names."""
    feature_names = [str(f) for f in getattr(bunch, "feature_names", range(X.shape[1]))]
    if features is None:
        return X, feature_names
    bad = [f for f in features if not 0 <= f < X.shape[1]]
    if bad:
        raise ValueError(f"{name}: feature indices {bad} out of range [0, {X.shape[1]})")
    return X[:, features], [feature_names[f] for f in features]


def _targets(
    task: str, bunch: Any, y: np.ndarray, ytr: np.ndarray, yte: np.ndarray, dtype: Any
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Class indices as int64 with the class names, or regression targets as (n, 1) columns."""
    if task == "classification":
        target_names = [str(t) for t in getattr(bunch, "target_names", np.unique(y))]
        return ytr.astype(np.int64), yte.astype(np.int64), target_names
    return ytr.astype(dtype).reshape(-1, 1), yte.astype(dtype).reshape(-1, 1), ["target"]


def load_digits(**kwargs: Any) -> TabularData:
    """8x8 handwritten digits (1797 images, 10 classes); see `load_tabular`."""
    return load_tabular("digits", **kwargs)


def load_iris(**kwargs: Any) -> TabularData:
    """Iris flowers (150 samples, 4 features, 3 classes); see `load_tabular`."""
    return load_tabular("iris", **kwargs)


def load_breast_cancer(**kwargs: Any) -> TabularData:
    """Wisconsin breast cancer (569 samples, 30 features, 2 classes); see `load_tabular`."""
    return load_tabular("breast_cancer", **kwargs)


def load_wine(**kwargs: Any) -> TabularData:
    """Wine cultivars (178 samples, 13 features, 3 classes); see `load_tabular`."""
    return load_tabular("wine", **kwargs)


def load_diabetes(**kwargs: Any) -> TabularData:
    """Diabetes progression (442 samples, 10 features, regression); see `load_tabular`."""
    return load_tabular("diabetes", **kwargs)
