"""A finished (or stopped) run folder, read back: its config, its model with a checkpoint's
weights, and the commands that use them (`glassnet evaluate`, `predict`, `generate`).

Everything read from the folder is checked before it is used: the config as a TOML config is,
the checkpoint's data description key by key, the model size before the model is built; each
problem is one `ConfigError` naming the file and the key.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.config import ConfigError
from glassnet.io.checkpoint import CheckpointError, load_checkpoint
from glassnet.random import Generator
from glassnet.train import builders
from glassnet.train.evaluation import predict
from glassnet.train.final_metrics import final_metrics


# ----------------------------------------------------------------------------- loading a run
def read_config(run_dir: str | Path) -> dict[str, Any]:
    """A run folder's config.json, checked (`glassnet.config.read_run_config`)."""
    from glassnet.config import read_run_config

    path = Path(run_dir) / "config.json"
    if not path.is_file():
        raise ConfigError(f"{run_dir}: not a run folder (no config.json)")
    return read_run_config(path)


def load_run(run_dir: str | Path, which: str = "best") -> tuple[dict[str, Any], Any, dict]:
    """(config, model with the `which` checkpoint's weights, the data meta) of a run folder.

    The config, the checkpoint's data description and the model size are checked before the
    model is built; each problem is one error naming the file and the key.
    """
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    try:
        from glassnet.io.checkpoint import load

        state = load(run_dir / which)
    except CheckpointError as e:
        raise ConfigError(str(e)) from None
    where = run_dir / f"{which}.safetensors"
    extra = state.get("extra", {})
    meta = extra.get("data", {}) if isinstance(extra, dict) else None
    data = _data_from_meta(config, meta, where)
    try:
        model = builders.build_model(config, data)
    except ConfigError as e:
        raise ConfigError(f"{run_dir / 'config.json'}: {e}") from None
    try:
        load_checkpoint(run_dir / which, model)
    except CheckpointError as e:
        raise ConfigError(
            f"{e} (it does not match the model {run_dir / 'config.json'} builds)"
        ) from None
    if hasattr(model, "classes_") and meta.get("task") == "binary":
        model.classes_ = np.array([0, 1])
    model.eval()
    return config, model, meta


def _meta_error(where: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{where}: data.{key} {problem}")


def _positive_int(meta: dict[str, Any], key: str, where: Path) -> int:
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _meta_error(where, key, f"must be a positive integer, got {value!r}")
    return value


def _data_from_meta(config: dict[str, Any], meta: Any, where: Path) -> builders.RunData:
    """A RunData without samples, enough to rebuild the model; `meta` (from the checkpoint at
    `where`) is checked key by key."""
    if not isinstance(meta, dict):
        raise ConfigError(f"{where}: extra.data must be a dict, got {type(meta).__name__}")
    task = meta.get("task", "classification")
    if task not in ("classification", "binary", "regression", "language"):
        raise _meta_error(where, "task", f"is not a known task: {task!r}")
    if task == "language":
        chars = meta.get("chars")
        if not isinstance(chars, str) or not chars:
            raise _meta_error(where, "chars", "must be a non-empty string")
        return builders.RunData(
            task=task,
            train=None,
            val=None,
            test=None,
            num_features=_positive_int(meta, "block_size", where),
            num_outputs=len(chars),
        )
    if "input_shape" in meta:
        shape = meta["input_shape"]
        if not isinstance(shape, list) or not 1 <= len(shape) <= 8:
            raise _meta_error(where, "input_shape", f"must be a list of sizes, got {shape!r}")
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in shape):
            raise _meta_error(where, "input_shape", f"must hold positive integers, got {shape!r}")
        n_features = math.prod(shape)
        if n_features > builders.MAX_PARAMETERS:
            raise _meta_error(where, "input_shape", f"{shape} makes {n_features:,} features")
    else:
        names, mean = meta.get("feature_names", []), meta.get("mean", [])
        if not isinstance(names, list):
            raise _meta_error(where, "feature_names", "must be a list of names")
        n_features = len(names) or len(np.atleast_1d(mean))
    for key in ("mean", "std", "target_mean", "target_std"):
        value = meta.get(key, 0.0)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(value, np.ndarray):
            numeric = value.dtype.kind in "iuf"
        elif isinstance(value, list):
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        if not numeric:
            raise _meta_error(where, key, f"must be numbers, got {type(value).__name__}")
    classes = meta.get("class_names", [])
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise _meta_error(where, "class_names", "must be a list of strings")
    outputs = {"classification": len(classes), "binary": 1, "regression": 1}[task]
    return builders.RunData(
        task=task,
        train=None,
        val=None,
        test=None,
        num_features=n_features,
        num_outputs=outputs,
        class_names=classes,
    )


