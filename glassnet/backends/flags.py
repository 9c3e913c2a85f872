"""Process-wide numerics settings PyTorch scripts set: float32 matmul precision, determinism.

They are recorded and reported back, and change nothing in glassnet's arithmetic: NumPy computes
float32 matmuls in float32 (no TF32 or bfloat16 shortcuts), and every glassnet op is already
deterministic on the CPU (the same inputs and seed give the same bits).
"""

from __future__ import annotations

import warnings

_PRECISIONS = ("highest", "high", "medium")


class _Flags:
    matmul_precision = "highest"
    deterministic = False
    deterministic_warn_only = False


FLAGS = _Flags()


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ("highest", "high", "medium"), as PyTorch.

    On GPUs "high"/"medium" allow TF32/bfloat16 internally; glassnet always computes "highest".
    An unknown value warns and changes nothing, as in PyTorch.
    """
    if precision not in _PRECISIONS:
        warnings.warn(
            f"set_float32_matmul_precision: {precision!r} is not one of 'highest', 'high', or "
            f"'medium'; the call has no effect",
            UserWarning,
            stacklevel=2,
        )
        return
    FLAGS.matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The precision last set by `set_float32_matmul_precision` ("highest" by default)."""
    return FLAGS.matmul_precision


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the request for deterministic algorithms; glassnet's ops are all deterministic."""
    FLAGS.deterministic = bool(mode)
    FLAGS.deterministic_warn_only = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether `use_deterministic_algorithms(True)` is in effect."""
    return FLAGS.deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether it was set with `warn_only=True`."""
    return FLAGS.deterministic_warn_only
