"""A Module's state dict: `ModuleStateDict` gives `Module` its `state_dict()` and
`load_state_dict()` (PyTorch's keys, order and strictness); loading refuses a shape or dtype
that does not fit with a `StateDictError` naming the key."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from glassnet.tensor import Tensor


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict(strict=False)` could not match (PyTorch's named tuple)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class StateDictError(RuntimeError, ValueError):
    """A state_dict does not fit the module (missing or unexpected keys, wrong shapes).

    A RuntimeError as in PyTorch, and a ValueError as every glassnet input mistake is.
    """


def as_array(value: Any) -> np.ndarray:
    """A loaded value as an ndarray: glassnet tensors, NumPy arrays, or anything with `.numpy()`
    (a torch tensor is detached first)."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


class ModuleStateDict:
    """`state_dict()` and `load_state_dict()` of `Module` (a mixin: it reads the module's
    `_parameters`, `_buffers` and `_modules`)."""

    def state_dict(
        self, destination: dict | None = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (PyTorch's keys and order).

        Values share memory with the module (detached unless `keep_vars=True`).
        """
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else Tensor._wrap(param._data)
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else Tensor._wrap(buf._data)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def _state_slots(self) -> Iterator[tuple[str, Tensor]]:
        """(key, tensor) for every entry state_dict would hold, the live tensors themselves."""
        for prefix, module in self.named_modules(remove_duplicate=False):
            dot = prefix + "." if prefix else ""
            for name, param in module._parameters.items():
                if param is not None:
                    yield dot + name, param
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent_buffers_set:
                    yield dot + name, buf

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, matched by name.

        Values may be glassnet tensors, NumPy arrays or anything with `.numpy()` (torch tensors).
        A value whose shape differs from the parameter's is always an error; missing and
        unexpected keys are errors when `strict`, else returned as `(missing_keys,
        unexpected_keys)`. With `assign=True` the module takes the loaded arrays (in the module's
        dtype) instead of copying into its own.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to tensors, "
                f"got {type(state_dict).__name__}"
            )
        slots = dict(self._state_slots())
        missing = [key for key in slots if key not in state_dict]
        unexpected = [key for key in state_dict if key not in slots]
        errors = []
        arrays = {}
        for key, target in slots.items():
            if key not in state_dict:
                continue
            array = as_array(state_dict[key])
            if array.shape != target._data.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {array.shape} from "
                    f"checkpoint, the shape in current model is {target._data.shape}."
                )
            arrays[key] = array
        if strict:
            if unexpected:
                errors.insert(
                    0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected)
                )
            if missing:
                errors.insert(
                    0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing)
                )
        if errors:
            raise StateDictError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for key, array in arrays.items():
            target = slots[key]
            if assign:
                target._data = np.array(array, dtype=target._data.dtype)
            else:
                np.copyto(target._data, array, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------------- printing
