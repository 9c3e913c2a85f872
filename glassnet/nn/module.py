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

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from glassnet.autograd.anomaly import MODULE_STACK
from glassnet.autograd.grad_mode import STATE
from glassnet.nn.hooks import RemovableHandle
from glassnet.nn.module_dtype import ModuleDtypeMethods
from glassnet.nn.module_repr import ModuleRepr, indent
from glassnet.nn.parameter import Parameter
from glassnet.nn.state_dict import ModuleStateDict, StateDictError
from glassnet.tensor import Tensor


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


class Module(ModuleStateDict, ModuleDtypeMethods, ModuleRepr):
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


__all__ = ["Module", "Parameter", "RemovableHandle", "StateDictError", "indent"]
