"""Saving and loading an optimizer's state in PyTorch's layout: `OptimizerStateDict` gives
`Optimizer` its `state_dict()` and `load_state_dict()`; the helpers turn saved values (glassnet
or PyTorch tensors, arrays, numbers) back into state."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.optim.flat import FlatGroup
from glassnet.tensor import Tensor


def copy_state(v: Any) -> Any:
    """A state entry for state_dict: Tensors (also inside lists, as L-BFGS keeps) copied."""
    if isinstance(v, Tensor):
        return Tensor._wrap(v._data.copy())
    if isinstance(v, list):
        return [copy_state(x) for x in v]
    return v


def scalars_of(state: dict[str, Any]) -> dict[str, Any]:
    """The plain numbers of a parameter's state (step count, ...), not its Tensors."""
    return {k: v for k, v in state.items() if not isinstance(v, Tensor)}


def all_have_scalars(states: list, scalars: dict[str, Any]) -> bool:
    """Whether every state is non-empty and holds these scalar values (plain loops: this runs
    every step, and generator expressions cost more than the comparisons on small models)."""
    for state in states:
        if not state:
            return False
        for k, v in scalars.items():
            if state.get(k) != v:
                return False
    return True


def to_array(v: Any) -> np.ndarray:
    """A saved value (glassnet or PyTorch tensor, array, number) as a NumPy array."""
    if isinstance(v, Tensor):
        return v._data
    if hasattr(v, "detach") and hasattr(v, "numpy"):  # a torch tensor
        return np.asarray(v.detach().cpu().numpy())
    if hasattr(v, "numpy"):
        return np.asarray(v.numpy())
    return np.asarray(v)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (int, float)) or np.ndim(to_array(v)) == 0


def _number(key: str, v: Any) -> Any:
    """A saved scalar (a number, a 0-d array or a PyTorch 0-d tensor) as a Python number."""
    x = float(to_array(v))
    if key == "step" and math.isfinite(x) and x == int(x):
        return int(x)
    return x


def _plain(v: Any) -> Any:
    """Hyper-parameters from a saved group as plain Python values (tuples stay tuples)."""
    if isinstance(v, list):
        return tuple(v) if all(isinstance(x, (int, float)) for x in v) else v
    return v


class OptimizerStateDict:
    """`state_dict()` and `load_state_dict()` of `Optimizer` (a mixin; the state lives in
    `self.state`, `self.param_groups` and the flat buffers of `self._flat`)."""

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in PyTorch's layout, as copies.

        `{"state": {index: {"step": 3, "exp_avg": Tensor, ...}}, "param_groups": [{..., "params":
        [indices]}]}`; parameters are numbered in group order, from 0. Arrays are glassnet Tensors
        (copies), everything else plain Python numbers, so it serialises as safetensors + JSON.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state.get(p)
                if st:
                    state[index[id(p)]] = {k: copy_state(v) for k, v in st.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned (or PyTorch's, whose tensors have `.numpy()`).

        Groups are matched by position and must hold the same number of parameters; each saved
        array must have its parameter's number of elements.
        """
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: loaded state dict has {len(saved_groups)} parameter "
                f"groups, this optimizer has {len(self.param_groups)}"
            )
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: loaded parameter group {i} has "
                    f"{len(saved['params'])} parameters, this optimizer's has "
                    f"{len(group['params'])}"
                )
        id_map = {}
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            for j, p in zip(saved["params"], group["params"]):
                id_map[j] = p
            new = {k: _plain(v) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            new_groups.append(new)
        self.param_groups = new_groups
        self._flat = {}
        self.state = {}
        saved_state = {int(k): v for k, v in state_dict["state"].items()}
        index_of = {id(p): j for j, p in id_map.items()}
        for group in self.param_groups:
            for f in self._flat_groups(group):
                for i, p in enumerate(f.params):
                    j = index_of[id(p)]
                    values = saved_state.get(j)
                    if values:
                        self._load_param_state(group, f, i, j, values)

    def _load_param_state(
        self, group: dict[str, Any], f: FlatGroup, i: int, key: int, values: dict[str, Any]
    ) -> None:
        name = type(self).__name__
        p = f.params[i]
        st = self._init_param_state(group, f, i)
        for k, v in values.items():
            if isinstance(st.get(k), Tensor):
                arr = to_array(v)
                if arr.size != p._data.size:
                    raise ValueError(
                        f"{name}.load_state_dict: state '{k}' of parameter {key} has "
                        f"{arr.size} elements, the parameter has shape {p._data.shape}"
                    )
                st[k]._data[...] = arr.reshape(p._data.shape)
            elif v is not None and _is_scalar(v):
                st[k] = _number(k, v)
