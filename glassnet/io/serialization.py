"""`glassnet.save(obj, f)` and `glassnet.load(f)`: torch.save / torch.load's names and arguments,
without pickle.

What a training script saves — tensors, NumPy arrays, numbers, strings, None, bools, and nested
dicts, lists and tuples of them (`model.state_dict()`, `optimizer.state_dict()`, `{"epoch": 3,
"model": ...}`) — is written as ONE safetensors file (`glassnet.io.checkpoint`: the arrays, the
structure as JSON in the header, SHA-256 checksums), to a path or a binary file object. Tuples
come back as tuples, Tensors as Tensors (with `requires_grad`), arrays as arrays.

`glassnet.save(model)` (a whole Module, which PyTorch pickles) is refused with a message saying
to save `model.state_dict()`; the same for optimizers and schedulers. `glassnet.load` also reads
a plain safetensors file (`safetensors.torch.save_file` / `safetensors.numpy.save_file`) as a
dict of Tensors; a PyTorch pickle file (`torch.save`'s `.pt`) is refused by name: glassnet never
unpickles, so `weights_only` changes nothing and `add_safe_globals` is accepted and ignored.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from glassnet.io import checkpoint

__all__ = ["add_safe_globals", "get_safe_globals", "load", "safe_globals", "save"]

_CPU_NAMES = ("cpu", "cpu:0")


def save(
    obj: Any, f: str | os.PathLike | BinaryIO, pickle_module: Any = None, **kwargs: Any
) -> None:
    """Save `obj` (tensors, arrays, numbers, strings, None, bools; dicts, lists, tuples of them)
    to the path `f` (written atomically) or the binary file object `f`.

    `pickle_module` and torch's other keyword arguments (`pickle_protocol`,
    `_use_new_zipfile_serialization`) are accepted and ignored: nothing is pickled.

    Example
    -------
    >>> glassnet.save(model.state_dict(), "model.pt")   # one safetensors file, named model.pt
    >>> model.load_state_dict(glassnet.load("model.pt"))
    """
    if isinstance(f, str | os.PathLike):
        checkpoint.write(Path(f), obj, "glassnet.save")
    elif hasattr(f, "write"):
        checkpoint.write(f, obj, "glassnet.save")
    else:
        raise TypeError(
            f"glassnet.save: f must be a path or a binary file object, got {type(f).__name__}"
        )


def _check_location(map_location: Any) -> None:
    """Everything loads on the CPU; a string or device naming another device is an error."""
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return
    name = str(map_location)
    if name not in _CPU_NAMES:
        raise ValueError(
            f"glassnet.load: map_location={name!r}: glassnet runs on the CPU only "
            "(use map_location='cpu' or leave it out)"
        )


def load(
    f: str | os.PathLike | BinaryIO,
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = True,
    mmap: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Read what `save` wrote (or a plain safetensors file, as a dict of Tensors).

    Parameters
    ----------
    f : path or binary file object (read from its current position)
    map_location : None, "cpu", a `glassnet.device("cpu")`, a dict or a callable: everything
        loads on the CPU; naming another device is a ValueError.
    weights_only : accepted for torch's signature; glassnet files hold data only either way.
    mmap : map the arrays from the file (copy-on-write) instead of reading them (paths only).

    Raises `glassnet.CheckpointError` naming the file when it is missing, damaged (checksum),
    hostile, or a PyTorch pickle file.
    """
    _check_location(map_location)
    if isinstance(f, str | os.PathLike):
        path = Path(f)
        old_arrays = path.with_name(path.name + ".safetensors")
        if not path.exists() and old_arrays.is_file():  # glassnet's old save(obj, "x.pt")
            legacy_json = path.with_name(path.name + ".json")
            return checkpoint.read(old_arrays, tensors=True, legacy_json=legacy_json)
        return checkpoint.read(path, tensors=True, mmap=bool(mmap), plain=True)
    if mmap:
        raise ValueError("glassnet.load: mmap=True needs a path, not a file object")
    return checkpoint.read(f, tensors=True, plain=True)


_SAFE_GLOBALS: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Accepted for torch's API and recorded; glassnet never unpickles, so it changes nothing."""
    _SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    """What `add_safe_globals` recorded (unused: glassnet never unpickles)."""
    return list(_SAFE_GLOBALS)


@contextmanager
def safe_globals(safe_globals: list[Any]):
    """torch.serialization.safe_globals as a no-op context manager (glassnet never unpickles)."""
    yield
