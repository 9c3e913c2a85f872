"""`torch.cpu.amp`: CPU autocast and GradScaler (the CPU flavours of `glassnet.amp`)."""

from __future__ import annotations

from typing import Any

import glassnet._dtypes as _dtypes
from glassnet.amp import autocast_mode, grad_scaler


class autocast(autocast_mode.autocast):  # noqa: N801  (PyTorch's name)
    """`torch.cpu.amp.autocast(enabled=True, dtype=bfloat16)`: `glassnet.autocast("cpu", ...)`;
    the block runs in float32 on glassnet (see `glassnet.amp.autocast_mode`)."""

    def __init__(
        self, enabled: bool = True, dtype: Any = _dtypes.bfloat16, cache_enabled: bool = True
    ) -> None:
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """`torch.cpu.amp.GradScaler`: `glassnet.amp.GradScaler("cpu", ...)`, a working scaler."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)
