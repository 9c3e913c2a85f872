"""`torch.backends.cuda`: CUDA switches with PyTorch's defaults; CUDA is not built in.

`matmul.allow_tf32` is tied to `glassnet.get_float32_matmul_precision()` as in PyTorch (True means
"high", False "highest"); the scaled-dot-product-attention switches are recorded. None changes
glassnet's arithmetic (see `glassnet.backends.flags`).
"""

from __future__ import annotations

from typing import Any

from glassnet.backends.flags import FLAGS


def is_built() -> bool:
    """False: glassnet is not built with CUDA."""
    return False


class _Matmul:
    """`torch.backends.cuda.matmul`: allow_tf32 and the reduced-precision-reduction flags."""

    _FIELDS = ("allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction")

    def __init__(self) -> None:
        object.__setattr__(self, "allow_fp16_reduced_precision_reduction", True)
        object.__setattr__(self, "allow_bf16_reduced_precision_reduction", True)

    @property
    def allow_tf32(self) -> bool:
        return FLAGS.matmul_precision != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        FLAGS.matmul_precision = "high" if value else "highest"

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "allow_tf32" and name not in self._FIELDS:
            raise AttributeError(f"backends.cuda.matmul: unknown attribute {name!r}")
        object.__setattr__(self, name, value)


matmul = _Matmul()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def enable_flash_sdp(enabled: bool) -> None:
    """Record the flash-attention switch (glassnet has one attention kernel, on the CPU)."""
    _sdp["flash"] = bool(enabled)


def flash_sdp_enabled() -> bool:
    return _sdp["flash"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    """Record the memory-efficient-attention switch."""
    _sdp["mem_efficient"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    return _sdp["mem_efficient"]


def enable_math_sdp(enabled: bool) -> None:
    """Record the math-attention switch."""
    _sdp["math"] = bool(enabled)


def math_sdp_enabled() -> bool:
    return _sdp["math"]


def enable_cudnn_sdp(enabled: bool) -> None:
    """Record the cuDNN-attention switch."""
    _sdp["cudnn"] = bool(enabled)


def cudnn_sdp_enabled() -> bool:
    return _sdp["cudnn"]
