"""Run configuration: TOML files, command-line overrides, defaults, and checks with clear errors.

A run is described by five tables and two top-level keys:

    name = "digits-mlp"          # the run folder is runs/<timestamp>-<name>/
    seed = 0
    [data]       dataset, batch_size, validation and test fractions, data_dir, ...
    [model]      name ("mlp", "perceptron", "logistic", "lenet5", "resnet", "gpt") + its arguments
    [optimizer]  name ("adam", "sgd", ...) + its arguments (lr, momentum, weight_decay, ...)
    [scheduler]  name ("none", "cosine", "step", ...) + its arguments
    [train]      epochs, loss, metrics, clipping, early stopping, step limits, charts,
                 checkpoint_every (steps between resumable checkpoints; 0: each epoch),
                 tensorboard (TensorBoard event files in RUN_DIR/tensorboard)
                 eval_every (language models: steps between validations; 0: each epoch)

Unknown tables and keys are errors that list the valid ones; a value of the wrong type is an
error that names the key. Model, optimizer and scheduler arguments are checked against the
signature of the class they configure when the run is built (`glassnet.runs.run`).
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

from glassnet._suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, packaged as tomli
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration that cannot be run; the message names the file, key and problem."""


# Fixed keys with their defaults (the type of each default is the type a value must have).
# Tables marked OPEN also accept the keyword arguments of the class they configure.
DEFAULTS: dict[str, Any] = {
    "name": "",
    "seed": 0,
    "data": {
        "dataset": "digits",
        "batch_size": 64,
        "val_fraction": 0.1,
        "test_size": 0.2,
        "data_dir": "",
        "features": [],
        "positive_class": -1,
        "block_size": 64,
        "max_train_samples": 0,
        "max_test_samples": 0,
        "standardize": True,
        "n_samples": 400,  # the 2-D toy sets (moons, circles, xor, spirals, blobs)
        "noise": 0.1,
    },
    "model": {"name": "mlp"},
    "optimizer": {"name": "adam", "lr": 1e-3},
    "scheduler": {"name": "none"},
    "train": {
        "epochs": 20,
        "loss": "auto",
        "metrics": [],
        "clip_grad_norm": 0.0,
        "early_stopping": 0,
        "max_steps_per_epoch": 0,
        "eval_batches": 0,
        "eval_every": 0,  # language models: validate every N steps (0: at each epoch's end)
        "grad_norm_every": 1,
        "charts": True,
        "checkpoint_every": 0,
        "tensorboard": False,
    },
}
OPEN_TABLES = ("model", "optimizer", "scheduler")

# `glassnet train` with no config: configs/digits-mlp.toml, built in so that it works anywhere.
DEFAULT_RUN: dict[str, Any] = {
    "name": "digits-mlp",
    "model.hidden_sizes": [256],
    "model.activation": "relu",
    "model.dropout": 0.0,
    "train.epochs": 30,
    "train.metrics": ["accuracy", "f1"],
}


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
    }.get(type(value), type(value).__name__)


