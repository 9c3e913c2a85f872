"""`import torch.nn` in a script that put glassnet in PyTorch's place (`sys.modules["torch"] =
glassnet`) gets `glassnet.nn` itself, not a second copy of it.

Without this, Python would find `torch.nn` on glassnet's package path and run
`glassnet/nn/__init__.py` again under the name `torch.nn`: a duplicate module whose state
(flags, defaults) is not glassnet's. The finder answers only names under `torch.` and only while
`sys.modules["torch"]` is glassnet; otherwise it stays out of the way (real PyTorch imports
as usual).

`import glassnet` adds the finder to `sys.meta_path` (its one import-time hook, inert unless torch
is glassnet), because the drop-in idiom is a bare `sys.modules["torch"] = glassnet` that no
glassnet code sees: installing it later would be too late for such scripts.
`glassnet.install_torch_alias()` does both steps explicitly (docs/pytorch.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any


class TorchAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Maps `torch.X` to the already importable `glassnet.X` while torch is glassnet."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("torch.") or sys.modules.get("torch") is not _glassnet():
            return None
        if importlib.util.find_spec("glassnet." + fullname[len("torch.") :]) is None:
            return None  # glassnet has no such module: the usual ModuleNotFoundError follows
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        module = importlib.import_module("glassnet." + spec.name[len("torch.") :])
        self._spec = module.__spec__  # the import system stamps the alias's spec on it
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec  # nothing to run: it is glassnet's module, already loaded


def _glassnet() -> ModuleType | None:
    return sys.modules.get("glassnet")


def install_torch_alias() -> None:
    """Make `import torch` (and `import torch.nn`, ...) in this process give glassnet.

    Puts glassnet in `sys.modules["torch"]` and adds `TorchAliasFinder` to `sys.meta_path`
    (once), so every `torch.X` module a script imports by path is glassnet's own `glassnet.X`.
    Call it before the script's own `import torch`; real PyTorch, if imported earlier, is
    replaced in `sys.modules` only (objects already taken from it keep working).

    Example
    -------
    >>> import glassnet
    >>> glassnet.install_torch_alias()
    >>> import torch.nn as nn  # glassnet.nn
    """
    sys.modules["torch"] = sys.modules["glassnet"]
    add_finder()


def add_finder() -> None:
    """Put one `TorchAliasFinder` in `sys.meta_path` (it acts only while torch is glassnet)."""
    if not any(isinstance(f, TorchAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchAliasFinder())
