"""Checkpoints without pickle: ONE safetensors file holding the arrays and, in its header, the
structure around them, with SHA-256 checksums that `load` verifies.

`save(stem, state)` takes any nested structure of dicts, lists, tuples, numbers, strings, None,
bools and arrays/Tensors (a model's and an optimizer's `state_dict()`, RNG states, a config, the
epoch) and writes `stem.safetensors`:

    arrays      each under its dotted path in the structure: a checkpoint from
                `save_checkpoint` holds the model's weights as "model." + its state_dict key
                ("model.fc1.weight"), the optimizer's as "optimizer.state.0.exp_avg", ...
    __metadata__ (the safetensors header's string map)
        "glassnet"       format version, "2"
        "structure"      the structure as JSON, arrays replaced by markers (glassnet.io.structure)
        "sha256"         SHA-256 (hex) of the data area: every array byte, in file order
        "header_sha256"  SHA-256 (hex) of the compact, key-sorted JSON of {name: [dtype, shape,
                         [begin, end]]}, a newline, and the "structure" string

Any safetensors reader sees the weights: `safetensors.numpy.load_file("best.safetensors")` and
`safetensors.torch.load_file(...)` return {"model.fc1.weight": ..., ...}; strip the prefix
"model." to get the model's state_dict (see docs/checkpoints.md).

The file is written to one temp file in the same folder, flushed and fsynced, moved over the old
one with `os.replace` (atomic), and the folder is fsynced: a crash leaves the old checkpoint or
the new one, never a mix; the next save removes a temp file a killed save left behind. `load`
checks the header against the file size before reading any array (glassnet.io.container),
verifies both checksums, and decodes the structure strictly. Every failure is a
`CheckpointError` that names the file. Loading runs no code from the file.

Checkpoints of glassnet's earlier two-file format (`stem.safetensors` + `stem.json`) still load,
read-only and without checksums.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from glassnet.io import atomic, container
from glassnet.io.container import CheckpointError
from glassnet.io.structure import flatten, unflatten
from glassnet.tensor import Tensor

VERSION = 2
KEYS = ("glassnet", "structure", "sha256", "header_sha256")
LEGACY_FORMAT = "glassnet-checkpoint"  # version 1: stem.safetensors + stem.json

__all__ = ["CheckpointError", "load", "load_checkpoint", "save", "save_checkpoint"]


def header_sha256(index: dict[str, list], structure: str) -> str:
    """SHA-256 (hex) over the array index and the structure string (see the module docstring)."""
    text = json.dumps(index, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{text}\n{structure}".encode()).hexdigest()


# ----------------------------------------------------------------------------- writing
def write(target: str | os.PathLike | BinaryIO, obj: Any, who: str = "save") -> None:
    """Write `obj` as one glassnet safetensors container: atomically to a path, or at the
    current position of a binary file object."""
    tree, arrays = flatten(obj, who)
    arrays = container.prepare(arrays)
    structure = json.dumps(tree, separators=(",", ":"), allow_nan=False)
    metadata = {
        "glassnet": str(VERSION),
        "structure": structure,
        "sha256": container.data_sha256(arrays),
        "header_sha256": header_sha256(container.index_of(arrays), structure),
    }
    header = container.build_header(arrays, metadata)
    if isinstance(target, str | os.PathLike):
        atomic.write_atomic(Path(target), lambda f: container.write_to(f, header, arrays))
    else:
        container.write_to(target, header, arrays)


def _stem_path(stem: str | os.PathLike) -> Path:
    """runs/x/best -> runs/x/best.safetensors (a .json or .safetensors suffix is replaced)."""
    path = Path(stem)
    if path.suffix == ".safetensors":
        return path
    if path.suffix == ".json":
        path = path.with_suffix("")
    return path.with_name(path.name + ".safetensors")


def save(stem: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write `state` as `stem.safetensors`, atomically. Returns the path.

    Example
    -------
    >>> save("runs/x/last", {"model": model.state_dict(), "epoch": 3})
    PosixPath('runs/x/last.safetensors')
    """
    if not isinstance(state, dict):
        raise TypeError(f"checkpoint.save: state must be a dict, got {type(state).__name__}")
    path = _stem_path(stem)
    atomic.remove_stale_temps(path.with_suffix(".json"))  # left by the two-file format
    write(path, state, "checkpoint.save")
    return path


