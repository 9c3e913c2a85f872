"""A training run on disk: build it from a config, train it, and leave a folder that explains it.

    runs/<timestamp>-<name>/
        config.json            the resolved configuration (every default filled in)
        metrics.jsonl          one JSON line per epoch (and every 10th step)
        history.json           the History (rewritten at each checkpoint)
        best.safetensors       the checkpoint of the best validation epoch (one file, checksummed)
        last.safetensors       the newest checkpoint, with the whole training state
        *.png                  the charts (rewritten as training goes)
        report.html            config, final metrics and every chart in one page

`last` is written at each epoch end and every `train.checkpoint_every` steps;
`resume_run(run_dir)` (`glassnet train --resume RUN_DIR`) continues a killed run from it and
ends with the same weights, optimizer state, metrics and charts as a run never interrupted.
`load_run(run_dir)` rebuilds the model from such a folder for `evaluate`, `predict`, `generate`.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

import glassnet
from glassnet.config import ConfigError
from glassnet.data.loader import DataLoader
from glassnet.distributed import comm
from glassnet.io.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from glassnet.train import builders, lm_eval
from glassnet.train import distributed as dist_train
from glassnet.train.callbacks import (
    EarlyStopping,
    GradientNormTracker,
    JSONLLogger,
    LearningRateMonitor,
    ModelCheckpoint,
    write_text_atomic,
)
from glassnet.train.history import History
from glassnet.train.loop import evaluate, fit, predict
from glassnet.train.run_files import RunFolderWriter
from glassnet.train.state import NonFiniteError, checkpoint_stem


@dataclass
class RunResult:
    run_dir: Path
    history: History
    test_metrics: dict[str, float]
    charts: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """The one line a person wants: 'test accuracy: 0.981'."""
        for key in ("accuracy", "r2", "loss"):
            if key in self.test_metrics:
                split = self.test_metrics.get("split", "test")
                return f"{split} {key}: {self.test_metrics[key]:.3f}"
        return "done"


def new_run_dir(out: str | Path, name: str) -> Path:
    """runs/20261128-231500-digits-mlp (a suffix -2, -3, ... if it exists already)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(out) / f"{stamp}-{name}"
    base.parent.mkdir(parents=True, exist_ok=True)
    run_dir, i = base, 1
    while True:
        try:
            run_dir.mkdir()  # fails if another run took this name in the same second
            break
        except FileExistsError:
            i += 1
            run_dir = base.with_name(f"{base.name}-{i}")
    return run_dir


def train_run(
    config: dict[str, Any],
    out: str | Path = "runs",
    quiet: bool | None = None,
    run_dir: str | Path | None = None,
    resume: bool = False,
    distributed: bool = False,
) -> RunResult:
    """Train the run described by `config` and write its folder. Returns the result.

    With `resume=True`, `run_dir` is an existing run folder whose `last` checkpoint (if any)
    training continues from (see `resume_run`). Started by `mpiexec -n N` (or with
    `distributed=True`), the run is data-parallel over the N ranks (see `train.distributed`).

    Example
    -------
    >>> result = train_run(glassnet.config.resolve("configs/digits-mlp.toml"))
    >>> print(result.headline, result.run_dir)
    """
    seed = config["seed"]
    parallel = dist_train.start(config, distributed)
    main = comm.is_main()
    glassnet.manual_seed(seed)
    data = builders.build_data(config)
    model = builders.build_model(config, data, generator=glassnet.Generator(seed))
    if run_dir is None and main:
        run_dir = new_run_dir(out, config["name"])
    if parallel:
        run_dir = dist_train.shared_path(run_dir)
    run_dir = Path(run_dir)
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
    if not resume and main:
        write_text_atomic(run_dir / "config.json", json.dumps(config, indent=2) + "\n")
    if config["model"]["name"] == "perceptron":  # one fast pass of Rosenblatt's rule: redone
        history, extra = _train_perceptron(config, model, data, run_dir)
    else:
        history, extra = _train_gradient(config, model, data, run_dir, quiet, resume, parallel)
    test_metrics, outputs = _final_metrics(config, model, data)
    result = RunResult(run_dir, history, test_metrics)
    if not main:  # rank 0 writes the run folder
        return result
    write_text_atomic(run_dir / "history.json", history.to_json())
    write_text_atomic(run_dir / "test_metrics.json", json.dumps(test_metrics, indent=2) + "\n")
    if config["train"]["charts"]:
        from glassnet.train.charts import make_charts

        result.charts = make_charts(config, model, data, history, outputs, run_dir, extra)
        from glassnet.viz.report import write_report

        shown = {
            f"{test_metrics.get('split', 'test')} {k}": v
            for k, v in test_metrics.items()
            if k != "split"
        }
        shown["epochs trained"] = len(history.epochs)
        shown["parameters"] = sum(p.numel() for p in model.parameters())
        write_report(
            run_dir / "report.html",
            f"glassnet run: {config['name']}",
            config,
            shown,
            [(p, c) for p, c in result.charts],
            subtitle=f"{run_dir} - {datetime.now():%Y-%m-%d %H:%M}",
            texts=extra.get("texts", {}),
        )
    return result


