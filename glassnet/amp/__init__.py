"""Automatic mixed precision (`torch.amp`): `autocast` and `GradScaler`, with PyTorch's semantics
on a machine without an accelerator (glassnet computes in full precision; see each module)."""

from glassnet.amp.autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_enabled
from glassnet.amp.grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_enabled"]
