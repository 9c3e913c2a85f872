"""Build a run's data from its `data` table: the tabular and toy sets, MNIST and Shakespeare
characters, as a `RunData` (train/val/test datasets with their sizes and task)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.config import ConfigError
from glassnet.data.dataset import Dataset, TensorDataset, random_split
from glassnet.data.locate import find_data
from glassnet.data.toy import TOY_SETS, make_toy_arrays
from glassnet.random import Generator

TABULAR = ("digits", "iris", "breast_cancer", "wine", "diabetes")


DATASETS = (*TABULAR, *TOY_SETS, "mnist", "shakespeare")


@dataclass
class RunData:
    """The splits of a run and what the model and charts need to know about them.

    task: "classification" (integer labels, C logits), "binary" (one logit, float targets),
    "regression" (float targets) or "language" (next-character ids).
    """

    task: str
    train: Dataset
    val: Dataset | None
    test: Dataset | None
    num_features: int
    num_outputs: int
    class_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    image_shape: tuple[int, ...] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # stored in checkpoints (predict needs it)


# ----------------------------------------------------------------------------- data
def _split_val(train: TensorDataset, fraction: float, seed: int) -> tuple[Dataset, Dataset | None]:
    if fraction <= 0:
        return train, None
    n_val = max(1, int(round(len(train) * fraction)))
    parts = random_split(train, [len(train) - n_val, n_val], generator=Generator(seed))
    return parts[0], parts[1]


def _tabular(config: dict[str, Any]) -> RunData:
    d = config["data"]
    data = _load_tabular(config)
    X_train, X_test = data.X_train._data, data.X_test._data
    task, class_names, y_train, y_test = _tabular_targets(config, data)
    if d["max_train_samples"]:
        X_train, y_train = X_train[: d["max_train_samples"]], y_train[: d["max_train_samples"]]
    target_mean = target_std = None
    if task == "regression" and d["standardize"]:
        # targets in units of their spread (diabetes' run from 25 to 346): the network's output
        # layer starts near 0 and learns in a few epochs; predictions are scaled back for metrics
        target_mean, target_std = y_train.mean(0), y_train.std(0)
        y_train = (y_train - target_mean) / target_std
        y_test = (y_test - target_mean) / target_std
    train, val = _split_val(TensorDataset(X_train, y_train), d["val_fraction"], config["seed"])
    meta = {
        "mean": data.mean,
        "std": data.std,
        "target_mean": target_mean,
        "target_std": target_std,
        "class_names": class_names,
        "feature_names": data.feature_names,
        "task": task,
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    return RunData(
        task=task,
        train=train,
        val=val,
        test=TensorDataset(X_test, y_test),
        num_features=X_train.shape[1],
        num_outputs={"classification": len(class_names), "binary": 1, "regression": 1}[task],
        class_names=class_names,
        feature_names=data.feature_names,
        image_shape=data.image_shape,
        meta=meta,
    )


def _load_tabular(config: dict[str, Any]) -> Any:
    """The named set, split and standardised as the `data` table asks (errors as ConfigError)."""
    from glassnet.data.datasets import load_tabular

    d = config["data"]
    try:
        return load_tabular(
            d["dataset"],
            test_size=d["test_size"] or 0.2,
            seed=config["seed"],
            standardize_features=d["standardize"],
            features=d["features"] or None,
        )
    except ValueError as e:
        raise ConfigError(f"data: {e}") from None


def _tabular_targets(config: dict[str, Any], data: Any) -> tuple[str, list, np.ndarray, np.ndarray]:
    """The task, class names and train/test targets the model learns: one class against the
    rest (see `_positive_class`) as labels 0/1; two classes are a "binary" task outside an MLP,
    with float (N, 1) targets for every model but the perceptron."""
    model = config["model"]["name"]
    task, class_names = data.task, data.target_names
    y_train, y_test = data.y_train._data, data.y_test._data
    positive = _positive_class(config, data)
    if positive >= 0:
        y_train = (y_train == positive).astype(np.int64)
        y_test = (y_test == positive).astype(np.int64)
        class_names = [f"not {class_names[positive]}", class_names[positive]]
    if task == "classification" and len(class_names) == 2 and model != "mlp":
        task = "binary"
    if task == "binary" and model != "perceptron":
        y_train = y_train.astype(np.float32).reshape(-1, 1)
        y_test = y_test.astype(np.float32).reshape(-1, 1)
    return task, class_names, y_train, y_test


def _positive_class(config: dict[str, Any], data: Any) -> int:
    """The class that becomes label 1 (every other one 0), or -1 for none: `positive_class`,
    else class 0 when a perceptron or logistic model meets more than two classes."""
    name, positive = config["data"]["dataset"], config["data"]["positive_class"]
    task, n_classes = data.task, len(data.target_names)
    binary = config["model"]["name"] in ("perceptron", "logistic") and task == "classification"
    if binary and n_classes > 2 and positive < 0:
        positive = 0  # one class against the rest
    if positive >= 0 and (task != "classification" or positive >= n_classes):
        raise ConfigError(
            f"data.positive_class={positive}: {name} has classes 0..{n_classes - 1}"
            if task == "classification"
            else f"data.positive_class: {name} is a regression set"
        )
    return positive


def _mnist(config: dict[str, Any]) -> RunData:
    from glassnet.data import mnist

    d = config["data"]
    try:
        root = find_data("mnist", config["data"]["data_dir"])
        X_train, y_train = mnist.load_mnist(root, train=True)  # (N, 1, 28, 28) in [0, 1]
        X_test, y_test = mnist.load_mnist(root, train=False)
    except (FileNotFoundError, mnist.IDXFormatError) as e:
        raise ConfigError(f"data: {e}") from None
    if d["max_train_samples"]:
        X_train, y_train = X_train[: d["max_train_samples"]], y_train[: d["max_train_samples"]]
    if d["max_test_samples"]:
        X_test, y_test = X_test[: d["max_test_samples"]], y_test[: d["max_test_samples"]]
    if config["model"]["name"] == "mlp":
        X_train, X_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    train, val = _split_val(TensorDataset(X_train, y_train), d["val_fraction"], config["seed"])
    names = [str(i) for i in range(10)]
    return RunData(
        task="classification",
        train=train,
        val=val,
        test=TensorDataset(X_test, y_test),
        num_features=int(np.prod(X_train.shape[1:])),
        num_outputs=10,
        class_names=names,
        image_shape=(28, 28),
        meta={
            "class_names": names,
            "task": "classification",
            "input_shape": list(X_train.shape[1:]),
        },
    )


def _shakespeare(config: dict[str, Any]) -> RunData:
    from glassnet.data.text import CharDataset, CharVocab, load_text

    d = config["data"]
    try:
        text = load_text(find_data("shakespeare", d["data_dir"]) / "input.txt")
    except (FileNotFoundError, ValueError, OSError) as e:
        raise ConfigError(f"data: {e}") from None
    vocab = CharVocab(text)
    ids = vocab.encode(text)
    if d["max_train_samples"]:
        ids = ids[: d["max_train_samples"]]
    n_val = int(len(ids) * (d["val_fraction"] or 0.1))
    T = d["block_size"]
    train = CharDataset(ids[:-n_val], T, vocab)
    val = CharDataset(ids[-n_val:], T, vocab)
    return RunData(
        task="language",
        train=train,
        val=val,
        test=None,
        num_features=T,
        num_outputs=len(vocab),
        meta={
            "chars": "".join(vocab.itos),
            "task": "language",
            "block_size": T,
        },
    )


def build_data(config: dict[str, Any]) -> RunData:
    """The train/validation/test splits named by `data.dataset`."""
    name = config["data"]["dataset"].replace("-", "_")
    config["data"]["dataset"] = name
    if name in TABULAR:
        return _tabular(config)
    if name in TOY_SETS:
        return _toy(config)
    if name == "mnist":
        return _mnist(config)
    if name in ("shakespeare", "tinyshakespeare"):
        return _shakespeare(config)
    raise ConfigError(
        f"data.dataset: unknown data set {name!r}{did_you_mean(name, DATASETS)} "
        f"(choose from {', '.join(DATASETS)})"
    )


def _toy(config: dict[str, Any]) -> RunData:
    """A 2-D toy set (glassnet.data.toy): two classes in the plane, drawn from the run's seed.

    One output (binary) for the perceptron, logistic regression and the one-logit losses
    (`train.loss` bce_with_logits or mse), two logits otherwise."""
    d = config["data"]
    X_train, y_train, X_test, y_test = make_toy_arrays(
        d["dataset"], d["n_samples"], d["noise"], d["test_size"] or 0.3, config["seed"]
    )
    one_output = config["model"]["name"] in ("perceptron", "logistic") or config["train"][
        "loss"
    ] in ("bce_with_logits", "mse")
    task = "binary" if one_output else "classification"
    if task == "binary" and config["model"]["name"] != "perceptron":
        y_train = y_train.astype(np.float32).reshape(-1, 1)
        y_test = y_test.astype(np.float32).reshape(-1, 1)
    train, val = _split_val(TensorDataset(X_train, y_train), d["val_fraction"], config["seed"])
    class_names, feature_names = ["class 0", "class 1"], ["x1", "x2"]
    return RunData(
        task=task,
        train=train,
        val=val,
        test=TensorDataset(X_test, y_test),
        num_features=2,
        num_outputs=1 if task == "binary" else 2,
        class_names=class_names,
        feature_names=feature_names,
        meta={"task": task, "class_names": class_names, "feature_names": feature_names},
    )