def resume_run(
    run_dir: str | Path, quiet: bool | None = None, distributed: bool = False
) -> RunResult:
    """Continue the run in `run_dir` from its newest checkpoint (`last`) to its end.

    The run's own `config.json` is used. A run killed before its first checkpoint starts again
    from the beginning; a finished run is finished again (its final files rewritten). Either
    way the result is the run an uninterrupted `train_run` gives: the same weights and optimizer
    state bit for bit, and the same metrics, history and charts (wall times aside).

    Example
    -------
    >>> result = resume_run("runs/20261128-231500-digits-mlp")
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ConfigError(f"--resume {run_dir}: no such run folder")
    config = read_config(run_dir)
    if not isinstance(config, dict) or "seed" not in config or "train" not in config:
        raise ConfigError(f"{run_dir / 'config.json'}: not a run configuration")
    return train_run(config, quiet=quiet, run_dir=run_dir, resume=True, distributed=distributed)


def _has_checkpoint(stem: Path) -> bool:
    return any(stem.parent.glob(f"{stem.name}.*safetensors"))


def _train_gradient(
    config: dict[str, Any],
    model: Any,
    data: builders.RunData,
    run_dir: Path,
    quiet: bool | None,
    resume: bool = False,
    parallel: bool = False,
) -> tuple[History, dict[str, Any]]:
    t = config["train"]
    seed = config["seed"]
    loss_fn = builders.build_loss(config, data)
    metrics = builders.default_metrics(config, data)
    optimizer = builders.build_optimizer(config, model.parameters())
    last = checkpoint_stem(run_dir)
    shuffle_gen = glassnet.Generator(seed)
    if parallel:  # this rank's shard of each epoch; gradients averaged over the ranks
        train_loader = dist_train.train_loader(data.train, config["data"]["batch_size"], seed)
        train_loader.generator = shuffle_gen  # (unused: kept so checkpoints name the same ones)
        data_parallel = dist_train.data_parallel(model)
    else:
        train_loader = DataLoader(
            data.train, batch_size=config["data"]["batch_size"], shuffle=True, generator=shuffle_gen
        )
    val_loader = None
    if data.task == "language":  # one fixed set for every validation loss (train.lm_eval)
        val_loader = lm_eval.eval_loader(data.val, config)
    elif data.val is not None:
        val_loader = DataLoader(data.val, batch_size=max(256, config["data"]["batch_size"]))
        if t["eval_batches"]:
            val_loader = _Limited(val_loader, t["eval_batches"])
    if len(train_loader) == 0:
        raise ConfigError(f"data: the training split of {config['data']['dataset']} is empty")
    steps = t["max_steps_per_epoch"] or len(train_loader)
    scheduler, interval = builders.build_scheduler(config, optimizer, min(steps, len(train_loader)))
    monitor = "val_loss" if val_loader is not None else "train_loss"
    every = t["checkpoint_every"] or None
    callbacks: list[Any] = [
        JSONLLogger(run_dir / "metrics.jsonl", step_every=10),
        ModelCheckpoint(
            run_dir,
            monitor=monitor,
            extra={"config": config, "data": data.meta},
            every_n_train_steps=every,
        ),
        GradientNormTracker(every=t["grad_norm_every"]),
        LearningRateMonitor(),
        RunFolderWriter(run_dir, config, every, charts=t["charts"]),
    ]
    if data.task == "language":  # validation every train.eval_every steps, before the loggers
        tokens = config["data"]["batch_size"] * config["data"]["block_size"]
        per_epoch = min(steps, len(train_loader))
        log = run_dir / "metrics.jsonl"
        callbacks.insert(0, lm_eval.EvalEvery(val_loader, t["eval_every"], tokens, per_epoch, log))
    if t["early_stopping"]:
        callbacks.append(EarlyStopping(monitor, patience=t["early_stopping"]))
    if parallel:  # rank 0 logs and writes; every rank sees metrics averaged over the ranks
        callbacks = [dist_train.MeanOverRanks()] + (
            callbacks if comm.is_main() else [c for c in callbacks if isinstance(c, EarlyStopping)]
        )
        quiet = quiet if comm.is_main() else True
    try:
        history = fit(
            model,
            loss_fn,
            optimizer,
            train_loader,
            val_loader,
            epochs=t["epochs"],
            metrics=metrics,
            callbacks=callbacks,
            scheduler=scheduler,
            clip_grad_norm=t["clip_grad_norm"] or None,
            seed=seed,
            quiet=quiet,
            scheduler_interval=interval,
            max_steps_per_epoch=t["max_steps_per_epoch"] or None,
            resume_from=last if resume and _has_checkpoint(last) else None,
        )
    except NonFiniteError as e:
        saved = f"the last good state is in {e.checkpoint}" if e.checkpoint else "no checkpoint"
        raise ConfigError(f"{e} (run folder {run_dir}; {saved})") from None
    if parallel:
        comm.barrier()  # rank 0 has written the best checkpoint
        data_parallel.remove_hooks()
    # the rest of the run uses the best epoch's weights
    load_checkpoint(run_dir / "best", model)
    return history, {"loss_fn": loss_fn, "metrics": metrics}


class _Limited:
    """The first `n` batches of a loader (quick validation on large data sets)."""

    def __init__(self, loader: DataLoader, n: int) -> None:
        self.loader, self.n = loader, n

    def __iter__(self):
        for i, batch in enumerate(self.loader):
            if i >= self.n:
                return
            yield batch

    def __len__(self) -> int:
        return min(self.n, len(self.loader))


def _arrays(dataset: Any) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for xb, yb in DataLoader(dataset, batch_size=4096):
        xs.append(xb._data)
        ys.append(yb._data)
    return np.concatenate(xs), np.concatenate(ys)


def _perceptron_loss(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    """The perceptron criterion mean(max(0, -t s)), t = +-1: what Rosenblatt's rule descends."""
    s = model.decision_function(X)
    t = np.where(y > 0, 1.0, -1.0)
    return float(np.maximum(0.0, -t * s).mean())


