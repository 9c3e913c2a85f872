"""`torch.cuda` on a machine without CUDA: what PyTorch answers when no GPU is present.

glassnet runs on the CPU only, so the queries scripts make to choose a device say "no"
(`is_available()` is False, `device_count()` is 0), the calls that are harmless without a GPU do
nothing (seeding, `synchronize`, `empty_cache`, memory statistics that are 0), and the calls that
need a GPU to answer (`current_device`, `get_device_name`, `set_device`, ...) raise an error that
says so. This lets the usual boilerplate run unchanged:

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.cuda.manual_seed_all(seed)
    scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
"""

from __future__ import annotations

from typing import Any

from glassnet._device import DeviceUnavailableError
from glassnet.cuda import amp


def _unavailable(what: str) -> DeviceUnavailableError:
    return DeviceUnavailableError(
        f"cuda.{what}: CUDA is not available (glassnet runs on the CPU only; "
        f"glassnet.cuda.is_available() is False)"
    )


def is_available() -> bool:
    """False: glassnet has no CUDA device."""
    return False


def device_count() -> int:
    """0 CUDA devices."""
    return 0


def is_initialized() -> bool:
    """False: there is no CUDA state to initialise."""
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: no CUDA device, so no CUDA bfloat16 (glassnet cannot store bfloat16 at all)."""
    return False


def manual_seed(seed: int) -> None:
    """Nothing to seed (no CUDA generator); use `glassnet.manual_seed` for glassnet's numbers."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed (no CUDA generators), as PyTorch without CUDA."""


def seed() -> None:
    """Nothing to seed (no CUDA generator)."""


def seed_all() -> None:
    """Nothing to seed (no CUDA generators)."""


def synchronize(device: Any = None) -> None:
    """Nothing to wait for: glassnet's operations finish before they return."""


def empty_cache() -> None:
    """Nothing to free: there is no CUDA memory cache."""


def memory_allocated(device: Any = None) -> int:
    """0 bytes: no CUDA memory is in use."""
    return 0


def max_memory_allocated(device: Any = None) -> int:
    """0 bytes: no CUDA memory was ever used."""
    return 0


def memory_reserved(device: Any = None) -> int:
    """0 bytes: no CUDA memory is reserved."""
    return 0


def max_memory_reserved(device: Any = None) -> int:
    """0 bytes: no CUDA memory was ever reserved."""
    return 0


def reset_peak_memory_stats(device: Any = None) -> None:
    """Nothing to reset: no CUDA memory statistics."""


def current_device() -> int:
    """Refused: there is no current CUDA device."""
    raise _unavailable("current_device")


def set_device(device: Any) -> None:
    """Refused: there is no CUDA device to select."""
    raise _unavailable("set_device")


def get_device_name(device: Any = None) -> str:
    """Refused: there is no CUDA device to name."""
    raise _unavailable("get_device_name")


def get_device_capability(device: Any = None) -> tuple[int, int]:
    """Refused: there is no CUDA device."""
    raise _unavailable("get_device_capability")


def get_device_properties(device: Any = None) -> Any:
    """Refused: there is no CUDA device."""
    raise _unavailable("get_device_properties")


def get_rng_state(device: Any = "cuda") -> Any:
    """Refused: there is no CUDA generator."""
    raise _unavailable("get_rng_state")


def set_rng_state(new_state: Any, device: Any = "cuda") -> None:
    """Refused: there is no CUDA generator."""
    raise _unavailable("set_rng_state")


__all__ = [
    "amp",
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "get_rng_state",
    "is_available",
    "is_bf16_supported",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_reserved",
    "memory_allocated",
    "memory_reserved",
    "reset_peak_memory_stats",
    "seed",
    "seed_all",
    "set_device",
    "set_rng_state",
    "synchronize",
]