# ----------------------------------------------------------------------------- reading
def read(
    source: str | os.PathLike | BinaryIO,
    tensors: bool = False,
    mmap: bool = False,
    plain: bool = False,
    legacy_json: Path | None = None,
) -> Any:
    """Read a container written by `write` (checksums verified).

    tensors: saved Tensors come back as Tensors (else as NumPy arrays).
    mmap: map the arrays from the file (copy-on-write) instead of reading them (paths only).
    plain: a safetensors file without glassnet metadata gives {name: array or Tensor}.
    legacy_json: where the JSON half of a two-file checkpoint would be.
    """
    with container.open_source(source) as (f, size, where, path):
        header = container.read_header(f, size, where)
        meta = header.metadata or {}
        if not any(k in meta for k in KEYS):
            if meta.get("format") == LEGACY_FORMAT and legacy_json is not None:
                arrays, _ = container.read_arrays(f, header, where)
                return _read_legacy(legacy_json, arrays, where)
            if not plain:
                raise CheckpointError(
                    f"{where}: a safetensors file without glassnet's metadata, not a glassnet "
                    "checkpoint (glassnet.load reads it as a dict of tensors)"
                )
            arrays, _ = container.read_arrays(f, header, where, path if mmap else None)
            return {k: Tensor._wrap(v) if tensors else v for k, v in arrays.items()}
        missing = [k for k in KEYS if k not in meta]
        if missing:
            raise CheckpointError(f"{where}: glassnet metadata without {', '.join(missing)}")
        if meta["glassnet"] != str(VERSION):
            raise CheckpointError(
                f"{where}: glassnet format version {meta['glassnet']!r}; this glassnet reads "
                f"version {VERSION}"
            )
        index = {e.name: [e.dtype, list(e.shape), [e.begin, e.end]] for e in header.entries}
        if header_sha256(index, meta["structure"]) != meta["header_sha256"]:
            raise CheckpointError(
                f"{where}: header checksum mismatch (its array list or structure was changed "
                "after saving)"
            )
        arrays, digest = container.read_arrays(f, header, where, path if mmap else None)
        if digest != meta["sha256"]:
            raise CheckpointError(
                f"{where}: SHA-256 mismatch in the array data (the file is damaged: expected "
                f"{meta['sha256'][:16]}..., got {digest[:16]}...)"
            )
        tree = container.parse_json(meta["structure"], where, "the structure")
        return unflatten(tree, arrays, where, tensors)


def _read_legacy(json_path: Path, arrays: dict[str, np.ndarray], where: str) -> Any:
    """The structure of a two-file checkpoint (format version 1), arrays from its safetensors."""
    if not json_path.is_file():
        raise CheckpointError(
            f"{where}: a checkpoint in glassnet's old two-file format, but its other half "
            f"{json_path.name} is missing"
        )
    try:
        text = json_path.read_bytes()
    except OSError as e:
        raise CheckpointError(f"{json_path}: cannot read ({e.strerror or e})") from None
    head = container.parse_json(text, str(json_path), "the file", allow_nan=True)
    if not isinstance(head, dict) or head.get("format") != LEGACY_FORMAT:
        raise CheckpointError(
            f"{json_path}: not a glassnet checkpoint (no format {LEGACY_FORMAT!r})"
        )
    if head.get("version") != 1 or "state" not in head:
        raise CheckpointError(f"{json_path}: unknown two-file checkpoint version")
    if head.get("arrays") != sorted(arrays):
        raise CheckpointError(
            f"{where}: its arrays do not match {json_path.name} (the two files come from "
            "different saves)"
        )
    return unflatten(head["state"], arrays, where, tensors=False)


def load(stem: str | os.PathLike) -> dict[str, Any]:
    """Read a checkpoint written by `save`; arrays come back as NumPy arrays.

    Raises `CheckpointError` naming the file when it is missing, damaged (checksum), not a
    glassnet checkpoint, or hostile (sizes that do not fit the file, a malformed structure).
    """
    path = _stem_path(stem)
    legacy_json = path.with_suffix(".json")
    if not path.is_file():
        if legacy_json.is_file():
            raise CheckpointError(
                f"{path}: not found ({legacy_json.name} beside it is half of an old two-file "
                "checkpoint whose arrays are missing)"
            )
        raise CheckpointError(f"{path}: checkpoint file not found")
    state = read(path, legacy_json=legacy_json)
    if not isinstance(state, dict):
        raise CheckpointError(f"{path}: holds a {type(state).__name__}, not a checkpoint dict")
    return state


def save_checkpoint(
    stem: str | os.PathLike,
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    **extra: Any,
) -> Path:
    """Save a model's (and optionally optimizer's and scheduler's) state plus plain `extra` data
    as `stem.safetensors`; the weights are stored as "model." + each state_dict key.

    Example
    -------
    >>> save_checkpoint("runs/x/best", model, optimizer, epoch=5, metrics={"val_loss": 0.1})
    PosixPath('runs/x/best.safetensors')
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
    where = _stem_path(stem)
    for name, obj in (("model", model), ("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is None:
            continue
        if not isinstance(state.get(name), dict):
            raise CheckpointError(f"{where}: holds no {name} state")
        try:
            if name == "model":
                weights = state[name]
                for k, v in weights.items():
                    if not isinstance(v, np.ndarray):
                        raise TypeError(f"{k!r} is a {type(v).__name__}, not an array")
                obj.load_state_dict({k: Tensor._wrap(v) for k, v in weights.items()})
            else:
                obj.load_state_dict(state[name])
        except (KeyError, ValueError, TypeError, RuntimeError, IndexError, AttributeError) as e:
            problem = "; ".join(line.strip() for line in str(e).splitlines() if line.strip())
            raise CheckpointError(f"{where}: cannot load the {name} state: {problem}") from None
    extra = state.get("extra", {})
    if not isinstance(extra, dict):
        raise CheckpointError(f"{where}: 'extra' is a {type(extra).__name__}, not a dict")
    return extra
