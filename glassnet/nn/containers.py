"""Containers: `Sequential` (a chain of modules), `ModuleList` and `ModuleDict` (modules held in a
list or dict so that their parameters are registered). Children are named as in PyTorch: by
position ("0", "1", ...) or by key, which gives state_dict keys such as `"0.weight"`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from typing import Any

from glassnet.nn.module import Module, indent


def _index(idx: Any, n: int, who: str) -> int:
    """A position as a non-negative int in range(n)."""
    if not isinstance(idx, int):
        if not hasattr(idx, "__index__"):  # e.g. an integer NumPy scalar or glassnet tensor
            raise TypeError(f"{who}: indices must be integers or slices")
        idx = idx.__index__()
    if not -n <= idx < n:
        raise IndexError(f"{who}: index {idx} is out of range for {n} modules")
    return idx % n


class _Numbered(Module):
    """Shared by Sequential and ModuleList: children named "0", "1", ... in order."""

    def _set_modules(self, modules: Iterable[Module]) -> None:
        """Replace all children by `modules`, numbered from 0 (keeps numbering after a delete)."""
        for name in list(self._modules):
            delattr(self, name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __setitem__(self, idx: int, module: Module) -> None:
        i = _index(idx, len(self), type(self).__name__)
        self.add_module(list(self._modules)[i], module)

    def __delitem__(self, idx: int | slice) -> None:
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            del modules[idx]
        else:
            del modules[_index(idx, len(modules), type(self).__name__)]
        self._set_modules(modules)

    def append(self, module: Module) -> _Numbered:
        """Add a module at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> _Numbered:
        """Add every module of an iterable at the end."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert a module before position `index`."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._set_modules(modules)

    def pop(self, index: int = -1) -> Module:
        """Remove and return the module at `index`."""
        module = list(self._modules.values())[_index(index, len(self), type(self).__name__)]
        del self[index]
        return module


class Sequential(_Numbered):
    """Chain modules: the output of each is the input of the next.

    y = f_n(... f_2(f_1(x)))

    Give the modules in order, or an OrderedDict of names to modules (the names then appear in
    the state_dict keys instead of positions).

    Shape
    -----
    Input: what the first module takes. Output: what the last module returns.

    Example
    -------
    >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    >>> list(net.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx: int | slice) -> Module:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self), "Sequential")]

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(
                f"Sequential: can only add another Sequential, got {type(other).__name__}"
            )
        return Sequential(*self, *other)


class ModuleList(_Numbered):
    """Holds modules in a list, registering them (a Python list would hide their parameters).

    It has no forward: the owning module decides how to call them.

    Example
    -------
    >>> self.blocks = nn.ModuleList([nn.Linear(16, 16) for _ in range(4)])
    >>> for block in self.blocks:
    ...     x = block(x).relu()
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: int | slice) -> Module | ModuleList:
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return list(self._modules.values())[_index(idx, len(self), "ModuleList")]

    def __repr__(self) -> str:
        """Like Module's, but runs of identical modules are shown once: `(0-2): 3 x Linear(...)`."""
        if not self._modules:
            return "ModuleList()"
        lines = []
        start = 0
        for text, run in groupby(repr(m) for m in self._modules.values()):
            n = len(list(run))
            label = f"({start})" if n == 1 else f"({start}-{start + n - 1}): {n} x"
            lines.append(indent(f"{label}: {text}" if n == 1 else f"{label} {text}", 2))
            start += n
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])


class ModuleDict(Module):
    """Holds modules in a dict (insertion order), registering them under their keys.

    Example
    -------
    >>> heads = nn.ModuleDict({"cls": nn.Linear(16, 10), "box": nn.Linear(16, 4)})
    >>> heads["cls"](features)
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module named {key!r} (keys: {list(self._modules)})")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module named {key!r}")
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            delattr(self, key)

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add modules from a mapping or from (key, module) pairs."""
        items = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in items:
            self[key] = module
