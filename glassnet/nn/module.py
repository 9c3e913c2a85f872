"""`Module`, the base of every layer and network, and `Parameter`, a tensor a module learns.

A module is a tree: it owns parameters (learned tensors), buffers (state that is saved but not
learned, such as BatchNorm's running mean) and sub-modules. Assigning an attribute registers it,
`self.fc = Linear(...)` or `self.weight = Parameter(...)`, so `parameters()`, `state_dict()` and
`train()` can walk the tree. Names follow PyTorch: a state_dict key is the attribute path from the
root, `"layers.2.bias"`.

Attribute access is on the hot path (every forward reads `self.weight`), so a registered value is
also kept in the instance `__dict__`, where Python finds it directly; the registries
(`_parameters`, `_buffers`, `_modules`) are the source of truth for walking the tree. Register
through attributes, `register_parameter`, `register_buffer` or `add_module`: they keep both in step.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet.autograd.anomaly import MODULE_STACK
from glassnet.autograd.grad_mode import STATE
from glassnet.tensor import Tensor, array_from


class Parameter(Tensor):
    """A tensor that a module learns: `requires_grad=True` by default and found by `parameters()`.

    Parameters
    ----------
    data : Tensor or array_like, optional
        The initial value. A Tensor's array is shared, not copied (as in PyTorch); other data is
        converted with `glassnet.tensor`'s rules. None gives an empty float32 parameter.
    requires_grad : bool
        Whether the parameter is trained (default True).

    Example
    -------
    >>> w = glassnet.nn.Parameter(glassnet.zeros(3, 2))
    >>> w.requires_grad
    True
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty(0, dtype=_dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            array = data._data
        else:
            array = array_from(data)
        # The fields of Tensor._wrap: `array` is already ours, no second copy.
        self._data = array
        self.grad = None
        self.requires_grad = False
        self._ctx = None
        self._retains_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
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


class RemovableHandle:
    """Returned by `register_forward_hook`; `handle.remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict, module: Module) -> None:
        self.hooks = hooks
        self.module = module
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)
        self.module._refresh_hooks()


def _as_array(value: Any) -> np.ndarray:
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


def _indent(text: str, spaces: int) -> str:
    """Indent every line of `text` after the first (for nested module reprs)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _refuse_arrays(module: Any, args: tuple, err: Exception) -> None:
    """Raise a TypeError naming the layer when `err` came from a NumPy array, list or number
    passed where a Tensor belongs (a try block costs nothing until something fails)."""
    for i, a in enumerate(args):
        if isinstance(a, (np.ndarray, list, tuple, int, float)) and not isinstance(a, bool):
            raise TypeError(
                f"{type(module).__name__}: input {i} must be a glassnet Tensor, got "
                f"{type(a).__module__}.{type(a).__name__}; wrap it with glassnet.tensor(x) "
                f"(a copy) or glassnet.from_numpy(x) (shared memory)"
            ) from err


class Module:
    """Base class of all layers and networks: subclass it, build layers in `__init__`, and write
    `forward`. Calling the module runs `forward`.

    Example
    -------
    >>> class TwoLayer(glassnet.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = glassnet.nn.Linear(4, 8)
    ...         self.fc2 = glassnet.nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> list(TwoLayer().state_dict())
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    training: bool

    def __init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", {})
        set_(self, "_buffers", {})
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_modules", {})
        set_(self, "_forward_pre_hooks", {})
        set_(self, "_forward_hooks", {})
        set_(self, "_has_hooks", False)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'{type(self).__name__}: module is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            if self._has_hooks or STATE.anomaly:
                return self._call_tracked(args, kwargs)
            return self.forward(*args, **kwargs)
        except AttributeError as err:
            _refuse_arrays(self, args, err)  # a NumPy array or list given for a Tensor?
            raise

    def _call_tracked(self, args: tuple, kwargs: dict) -> Any:
        """The call with hooks, and in anomaly mode on the module stack that names where an op
        ran (`glassnet.autograd.detect_anomaly`)."""
        if not STATE.anomaly:
            return self._call_with_hooks(args, kwargs)
        MODULE_STACK.append(self)
        try:
            return self._call_with_hooks(args, kwargs)
        finally:
            MODULE_STACK.pop()

    # ----------------------------------------------------------------- hooks
    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def _refresh_hooks(self) -> None:
        object.__setattr__(self, "_has_hooks", bool(self._forward_pre_hooks or self._forward_hooks))

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, args)` before each forward; a non-None result replaces the args."""
        handle = RemovableHandle(self._forward_pre_hooks, self)
        self._forward_pre_hooks[handle.id] = hook
        self._refresh_hooks()
        return handle

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, args, output)` after each forward; a non-None result replaces it."""
        handle = RemovableHandle(self._forward_hooks, self)
        self._forward_hooks[handle.id] = hook
        self._refresh_hooks()
        return handle

    # ----------------------------------------------------------------- registration
    def _check_name(self, kind: str, name: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {kind} before Module.__init__() call "
                f"(call super().__init__() first in {type(self).__name__}.__init__)"
            )
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f'{kind} name can\'t be empty or contain ".", got "{name}"')

    def _check_free(self, name: str, registry: dict) -> None:
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists on {type(self).__name__}")

    def _forget(self, name: str) -> None:
        """Drop `name` from every registry (before it is registered under another kind)."""
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers_set.discard(name)
        self._modules.pop(name, None)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a declared but absent one such as `bias=False`)."""
        self._check_name("parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                f"(glassnet.nn.Parameter or None required)"
            )
        self._check_free(name, self._parameters)
        self._forget(name)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state that is not learned. Persistent buffers are part of state_dict."""
        self._check_name("buffer", name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                f"(glassnet.Tensor or None required)"
            )
        self._check_free(name, self._buffers)
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers_set.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name` (what `self.name = module` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name("module", name)
        self._check_free(name, self._modules)
        self._forget(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._check_name("parameters", name)
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._check_name("child modules", name)
            self._forget(name)
            self._modules[name] = value
        elif "_parameters" in d:
            if name in self._parameters:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                        f"(glassnet.nn.Parameter or None expected)"
                    )
                self._parameters[name] = None
            elif name in self._modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{type(value).__name__}' as child module '{name}' "
                        f"(glassnet.nn.Module or None expected)"
                    )
                self._modules[name] = None
            elif name in self._buffers:
                if value is not None and not isinstance(value, Tensor):
                    raise TypeError(
                        f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                        f"(glassnet.Tensor or None expected)"
                    )
                self._buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        registries = [d[r] for r in ("_parameters", "_buffers", "_modules") if r in d]
        if any(name in registry for registry in registries):
            self._forget(name)
            d.pop(name, None)
        else:
            object.__delattr__(self, name)

    def __getattr__(self, name: str) -> Any:
        # Reached only when normal lookup fails: a registry entry missing from __dict__.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # ----------------------------------------------------------------- walking the tree
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Yield (name, module) for this module and every descendant, depth first, parents first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield (name, module) for the direct children (each module once)."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = [(prefix, self)]
        seen = set()
        for module_prefix, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield (name, parameter), names as in state_dict; a shared parameter appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str) -> Module:
        """The module at a dotted path, `"layers.0"` (the empty path is this module)."""
        module = self
        if target == "":
            return module
        for part in target.split("."):
            child = module._modules.get(part)
            if not isinstance(child, Module):
                raise AttributeError(
                    f"{type(module).__name__} has no submodule `{part}` ({target})"
                )
            module = child
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path, `"layers.0.weight"`."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        param = module._parameters.get(name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"{type(module).__name__} has no parameter `{name}` ({target})")
        return param

    def num_parameters(self, only_trainable: bool = False) -> int:
        """The number of learned numbers (each shared parameter counted once)."""
        return sum(p._data.size for p in self.parameters() if p.requires_grad or not only_trainable)

    # ----------------------------------------------------------------- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) for the whole tree."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: mode is expected to be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode: `train(False)`."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Turn training of every parameter on or off (freeze a part of a network)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's `.grad`: drop it (default) or fill it with zeros."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad._data[...] = 0

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every sub-module, then on this one (e.g. a custom initialisation)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------------- dtype
    def _cast_floats(self, dtype: np.dtype) -> Module:
        """Convert every floating parameter, gradient and buffer to `dtype`, keeping the same
        Parameter objects (an optimizer built before still holds them)."""
        for module in self.modules():
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is None or t._data.dtype.kind != "f" or t._data.dtype == dtype:
                    continue
                t._data = t._data.astype(dtype)
                if t.grad is not None:
                    t.grad = Tensor._wrap(t.grad._data.astype(dtype))
        return self

    def to(
        self,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        non_blocking: bool = False,
        memory_format: Any = None,
    ) -> Module:
        """Convert floating parameters and buffers: `to(glassnet.float64)`, `to("cpu")`,
        `to(device)`, `to(device, dtype)`, `to(dtype=...)` or `to(tensor)` (its dtype).

        Only the CPU device exists: any other ("cuda", `glassnet.device("mps")`, an int CUDA
        index) is refused with an error naming it. Every conversion is immediate and contiguous
        (`non_blocking` and `memory_format` are accepted for PyTorch scripts)."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg._data.dtype
            elif _device.is_device(arg) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            else:
                dtype = arg
        _device.check(device, "Module.to")
        if dtype is None:
            return self
        dtype = _dtypes.to_dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: module parameters can only be cast to a float dtype, got {dtype}")
        return self._cast_floats(dtype)

    def float(self) -> Module:
        return self._cast_floats(_dtypes.float32)

    def double(self) -> Module:
        return self._cast_floats(_dtypes.float64)

    def half(self) -> Module:
        return self._cast_floats(_dtypes.float16)

    def cpu(self) -> Module:
        """This module (its parameters and buffers are on the CPU already)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: glassnet has no CUDA device (the error names the one asked for)."""
        _device.check("cuda" if device is None else device, "Module.cuda")
        return self

    # ----------------------------------------------------------------- state dict
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
    ) -> _IncompatibleKeys:
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
            array = _as_array(state_dict[key])
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
        return _IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            lines.append(f"({name}): " + _indent(repr(module), 2))
        if not lines:
            return self._get_name() + "()"
        if len(lines) == 1 and not self._modules:
            return f"{self._get_name()}({lines[0]})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