def _check_value(where: str, key: str, value: Any, default: Any) -> Any:
    """`value` converted to the default's type, or a ConfigError naming `key`."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"{where}: {key} must be {_type_name(default)}, got {value!r}")
    return value


def merge(base: dict[str, Any], updates: dict[str, Any], where: str) -> dict[str, Any]:
    """A copy of `base` with `updates` applied, checking every key and type against DEFAULTS."""
    result = copy.deepcopy(base)
    for key, value in updates.items():
        if key not in DEFAULTS:
            valid = ", ".join(
                k if not isinstance(v, dict) else f"[{k}]" for k, v in DEFAULTS.items()
            )
            hint = did_you_mean(key, DEFAULTS)
            raise ConfigError(f"{where}: unknown key {key!r}{hint} (valid: {valid})")
        default = DEFAULTS[key]
        if not isinstance(default, dict):
            result[key] = _check_value(where, key, value, default)
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{key}] must be a table, got {value!r}")
        for sub, sub_value in value.items():
            full = f"{key}.{sub}"
            if sub in default:
                result[key][sub] = _check_value(where, full, sub_value, default[sub])
            elif key in OPEN_TABLES:
                result[key][sub] = sub_value  # checked against the class's signature later
            else:
                hint = did_you_mean(sub, default)
                raise ConfigError(
                    f"{where}: unknown key {full!r}{hint} (valid in [{key}]: {', '.join(default)})"
                )
    return result


def load_toml(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a TOML file; a missing file or a syntax error becomes a ConfigError naming it."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML ({e})") from None


def shipped_configs() -> dict[str, Path]:
    """The run configs shipped inside the package (glassnet/configs/*.toml), by name.

    Example
    -------
    >>> sorted(shipped_configs())[:2]
    ['breast-cancer-logistic', 'digits-mlp']
    """
    from importlib.resources import files

    folder = Path(str(files("glassnet") / "configs"))
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def config_summary(path: str | os.PathLike) -> str:
    """The first comment line of a TOML config (its one-line description), or ''."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
        if line.strip():
            break
    return ""


def find_config(name: str | os.PathLike) -> Path:
    """The file a user means by `name`: an existing path (a .toml config, a run's config.json,
    or a run folder holding one), else a shipped config by name ('mnist-lenet5', with or
    without .toml). Anything else is a ConfigError naming the closest shipped config.
    """
    path = Path(name)
    if path.is_dir():
        if (path / "config.json").is_file():
            return path / "config.json"
        raise ConfigError(f"{path} is a folder without config.json (not a run folder)")
    if path.is_file():
        return path
    shipped = shipped_configs()
    stem = path.name[: -len(".toml")] if path.name.endswith(".toml") else path.name
    if path.parent == Path(".") and stem in shipped:
        return shipped[stem]
    hint = did_you_mean(stem, shipped)
    raise ConfigError(
        f"config file not found: {name}{hint}; shipped configs: {', '.join(shipped)} "
        "(`glassnet configs` lists them)"
    )


def load_config(name: str | os.PathLike) -> dict[str, Any]:
    """The raw tables of the config `name` (see `find_config`): a TOML file, or a run folder's
    config.json (checked by `read_run_config`), so that a run can be repeated from its folder."""
    path = find_config(name)
    if path.suffix == ".json":
        return read_run_config(path)
    return load_toml(path)


def parse_assignment(text: str) -> tuple[str, Any]:
    """'train.epochs=5' -> ('train.epochs', 5): the value is read as a TOML value, or a string."""
    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, such as train.epochs=5")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word such as adam
    return key, value


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{'train.epochs': 5, 'seed': 1} -> {'train': {'epochs': 5}, 'seed': 1}."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        if len(parts) > 2 or not all(parts):
            raise ConfigError(f"--set {key}: keys are NAME or TABLE.NAME, such as train.epochs")
        if len(parts) == 1:
            out[key] = value
        else:
            table = out.setdefault(parts[0], {})
            if not isinstance(table, dict):
                raise ConfigError(f"--set {key}: {parts[0]} is not a table")
            table[parts[1]] = value
    return out


def resolve(
    path: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The full configuration: defaults, then the TOML file (if any), then `overrides`.

    `overrides` maps dotted keys to values ({'optimizer.lr': 0.01}). A model or optimizer name
    changed by an override starts that table afresh from its defaults only when the file named a
    different one, so `--model perceptron` does not inherit the MLP's `hidden_sizes`.
    `path` is a TOML file, a shipped config's name ('mnist-lenet5') or a run folder (or its
    config.json), which repeats that run.

    Example
    -------
    >>> config = resolve("configs/digits-mlp.toml", {"train.epochs": 3})
    >>> config = resolve("iris-perceptron")
    """
    config = copy.deepcopy(DEFAULTS)
    if path is not None:
        config = merge(config, load_config(path), str(path))
    if overrides:
        nested = nest(overrides)
        for table in OPEN_TABLES:
            new_name = (
                nested.get(table, {}).get("name") if isinstance(nested.get(table), dict) else None
            )
            if new_name is not None and new_name != config[table]["name"]:
                config[table] = {**copy.deepcopy(DEFAULTS[table]), "name": new_name}
                if table == "optimizer" and "lr" not in nested[table]:
                    config[table].pop("lr")  # the new optimizer's own default
        config = merge(config, nested, "command line")
    if not config["name"]:
        config["name"] = f"{config['data']['dataset']}-{config['model']['name']}"
    check(config)
    return config


def check(config: dict[str, Any]) -> None:
    """Range checks on the fixed keys (the classes check their own arguments)."""
    d, t = config["data"], config["train"]
    if d["batch_size"] < 1:
        raise ConfigError(f"data.batch_size must be >= 1, got {d['batch_size']}")
    for key in ("val_fraction", "test_size"):
        if not 0.0 <= d[key] < 1.0:
            raise ConfigError(f"data.{key} must be in [0, 1), got {d[key]}")
    if d["block_size"] < 1:
        raise ConfigError(f"data.block_size must be >= 1, got {d['block_size']}")
    if not 2 <= d["n_samples"] <= 10_000_000:
        raise ConfigError(f"data.n_samples must be in [2, 10000000], got {d['n_samples']}")
    if not d["noise"] >= 0:
        raise ConfigError(f"data.noise must be >= 0, got {d['noise']}")
    if t["epochs"] < 1:
        raise ConfigError(f"train.epochs must be >= 1, got {t['epochs']}")
    for table, key in (
        ("train", "early_stopping"),
        ("train", "max_steps_per_epoch"),
        ("train", "eval_batches"),
        ("train", "eval_every"),
        ("train", "checkpoint_every"),
        ("data", "max_train_samples"),
        ("data", "max_test_samples"),
    ):
        if config[table][key] < 0:
            raise ConfigError(f"{table}.{key} must be >= 0, got {config[table][key]}")
    if t["clip_grad_norm"] < 0:
        raise ConfigError(f"train.clip_grad_norm must be >= 0, got {t['clip_grad_norm']}")
    if t["grad_norm_every"] < 1:
        raise ConfigError(f"train.grad_norm_every must be >= 1, got {t['grad_norm_every']}")
    lr = config["optimizer"].get("lr")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, int | float) or lr <= 0):
        raise ConfigError(f"optimizer.lr must be a positive number, got {lr!r}")
    for table in OPEN_TABLES:
        if not isinstance(config[table].get("name"), str):
            raise ConfigError(f"{table}.name must be a string, got {config[table].get('name')!r}")


def _parse_json_text(text: str, where: str) -> Any:
    """json.loads with each failure (syntax, an integer of 4300+ digits, nesting that exhausts
    the parser) as one ConfigError naming `where`."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply") from None
    except ValueError as e:  # JSONDecodeError, int too large to convert
        raise ConfigError(f"{where}: not valid JSON ({e})") from None


def read_run_config(path: str | os.PathLike) -> dict[str, Any]:
    """The `config.json` of a run folder, checked as a TOML config is: an object holding at least
    the [model] (with its name), [data] and [train] tables, every fixed key of the right type and
    range (missing fixed keys take their defaults); each problem is a ConfigError naming the file
    and the key.

    Example
    -------
    >>> config = read_run_config("runs/20261128-231500-digits-mlp/config.json")
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from None
    raw = _parse_json_text(text, str(path))
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must hold a JSON object, got {type(raw).__name__}")
    for table in ("model", "data", "train"):
        if table not in raw:
            raise ConfigError(f"{path}: missing key {table!r}")
    if not isinstance(raw["model"], dict) or "name" not in raw["model"]:
        raise ConfigError(f"{path}: missing key 'model.name'")
    config = merge(DEFAULTS, raw, str(path))
    try:
        check(config)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
    return config
