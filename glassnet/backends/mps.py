"""`torch.backends.mps`: Apple's Metal backend, which glassnet does not have."""

from __future__ import annotations


def is_available() -> bool:
    """False: glassnet runs on the CPU only."""
    return False


def is_built() -> bool:
    """False: glassnet is not built with MPS."""
    return False
