"""Build a run's pieces from its configuration: data, model, loss, metrics, optimizer, scheduler.

Each builder takes the resolved config (see `glassnet.config`) and raises `ConfigError` with the
key at fault when something cannot be built, so the command line can print one clear line.
Class arguments given in a config table are checked against the class's signature.
"""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.config import ConfigError
from glassnet.data.dataset import Dataset, TensorDataset, random_split
from glassnet.data.locate import find_data
from glassnet.data.toy import TOY_SETS, make_toy_arrays
from glassnet.random import Generator
from glassnet.tensor import Tensor

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
    from glassnet.data.datasets import load_tabular

    d = config["data"]
    name = d["dataset"]
    try:
        data = load_tabular(
            name,
            test_size=d["test_size"] or 0.2,
            seed=config["seed"],
            standardize_features=d["standardize"],
            features=d["features"] or None,
        )
    except ValueError as e:
        raise ConfigError(f"data: {e}") from None
    X_train, y_train = data.X_train._data, data.y_train._data
    X_test, y_test = data.X_test._data, data.y_test._data
    class_names = data.target_names
    task = data.task
    positive = d["positive_class"]
    binary = config["model"]["name"] in ("perceptron", "logistic") and task == "classification"
    if binary and len(class_names) > 2 and positive < 0:
        positive = 0  # one class against the rest
    if positive >= 0:
        if task != "classification" or positive >= len(class_names):
            raise ConfigError(
                f"data.positive_class={positive}: {name} has classes 0..{len(class_names) - 1}"
                if task == "classification"
                else f"data.positive_class: {name} is a regression set"
            )
        y_train = (y_train == positive).astype(np.int64)
        y_test = (y_test == positive).astype(np.int64)
        class_names = [f"not {class_names[positive]}", class_names[positive]]
    if task == "classification" and len(class_names) == 2 and config["model"]["name"] != "mlp":
        task = "binary"
    if task == "binary" and config["model"]["name"] != "perceptron":
        y_train = y_train.astype(np.float32).reshape(-1, 1)
        y_test = y_test.astype(np.float32).reshape(-1, 1)
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


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_threads(config: dict[str, Any]) -> int | None:
    """BLAS threads for a run when the user chose none: `SMALL_MODEL_THREADS` (1) for the small
    tabular data sets, whose matrix products are too small to share among threads (measured in
    docs/performance.md), None (BLAS's own default) otherwise or when an environment variable
    already sets it."""
    from glassnet._threads import SMALL_MODEL_THREADS

    if any(os.environ.get(v) for v in THREAD_VARIABLES):
        return None
    if config["data"]["dataset"].replace("-", "_") in (*TABULAR, *TOY_SETS):
        return SMALL_MODEL_THREADS
    return None


# ----------------------------------------------------------------------------- classes
def _kwargs_for(cls: Any, table: str, given: dict[str, Any], fixed: tuple[str, ...] = ()) -> dict:
    """`given` checked against cls.__init__'s parameters (those in `fixed` are set by glassnet)."""
    params = inspect.signature(cls).parameters
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    valid = [
        n
        for n, p in params.items()
        if n not in fixed
        and n not in ("self", "params", "optimizer", "generator", "dtype")
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    unknown = [k for k in given if k not in valid and not accepts_any]
    if unknown:
        raise ConfigError(
            f"{table}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], valid)} "
            f"for {cls.__name__} "
            f"(valid: name, {', '.join(valid)})"
        )
    return {
        k: tuple(v) if isinstance(v, list) and k in ("betas", "etas", "step_sizes") else v
        for k, v in given.items()
    }


def _construct(cls: Any, table: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return cls(*args, **kwargs)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"{table}: {cls.__name__}: {e}") from None


MODELS = {
    "mlp": ("glassnet.models.mlp", "MLP"),
    "logistic": ("glassnet.nn.linear", "Linear"),
    "perceptron": ("glassnet.models.perceptron", "Perceptron"),
    "lenet5": ("glassnet.models.lenet", "LeNet5"),
    "resnet": ("glassnet.models.resnet", "ResNet"),
    "gpt": ("glassnet.models.gpt", "GPT"),
}
CONV_MODELS = ("lenet5", "resnet")


def _model_class(name: str) -> Any:
    if name not in MODELS:
        raise ConfigError(
            f"model.name: unknown model {name!r}{did_you_mean(name, MODELS)} "
            f"(choose from {', '.join(MODELS)})"
        )
    module, cls = MODELS[name]
    try:
        return getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError):
        raise ConfigError(f"model.name: {name} is not available in this glassnet") from None


