"""`OpsModule`: a module of `glassnet.ops`, imported the first time a Tensor method needs it.

The layering runs tensor -> ops: every ops module imports `Tensor` (its results are Tensors).
Tensor's methods delegate to ops, so the modules that define them cannot import ops at their
top without a circle. They name the ops module they use instead,

    _reduce = OpsModule("glassnet.ops.reduce")
    ...
    def sum(self, dim=None, keepdim=False, dtype=None):
        return _reduce.sum(self, dim, keepdim, dtype)

and the first read of `_reduce.sum` imports `glassnet.ops.reduce` and keeps `sum` on the
`OpsModule`, so every later call costs one attribute lookup, as a plain module attribute does.
This is the one edge that runs up the layering; tests/test_import_graph.py allows it by name.
The mixins that need the `Tensor` class itself (`isinstance`, `Tensor._wrap`) reach
`glassnet.tensor` the same way, since it imports them.
"""

from __future__ import annotations

import importlib
from typing import Any


class OpsModule:
    """Stands for the module `name` (e.g. "glassnet.ops.reduce") until first use.

    Reading an attribute imports the module (once) and caches the attribute on this object.
    """

    def __init__(self, name: str) -> None:
        self.module_name = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self.module_name), attr)
        self.__dict__[attr] = value  # later reads find it here, without __getattr__
        return value

    def __repr__(self) -> str:
        return f"OpsModule({self.module_name!r})"
