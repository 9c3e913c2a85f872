"""`glassnet.serialization`: torch.serialization's names (see `glassnet.io.serialization`)."""

from glassnet.io.serialization import (
    add_safe_globals,
    get_safe_globals,
    load,
    safe_globals,
    save,
)

__all__ = ["add_safe_globals", "get_safe_globals", "load", "safe_globals", "save"]
