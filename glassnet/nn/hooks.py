"""`RemovableHandle`: what `register_forward_hook` and friends return; `remove()` takes the hook
away again."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glassnet.nn.module import Module


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
