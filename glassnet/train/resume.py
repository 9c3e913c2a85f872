"""What exact resumption needs beyond the weights: every random generator training draws from.

Training draws random numbers from several generators: the global one (`glassnet.manual_seed`),
the data loader's shuffle generator, and any generator a layer holds (an MLP's dropout masks come
from the generator it was built with). `find_generators` names them all; `snapshot` and
`restore` read and set their states. A checkpoint stores each state as a JSON string (numpy's
`bit_generator.state` holds 128-bit integers, which JSON readers other than Python's round).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

import glassnet.random as _random


def _bit_generator(g: Any) -> Any:
    return g.rng.bit_generator if isinstance(g, _random.Generator) else g.bit_generator


def find_generators(model: Any, loader: Any) -> dict[str, Any]:
    """Name -> generator (glassnet or numpy) for every generator that training may draw from.

    The global generator is "global", the loader's "loader", and a layer's
    "model:<module path>.<attribute>"; a generator held in several places is listed once, under
    the first name found (the order is fixed by the model's structure).
    """
    found: dict[str, Any] = {"global": _random.default_generator}
    seen = {id(_random.default_generator)}

    def add(name: str, g: Any) -> None:
        if isinstance(g, _random.Generator | np.random.Generator) and id(g) not in seen:
            seen.add(id(g))
            found[name] = g

    add("loader", getattr(loader, "generator", None))
    inner = getattr(loader, "loader", None)  # a wrapper such as run._Limited
    add("loader", getattr(inner, "generator", None))
    if hasattr(model, "named_modules"):
        for path, module in model.named_modules():
            for attr, value in vars(module).items():
                add(f"model:{path}.{attr}" if path else f"model:{attr}", value)
    return found


def snapshot(generators: dict[str, Any]) -> dict[str, dict]:
    """The current state of each generator (copies: numpy builds a new dict on each read)."""
    return {name: _bit_generator(g).state for name, g in generators.items()}


def restore(generators: dict[str, Any], states: dict[str, dict]) -> None:
    """Set each generator to its state in `states`; a generator missing there is an error."""
    missing = sorted(set(generators) - set(states))
    if missing:
        raise ValueError(
            f"resume: the checkpoint holds no state for the random generator(s) {missing} "
            f"(it has {sorted(states)}); the model or data loader differs from the saved run's"
        )
    for name, g in generators.items():
        _bit_generator(g).state = states[name]


def _plain(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):  # e.g. MT19937's key
        return {"__ndarray__": obj.tolist(), "dtype": str(obj.dtype)}
    raise TypeError(f"resume: cannot store a {type(obj).__name__} in a generator state")


def _unplain(obj: dict) -> Any:
    if "__ndarray__" in obj:
        return np.array(obj["__ndarray__"], dtype=obj["dtype"])
    return obj


def encode(states: dict[str, dict]) -> dict[str, str]:
    """Generator states as JSON strings (exact: Python's JSON keeps integers of any size)."""
    return {name: json.dumps(s, default=_plain, sort_keys=True) for name, s in states.items()}


def decode(encoded: dict[str, str]) -> dict[str, dict]:
    """The inverse of `encode`."""
    return {name: json.loads(text, object_hook=_unplain) for name, text in encoded.items()}
