"""`torch.accelerator`: the current accelerator, of which glassnet has none."""

from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """False: glassnet runs on the CPU only."""
    return False


def current_accelerator(check_available: bool = False) -> Any:
    """None: there is no accelerator (scripts then fall back to the CPU)."""
    return None


def device_count() -> int:
    """0 accelerator devices."""
    return 0
