"""`torch.backends.cudnn`: settable flags with PyTorch's defaults; cuDNN is not available.

`benchmark`, `deterministic`, `enabled` and `allow_tf32` are plain module attributes, so
`glassnet.backends.cudnn.benchmark = True` works as in PyTorch (and changes nothing: glassnet does
not use cuDNN).
"""

from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: cuDNN (a CUDA library) is not available to glassnet."""
    return False


def version() -> None:
    """None: no cuDNN, as PyTorch reports without it."""
    return None