# ----------------------------------------------------------------------------- commands on a run
def evaluate_run(
    run_dir: str | Path, which: str = "best", data_dir: str | None = None
) -> dict[str, Any]:
    """Metrics of a saved run's checkpoint on its test split (validation split for text)."""
    config, model, meta = load_run(run_dir, which)
    if data_dir:
        config["data"]["data_dir"] = data_dir
    data = builders.build_data(config)
    metrics, _ = final_metrics(config, model, data)
    return metrics


def read_inputs(path: str | Path) -> np.ndarray:
    """Rows of features from a .npy file or a .csv file (comma-separated, optional header);
    sizes are checked before reading (`glassnet.io.arrays.read_array`)."""
    from glassnet.io.arrays import read_array

    return read_array(path)


def predict_file(
    run_dir: str | Path, input_path: str | Path, which: str = "best"
) -> tuple[np.ndarray, list[str]]:
    """(raw outputs, one printable prediction per row) for the rows of an input file.

    Inputs are raw features (as in the data set); the run's standardisation is applied here.
    """
    config, model, meta = load_run(run_dir, which)
    if meta.get("task") == "language":
        raise ConfigError(f"{run_dir}: a language model; use `glassnet generate`")
    X = read_inputs(input_path)
    if "input_shape" in meta:
        shape = tuple(meta["input_shape"])
        if X.ndim == 2 and int(np.prod(shape)) == X.shape[1]:
            X = X.reshape(len(X), *shape)
        if config["model"]["name"] == "mlp":
            X = X.reshape(len(X), -1)
    elif X.ndim == 1:
        X = X.reshape(1, -1)
    if "mean" in meta:
        n = len(np.atleast_1d(meta["mean"]))
        if X.ndim != 2 or X.shape[1] != n:
            raise ConfigError(f"{input_path}: each row needs {n} features (got shape {X.shape})")
        X = ((X - meta["mean"]) / meta["std"]).astype(np.float32)
    try:
        if config["model"]["name"] == "perceptron":
            out = model.decision_function(X)
        else:
            out = predict(model, X)
    except ValueError as e:
        raise ConfigError(f"{input_path}: {e}") from None
    task = meta.get("task", "classification")
    if task == "regression":
        if "target_mean" in meta:
            out = out * meta["target_std"] + meta["target_mean"]
        return out, [f"{v:.4f}" for v in out.reshape(-1)]
    from glassnet.train.metrics import to_labels

    names = meta.get("class_names", [])
    labels = to_labels(out)
    return out, [names[i] if i < len(names) else str(i) for i in labels]


def generate_from_run(
    run_dir: str | Path,
    prompt: str,
    max_new_tokens: int = 200,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
) -> str:
    from glassnet.train.text import generate_text

    config, model, meta = load_run(run_dir)
    if meta.get("task") != "language":
        raise ConfigError(f"{run_dir}: not a language model (generate needs a text run)")
    try:
        return generate_text(
            model,
            meta,
            prompt,
            max_new_tokens,
            temperature,
            top_k,
            generator=Generator(seed),
        )
    except ValueError as e:
        raise ConfigError(str(e)) from None