def _train_perceptron(
    config: dict[str, Any], model: Any, data: builders.RunData, run_dir: Path
) -> tuple[History, dict[str, Any]]:
    """Rosenblatt's rule, fitted once; each epoch's line and metrics come from the (w, b) the
    Perceptron records after every epoch (`epoch_weights_`)."""
    from glassnet.train.metrics import accuracy

    X, y = _arrays(data.train)
    Xv, yv = _arrays(data.val) if data.val is not None else (None, None)
    history = History()
    start = time.perf_counter()
    model.fit(X, y, epochs=config["train"]["epochs"])
    seconds_per_epoch = (time.perf_counter() - start) / max(len(model.mistakes_), 1)
    lines = list(model.epoch_weights_)
    log = (run_dir / "metrics.jsonl").open("w")
    for k, ((w, b), mistakes) in enumerate(zip(model.epoch_weights_, model.mistakes_)):
        model.weight._data[...] = w
        model.bias._data[...] = b
        record = {
            "epoch": k,
            "train_loss": _perceptron_loss(model, X, y),
            "train_accuracy": accuracy(model.decision_function(X), y),
            "train_mistakes": mistakes,
        }
        if Xv is not None:
            record["val_loss"] = _perceptron_loss(model, Xv, yv)
            record["val_accuracy"] = accuracy(model.decision_function(Xv), yv)
        record["lr"] = model.lr
        record["time"] = seconds_per_epoch
        history.epochs.append(record)
        log.write(json.dumps({"type": "epoch", **record}) + "\n")
    log.close()  # the loop ends on the last epoch's (w, b): the fitted model, unchanged
    for name in ("best", "last"):
        save_checkpoint(
            run_dir / name,
            model,
            epoch=len(history.epochs) - 1,
            config=config,
            data=data.meta,
            record=history.epochs[-1],
        )
    return history, {"lines": lines, "loss_fn": None, "metrics": ["accuracy", "f1"]}


def _final_metrics(
    config: dict[str, Any], model: Any, data: builders.RunData
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Metrics on the test split (validation for text), and the outputs the charts need."""
    if data.task == "language":  # the fixed set every validation loss of the run used
        loss_fn = builders.build_loss(config, data)
        result = evaluate(model, loss_fn, lm_eval.eval_loader(data.val, config))
        return {
            "split": "validation",
            "loss": result["loss"],
            "perplexity": math.exp(min(result["loss"], 50.0)),
        }, {}
    X, y = _arrays(data.test)
    bad = int(X.size - np.count_nonzero(np.isfinite(X))) if X.dtype.kind == "f" else 0
    if bad:
        rows = np.flatnonzero(~np.isfinite(X.reshape(len(X), -1)).all(axis=1))
        raise ConfigError(
            f"data: the test split holds {bad} NaN/Inf values (in rows {rows[:5].tolist()}"
            f"{', ...' if len(rows) > 5 else ''}); the data set has missing or infinite values"
        )
    if config["model"]["name"] == "perceptron":
        out = model.decision_function(X)
        loss = _perceptron_loss(model, X, y)
    else:
        loss_fn = builders.build_loss(config, data)
        out = predict(model, X)
        with glassnet.no_grad():
            loss = float(loss_fn(glassnet.Tensor._wrap(out), glassnet.Tensor._wrap(y)).item())
    from glassnet.train.metrics import METRICS

    names = builders.default_metrics(config, data)
    if "target_mean" in data.meta:  # back to the targets' own units
        out = out * data.meta["target_std"] + data.meta["target_mean"]
        y = y * data.meta["target_std"] + data.meta["target_mean"]
        names = list(dict.fromkeys([*names, "mae"]))
    metrics: dict[str, Any] = {"split": "test", "loss": loss}
    metrics.update({m: METRICS[m](out, y) for m in names})
    return metrics, {"X": X, "y": y, "output": out}


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
    metrics, _ = _final_metrics(config, model, data)
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
            generator=glassnet.Generator(seed),
        )
    except ValueError as e:
        raise ConfigError(str(e)) from None
