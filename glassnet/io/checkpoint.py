"""Checkpoints without pickle: arrays in a safetensors file, the rest in a JSON file beside it.

`save(stem, state)` takes any nested structure of dicts, lists, tuples, numbers, strings and
arrays/Tensors (a model's and an optimizer's `state_dict()`, a config, the epoch). It writes

    stem.safetensors   every array, under its path in the structure ("model/fc1.weight")
    stem.json          the structure, with {"__tensor__": path} where an array was

Each file is written to a temporary file in the same folder and then renamed over the old one
(`os.replace` is atomic), so a crash mid-save never leaves a half-written checkpoint; the JSON
is written last and records the arrays it expects, so `load` notices a mismatched pair. Loading
runs no code from the file: safetensors holds raw numbers and JSON holds plain data.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import safetensors.numpy

from glassnet.tensor import Tensor

FORMAT = "glassnet-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint that is missing, unreadable, or does not fit what it is loaded into."""


def _paths(stem: str | os.PathLike) -> tuple[Path, Path]:
    stem = Path(stem)
    if stem.suffix in (".json", ".safetensors"):
        stem = stem.with_suffix("")
    return stem.with_name(stem.name + ".safetensors"), stem.with_name(stem.name + ".json")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; a checkpoint is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-ready copy of `obj`, moving arrays into `arrays` under their path."""
    if isinstance(obj, Tensor):
        obj = obj._data
    if isinstance(obj, np.ndarray):
        # (np.ascontiguousarray would turn a 0-d array, such as a step count, into shape (1,))
        arrays[path] = obj if obj.flags.c_contiguous else obj.copy(order="C")
        return {"__tensor__": path}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: _encode(v, f"{path}/{k}" if path else k, arrays) for k, v in obj.items()}
        # non-string keys (an optimizer's state is keyed by parameter index) keep their type
        return {
            "__items__": [
                [_encode(k, "", {}), _encode(v, f"{path}/{k}", arrays)] for k, v in obj.items()
            ]
        }
    if isinstance(obj, tuple):
        return {"__tuple__": [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(obj)]
    raise TypeError(
        f"checkpoint.save: cannot store a {type(obj).__name__} at {path or 'the top level'!r} "
        "(only dicts, lists, tuples, numbers, strings, None and arrays/Tensors)"
    )


def _decode(obj: Any, arrays: dict[str, np.ndarray], where: Path) -> Any:
    if isinstance(obj, list):
        return [_decode(v, arrays, where) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__tensor__" in obj:
        key = obj["__tensor__"]
        if key not in arrays:
            raise CheckpointError(f"{where}: array {key!r} is missing from the safetensors file")
        return arrays[key]
    if "__tuple__" in obj:
        return tuple(_decode(v, arrays, where) for v in obj["__tuple__"])
    if "__items__" in obj:
        return {_decode(k, arrays, where): _decode(v, arrays, where) for k, v in obj["__items__"]}
    return {k: _decode(v, arrays, where) for k, v in obj.items()}


def save(stem: str | os.PathLike, state: dict[str, Any]) -> tuple[Path, Path]:
    """Write `state` as `stem.safetensors` + `stem.json`, each atomically. Returns both paths.

    Example
    -------
    >>> save("runs/x/last", {"model": model.state_dict(), "epoch": 3})
    """
    if not isinstance(state, dict):
        raise TypeError(f"checkpoint.save: state must be a dict, got {type(state).__name__}")
    tensors_path, json_path = _paths(stem)
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(state, "", arrays)
    _write_atomic(tensors_path, safetensors.numpy.save(arrays, metadata={"format": FORMAT}))
    header = {"format": FORMAT, "version": VERSION, "arrays": sorted(arrays), "state": tree}
    _write_atomic(json_path, json.dumps(header, indent=1, allow_nan=True).encode())
    return tensors_path, json_path


def load(stem: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint written by `save`; arrays come back as NumPy arrays.

    Raises `CheckpointError` naming the file when either file is missing, unreadable, not a
    glassnet checkpoint, or the two do not belong together.
    """
    tensors_path, json_path = _paths(stem)
    for p in (json_path, tensors_path):
        if not p.is_file():
            raise CheckpointError(f"{p}: checkpoint file not found")
    try:
        header = json.loads(json_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{json_path}: not valid JSON ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"{json_path}: not a glassnet checkpoint (no format {FORMAT!r})")
    if header.get("version", 0) > VERSION:
        raise CheckpointError(
            f"{json_path}: written by a newer glassnet (format version {header['version']})"
        )
    try:
        arrays = safetensors.numpy.load(tensors_path.read_bytes())
    except Exception as e:  # safetensors raises its own error types for corrupt files
        raise CheckpointError(f"{tensors_path}: not a readable safetensors file ({e})") from None
    if sorted(arrays) != header.get("arrays"):
        raise CheckpointError(
            f"{tensors_path}: its arrays do not match {json_path.name} "
            "(the two files come from different saves)"
        )
    return _decode(header["state"], arrays, tensors_path)


def save_checkpoint(
    stem: str | os.PathLike,
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    **extra: Any,
) -> tuple[Path, Path]:
    """Save a model's (and optionally optimizer's and scheduler's) state plus plain `extra` data.

    Example
    -------
    >>> save_checkpoint("runs/x/best", model, optimizer, epoch=5, metrics={"val_loss": 0.1})
    """
    state: dict[str, Any] = {"model": dict(model.state_dict())}
    if optimizer is not None:
        state["optimizer"] = optimizer.state_dict()
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    state["extra"] = extra
    return save(stem, state)


def load_checkpoint(
    stem: str | os.PathLike, model: Any = None, optimizer: Any = None, scheduler: Any = None
) -> dict[str, Any]:
    """Load a checkpoint from `save_checkpoint` into the given objects; returns its `extra` data.

    Example
    -------
    >>> extra = load_checkpoint("runs/x/last", model, optimizer)
    >>> start_epoch = extra["epoch"] + 1
    """
    state = load(stem)
    json_path = _paths(stem)[1]
    for name, obj in (("model", model), ("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is None:
            continue
        if name not in state:
            raise CheckpointError(f"{json_path}: holds no {name} state")
        try:
            if name == "model":
                obj.load_state_dict({k: Tensor._wrap(v) for k, v in state[name].items()})
            else:
                obj.load_state_dict(state[name])
        except (KeyError, ValueError, TypeError, RuntimeError) as e:
            raise CheckpointError(f"{json_path}: cannot load the {name} state: {e}") from None
    return state.get("extra", {})
