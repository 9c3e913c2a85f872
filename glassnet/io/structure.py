"""A nested structure <-> (plain JSON, named arrays): what a checkpoint's metadata holds.

Encoding (`flatten`) walks dicts, lists, tuples, numbers, strings, None, bools, NumPy arrays and
Tensors. Arrays leave the tree for the safetensors data area, each named by its dotted path
(`model.fc1.weight`, `optimizer.state.0.exp_avg`); the tree keeps a marker in their place. JSON
has no tuples, non-string keys or non-finite floats, so markers carry those too:

    {"__tensor__": "model.fc1.weight"}           a Tensor (+ "requires_grad": true if it was)
    {"__ndarray__": "x"}                         a NumPy array
    {"__tuple__": [...]}                         a tuple
    {"__items__": [[key, value], ...]}           a dict whose keys are not all strings (or that
                                                 uses a marker's name as a key)
    {"__float__": "nan" | "inf" | "-inf"}        a non-finite float

Decoding (`unflatten`) accepts exactly these shapes, to a bounded depth, and every array of the
file exactly once; anything else is a CheckpointError naming the file and the place in the tree.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.io.container import CheckpointError, dtype_name
from glassnet.tensor import Tensor

MARKERS = ("__tensor__", "__ndarray__", "__tuple__", "__items__", "__float__")
MAX_DEPTH = 100


def _refusal(obj: Any, who: str, at: str) -> TypeError:
    """The error for an object glassnet does not store: for a module, optimizer or scheduler,
    say which `state_dict()` to save instead."""
    from glassnet.nn import Module
    from glassnet.optim import Optimizer

    kind = type(obj).__name__
    if isinstance(obj, Module):
        var = "model"
    elif isinstance(obj, Optimizer):
        var = "optimizer"
    elif hasattr(obj, "state_dict") and hasattr(obj, "optimizer"):
        var = "scheduler"
    elif callable(getattr(obj, "state_dict", None)):
        var = "obj"
    else:
        return TypeError(
            f"{who}: cannot store a {kind}{at} (only tensors, NumPy arrays, numbers, strings, "
            "None, bools, and dicts, lists and tuples of them; glassnet stores data, never "
            "pickled objects)"
        )
    return TypeError(
        f"{who}: cannot save a {kind} object{at}: PyTorch pickles whole objects, glassnet "
        f"stores data only. Save {var}.state_dict() instead, and restore it with "
        f"{var}.load_state_dict(glassnet.load(f))"
    )


class _Flattener:
    def __init__(self, who: str) -> None:
        self.who = who
        self.arrays: list[tuple[str, np.ndarray]] = []
        self.names: set[str] = set()

    def _name(self, path: str) -> str:
        name, k = path or "tensor", 2
        while name in self.names:  # {"a.b": x} beside {"a": {"b": y}}
            name, k = f"{path or 'tensor'}~{k}", k + 1
        self.names.add(name)
        return name

    def array(self, a: np.ndarray, path: str) -> str:
        dtype_name(a, f"{self.who}: the array at {path or 'the top level'!r}")
        name = self._name(path)
        self.arrays.append((name, a))
        return name

    def walk(self, obj: Any, path: str, depth: int) -> Any:
        at = f" at {path!r}" if path else ""
        if depth > MAX_DEPTH:
            raise ValueError(f"{self.who}: nested deeper than {MAX_DEPTH} levels{at}")
        if isinstance(obj, Tensor):
            node = {"__tensor__": self.array(obj._data, path)}
            if obj.requires_grad:
                node["requires_grad"] = True
            return node
        if isinstance(obj, np.ndarray):
            return {"__ndarray__": self.array(obj, path)}
        if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
            obj = obj.item()
        if obj is None or isinstance(obj, bool | str):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj) if math.isfinite(obj) else {"__float__": repr(float(obj))}
        join = (lambda k: f"{path}.{k}") if path else str
        if isinstance(obj, dict):
            if all(isinstance(k, str) for k in obj) and not any(k in MARKERS for k in obj):
                return {k: self.walk(v, join(k), depth + 1) for k, v in obj.items()}
            return {
                "__items__": [
                    [self.key(k, path, depth), self.walk(v, join(k), depth + 1)]
                    for k, v in obj.items()
                ]
            }
        if isinstance(obj, tuple | list):
            items = [self.walk(v, join(i), depth + 1) for i, v in enumerate(obj)]
            return {"__tuple__": items} if isinstance(obj, tuple) else items
        raise _refusal(obj, self.who, at)

    def key(self, k: Any, path: str, depth: int) -> Any:
        """A dict key: a number, string, None, bool or a tuple of them (no arrays)."""
        if isinstance(k, Tensor | np.ndarray) or (
            isinstance(k, tuple) and any(isinstance(x, Tensor | np.ndarray) for x in k)
        ):
            raise TypeError(f"{self.who}: an array as a dict key at {path or 'the top level'!r}")
        return self.walk(k, "", depth + 1)


def flatten(obj: Any, who: str) -> tuple[Any, list[tuple[str, np.ndarray]]]:
    """(JSON-ready tree, [(name, array)]) for `obj`; a TypeError names what cannot be stored."""
    f = _Flattener(who)
    return f.walk(obj, "", 0), f.arrays


class _Unflattener:
    def __init__(self, arrays: dict[str, np.ndarray], where: str, tensors: bool) -> None:
        self.arrays, self.where, self.tensors = arrays, where, tensors
        self.used: set[str] = set()

    def fail(self, what: str, path: str) -> CheckpointError:
        return CheckpointError(f"{self.where}: {what} at {path or 'the top level'!r}")

    def take(self, name: Any, path: str) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            raise self.fail(f"the structure names an array {name!r} the file does not hold", path)
        if name in self.used:
            raise self.fail(f"array {name!r} is used twice", path)
        self.used.add(name)
        return self.arrays[name]

    def walk(self, node: Any, path: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"the structure is nested deeper than {MAX_DEPTH} levels", path)
        if node is None or isinstance(node, bool | int | float | str):
            return node
        join = (lambda k: f"{path}.{k}") if path else str
        if isinstance(node, list):
            return [self.walk(v, join(i), depth + 1) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            raise self.fail(f"unexpected {type(node).__name__}", path)
        markers = [k for k in node if k in MARKERS]
        if not markers:
            return {k: self.walk(v, join(k), depth + 1) for k, v in node.items()}
        kind = markers[0]
        allowed = {kind, "requires_grad"} if kind == "__tensor__" else {kind}
        if len(markers) > 1 or set(node) - allowed:
            raise self.fail(f"a malformed {kind} entry (keys {sorted(node)})", path)
        value = node[kind]
        if kind in ("__tensor__", "__ndarray__"):
            array = self.take(value, path)
            if kind == "__ndarray__" or not self.tensors:
                return array
            grad = node.get("requires_grad", False)
            if not isinstance(grad, bool):
                raise self.fail("requires_grad must be true or false", path)
            t = Tensor._wrap(array)
            if grad and array.dtype.kind != "f":
                raise self.fail(f"requires_grad on a {array.dtype} array", path)
            return t.requires_grad_(True) if grad else t
        if kind == "__float__":
            if value not in ("nan", "inf", "-inf"):
                raise self.fail(f"__float__ must be nan, inf or -inf, got {value!r}", path)
            return float(value)
        if not isinstance(value, list):
            raise self.fail(f"{kind} must hold a list", path)
        if kind == "__tuple__":
            return tuple(self.walk(v, join(i), depth + 1) for i, v in enumerate(value))
        out = {}
        for pair in value:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise self.fail("__items__ must hold [key, value] pairs", path)
            key = self.walk(pair[0], path, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise self.fail(f"a dict key of type {type(key).__name__}", path) from None
            if isinstance(key, np.ndarray | Tensor):
                raise self.fail("an array as a dict key", path)
            out[key] = self.walk(pair[1], join(key), depth + 1)
        return out


def unflatten(tree: Any, arrays: dict[str, np.ndarray], where: str, tensors: bool) -> Any:
    """The structure `flatten` encoded, with `arrays` put back in place. Tensors come back as
    Tensors when `tensors` is true, else as NumPy arrays. Every array must be used once."""
    u = _Unflattener(arrays, where, tensors)
    obj = u.walk(tree, "", 0)
    unused = sorted(set(arrays) - u.used)
    if unused:
        raise CheckpointError(
            f"{where}: the file holds arrays its structure does not use ({', '.join(unused[:5])})"
        )
    return obj
