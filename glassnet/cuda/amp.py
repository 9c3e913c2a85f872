"""`torch.cuda.amp`: CUDA autocast and GradScaler. Without CUDA both disable themselves, as in
PyTorch on a machine without a GPU: an enabled one warns once it is made, and then changes
nothing (`scale(loss)` is `loss`, `step(opt)` is `opt.step()`)."""

from __future__ import annotations

from typing import Any

import glassnet._dtypes as _dtypes
from glassnet.amp import autocast_mode, grad_scaler
from glassnet.amp.autocast_mode import custom_bwd, custom_fwd


class autocast(autocast_mode.autocast):  # noqa: N801  (PyTorch's name)
    """`torch.cuda.amp.autocast(enabled=True, dtype=float16)`: `glassnet.autocast("cuda", ...)`,
    which is disabled (with a warning when `enabled=True`): CUDA is not available."""

    def __init__(
        self, enabled: bool = True, dtype: Any = _dtypes.float16, cache_enabled: bool = True
    ) -> None:
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """`torch.cuda.amp.GradScaler`: `glassnet.amp.GradScaler("cuda", ...)`, always disabled
    (a warning when `enabled=True`), so every method is transparent."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        super().__init__(
            "cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled
        )


__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd"]
