"""`torch.cpu`: the CPU as a device module (`glassnet.cpu.amp.autocast`, `is_available()`)."""

from glassnet.cpu import amp


def is_available() -> bool:
    """True: glassnet always runs on the CPU."""
    return True


def device_count() -> int:
    """1: the CPU counts as one device, as in PyTorch."""
    return 1


def synchronize(device: object = None) -> None:
    """Nothing to wait for: CPU operations finish before they return."""


__all__ = ["amp", "device_count", "is_available", "synchronize"]
