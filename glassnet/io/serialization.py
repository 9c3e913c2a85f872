"""`glassnet.save(obj, f)` and `glassnet.load(f)`: torch.save/torch.load's names and argument
order, for what a training script saves (state dicts, optimizer states, dicts of numbers), stored
as `f.safetensors` + `f.json` through `glassnet.io.checkpoint` — data only, never pickle."""

from __future__ import annotations

import os
from typing import Any

from glassnet.io.checkpoint import load as _load
from glassnet.io.checkpoint import save as _save


def save(obj: dict[str, Any], f: str | os.PathLike) -> None:
    """Save a dict of tensors, arrays, numbers and strings (e.g. `model.state_dict()`).

    Example
    -------
    >>> glassnet.save(model.state_dict(), "model.pt")   # writes model.pt.safetensors + .json
    >>> model.load_state_dict(glassnet.load("model.pt"))
    """
    _save(f, obj)


def load(f: str | os.PathLike) -> dict[str, Any]:
    """Read what `save` wrote; arrays come back as NumPy arrays (load_state_dict takes them)."""
    return _load(f)