MAX_PARAMETERS = 2_000_000_000  # 8 GB of float32 weights, before gradients and optimizer state


def _ints(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count_parameters(name: str, spec: dict[str, Any], data: RunData) -> int | None:
    """The number of parameters the model would have (an upper estimate), or None when its
    arguments are not plain integers (its constructor then refuses them)."""
    n_in, n_out = data.num_features, data.num_outputs
    if name == "mlp":
        hidden = spec.get("hidden_sizes", [128])
        if not isinstance(hidden, list | tuple) or not all(_ints(h) for h in hidden):
            return None
        sizes = [n_in, *hidden, n_out]
        return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if name in ("logistic", "perceptron"):
        return (n_in + 1) * n_out
    if name == "lenet5":
        return 61_706 + 85 * n_out
    if name == "resnet":
        layers, width = spec.get("layers", (2, 2, 2)), spec.get("width", 16)
        if not isinstance(layers, list | tuple) or not all(map(_ints, [width, *layers])):
            return None
        total = 9 * width * spec.get("in_channels", 1) if _ints(spec.get("in_channels", 1)) else 0
        for stage, n in enumerate(layers):
            c = width * 2**stage
            total += n * (18 * c * c + 4 * c) + c * c
        return total + (width * 2 ** max(len(layers) - 1, 0) + 1) * n_out
    if name == "gpt":
        C, L = spec.get("n_embd", 768), spec.get("n_layer", 12)
        if not (_ints(C) and _ints(L)):
            return None
        return (n_out + n_in) * C + L * (12 * C * C + 13 * C) + 2 * C
    return None


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_model_size(name: str, spec: dict[str, Any], data: RunData) -> None:
    """Refuse, before allocating anything, a model over MAX_PARAMETERS parameters or whose
    float32 weights alone would not fit in this machine's memory."""
    count = _count_parameters(name, spec, data)
    if count is None:
        return
    memory = _memory_bytes()
    if count > MAX_PARAMETERS or (memory is not None and 4 * count > memory):
        sizes = {k: v for k, v in spec.items() if k != "name"}
        limit = f"{MAX_PARAMETERS:,}" + (
            f", or {memory / 1e9:.0f} GB of memory" if memory is not None else ""
        )
        raise ConfigError(
            f"model: {name} {sizes} with {data.num_features:,} inputs and {data.num_outputs:,} "
            f"outputs would have {count:,} parameters ({4 * count / 1e9:,.1f} GB as float32); "
            f"the limit is {limit}"
        )


# model arguments that are sizes or counts: each (or each entry of a list) must be >= 1
SIZE_KEYS = (
    "hidden_sizes",
    "layers",
    "width",
    "n_embd",
    "n_layer",
    "n_head",
    "in_channels",
    "block_size",
)


def check_sizes(spec: dict[str, Any]) -> None:
    """Refuse a size or count below 1 (`model.hidden_sizes = [0]`) with the key at fault."""
    for key in SIZE_KEYS:
        if key not in spec:
            continue
        value = spec[key]
        values = value if isinstance(value, list | tuple) else [value]
        if isinstance(value, list | tuple) and key == "hidden_sizes" and not value:
            continue  # no hidden layer: a linear model
        bad = [v for v in values if not _ints(v) or v < 1]
        if bad or not values:
            raise ConfigError(f"model.{key} must hold positive integers, got {value!r}")


def build_model(config: dict[str, Any], data: RunData, generator: Any = None) -> Any:
    """The model named by `model.name`, sized for `data` (its sizes checked first)."""
    spec = dict(config["model"])
    name = spec.pop("name")
    cls = _model_class(name)
    check_sizes(spec)
    check_model_size(name, spec, data)
    if name == "mlp":
        kw = _kwargs_for(cls, "model", spec, fixed=("in_features", "out_features"))
        kw.setdefault("hidden_sizes", [128])
        return _construct(
            cls,
            "model",
            data.num_features,
            out_features=data.num_outputs,
            generator=generator,
            **kw,
        )
    if name == "logistic":
        _kwargs_for(cls, "model", spec, fixed=("in_features", "out_features", "bias", "device"))
        return _construct(cls, "model", data.num_features, data.num_outputs, generator=generator)
    if name == "perceptron":
        if data.task != "binary":
            raise ConfigError(
                "model.name: the perceptron needs a two-class problem (set data.positive_class)"
            )
        kw = _kwargs_for(cls, "model", spec, fixed=("in_features",))
        return _construct(cls, "model", data.num_features, **kw)
    if name in CONV_MODELS:
        kw = _kwargs_for(cls, "model", spec, fixed=("num_classes", "in_channels"))
        params = inspect.signature(cls).parameters
        if "num_classes" in params:
            kw["num_classes"] = data.num_outputs
        return _construct(cls, "model", **kw, **_gen(params, generator))
    if name == "gpt":
        params = inspect.signature(cls).parameters
        if "config" in params:  # GPT(config: GPTConfig), nanoGPT style
            config_cls = importlib.import_module("glassnet.models.gpt").GPTConfig
            kw = _kwargs_for(config_cls, "model", spec, fixed=("vocab_size", "block_size"))
            cfg = _construct(
                config_cls, "model", vocab_size=data.num_outputs, block_size=data.num_features, **kw
            )
            return _construct(cls, "model", cfg, **_gen(params, generator))
        kw = _kwargs_for(cls, "model", spec, fixed=("vocab_size", "block_size"))
        return _construct(
            cls,
            "model",
            vocab_size=data.num_outputs,
            block_size=data.num_features,
            **kw,
            **_gen(params, generator),
        )
    raise ConfigError(f"model.name: unknown model {name!r}")


def _gen(params: Any, generator: Any) -> dict[str, Any]:
    return {"generator": generator} if "generator" in params else {}


def optimizer_classes() -> dict[str, Any]:
    """Every optimizer in `glassnet.optim`, by lower-case name ('sgd', 'adam', 'rmsprop', ...)."""
    import glassnet.optim as optim

    return {
        name.lower(): getattr(optim, name)
        for name in optim.__all__
        if isinstance(getattr(optim, name), type) and name != "Optimizer"
    }


def _optimizer_class(name: str) -> Any:
    classes = optimizer_classes()
    if name.lower() not in classes:
        raise ConfigError(
            f"optimizer.name: unknown optimizer {name!r}{did_you_mean(name, classes)} "
            f"(choose from {', '.join(classes)})"
        )
    return classes[name.lower()]


def build_optimizer(config: dict[str, Any], params: Any) -> Any:
    spec = dict(config["optimizer"])
    cls = _optimizer_class(spec.pop("name"))
    return _construct(cls, "optimizer", params, **_kwargs_for(cls, "optimizer", spec))


def check_names(config: dict[str, Any]) -> None:
    """Check, before anything is built or written, every name and key a run's config gives:
    model, optimizer (and its arguments), scheduler (and its arguments), loss and metrics; so a
    typo fails before a run folder exists."""
    _model_class(config["model"]["name"])
    spec = dict(config["optimizer"])
    _kwargs_for(_optimizer_class(spec.pop("name")), "optimizer", spec)
    spec = dict(config["scheduler"])
    name = spec.pop("name")
    if name.lower() != "none":
        spec.pop("interval", None)
        _kwargs_for(_scheduler_class(name), "scheduler", spec)
    if config["train"]["loss"] != "auto":
        _check_loss(config["train"]["loss"])
    _check_metrics(config["train"]["metrics"])


def _check_loss(name: str) -> None:
    if name not in LOSSES:
        raise ConfigError(
            f"train.loss: unknown loss {name!r}{did_you_mean(name, ['auto', *LOSSES])} "
            f"(choose from auto, {', '.join(LOSSES)})"
        )


def _check_metrics(names: list[str]) -> None:
    from glassnet.train.metrics import METRICS

    for m in names:
        if m not in METRICS:
            raise ConfigError(
                f"train.metrics: unknown metric {m!r}{did_you_mean(m, METRICS)} "
                f"(choose from {', '.join(METRICS)})"
            )


SCHEDULER_ALIASES = {
    "cosine": "CosineAnnealingLR",
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "exponential": "ExponentialLR",
    "plateau": "ReduceLROnPlateau",
    "onecycle": "OneCycleLR",
    "linear": "LinearLR",
}


def _scheduler_class(name: str) -> Any:
    """The `glassnet.optim.lr_scheduler` class of a scheduler name or alias ('cosine')."""
    from glassnet.optim import lr_scheduler

    classes = {
        n.lower(): getattr(lr_scheduler, n)
        for n in dir(lr_scheduler)
        if n.endswith(("LR", "Plateau")) and isinstance(getattr(lr_scheduler, n), type)
    }
    key = SCHEDULER_ALIASES.get(name.lower(), name).lower()
    if key not in classes:
        known = ["none", *SCHEDULER_ALIASES, *(cls.__name__ for cls in classes.values())]
        hint = did_you_mean(name, known)
        choices = ", ".join(["none", *SCHEDULER_ALIASES])
        raise ConfigError(
            f"scheduler.name: unknown scheduler {name!r}{hint} (choose from {choices})"
        )
    return classes[key]


def build_scheduler(
    config: dict[str, Any], optimizer: Any, steps_per_epoch: int
) -> tuple[Any, str]:
    """(scheduler or None, "epoch" or "step"): when the scheduler is stepped."""
    spec = dict(config["scheduler"])
    name = spec.pop("name")
    if name.lower() == "none":
        return None, "epoch"
    interval = spec.pop("interval", "epoch")
    cls = _scheduler_class(name)
    epochs = config["train"]["epochs"]
    params = inspect.signature(cls).parameters
    if cls.__name__ == "OneCycleLR":
        interval = "step"
        spec.setdefault("total_steps", epochs * steps_per_epoch)
    if "T_max" in params:
        spec.setdefault("T_max", epochs * (steps_per_epoch if interval == "step" else 1))
    if interval not in ("epoch", "step"):
        raise ConfigError(f"scheduler.interval must be 'epoch' or 'step', got {interval!r}")
    return _construct(cls, "scheduler", optimizer, **_kwargs_for(cls, "scheduler", spec)), interval


# ----------------------------------------------------------------------------- loss and metrics
LOSSES = {
    "cross_entropy": "CrossEntropyLoss",
    "bce_with_logits": "BCEWithLogitsLoss",
    "mse": "MSELoss",
    "l1": "L1Loss",
    "huber": "HuberLoss",
    "smooth_l1": "SmoothL1Loss",
}


def _loss_classes() -> dict[str, Any]:
    """Loss name in a config -> its `glassnet.nn` class."""
    import glassnet.nn as nn

    return {key: getattr(nn, cls) for key, cls in LOSSES.items()}


class SequenceLoss:
    """A classification loss over every position of a sequence: (B, T, V) scores, (B, T) ids
    -> loss on the (B*T, V) and (B*T,) views."""

    def __init__(self, loss: Any) -> None:
        self.loss = loss

    def __call__(self, output: Tensor, target: Tensor) -> Tensor:
        if isinstance(output, tuple):
            output = output[0]
        B, T, V = output.shape
        return self.loss(output.reshape(B * T, V), target.reshape(B * T))


def build_loss(config: dict[str, Any], data: RunData) -> Any:
    name = config["train"]["loss"]
    if name == "auto":
        name = {
            "classification": "cross_entropy",
            "binary": "bce_with_logits",
            "regression": "mse",
            "language": "cross_entropy",
        }[data.task]
    _check_loss(name)
    loss = _loss_classes()[name]()
    return SequenceLoss(loss) if data.task == "language" else loss


def default_metrics(config: dict[str, Any], data: RunData) -> list[str]:
    metrics = config["train"]["metrics"]
    _check_metrics(metrics)
    if metrics:
        return list(metrics)
    return {
        "classification": ["accuracy", "f1"],
        "binary": ["accuracy", "f1"],
        "regression": ["r2"],  # scale-free, so the same on standardised targets
        "language": [],
    }[data.task]
