"""Questions about a tensor that PyTorch answers at the top level: numel, is_tensor,
is_floating_point, is_nonzero."""

from __future__ import annotations

from typing import Any

from glassnet.tensor import Tensor


def numel(input: Tensor) -> int:
    """The number of elements (the product of the shape; 1 for a 0-d tensor)."""
    return int(input._data.size)


def is_tensor(obj: Any) -> bool:
    """True if obj is a glassnet Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """True if input's dtype is a floating point type (float16, float32, float64)."""
    return input._data.dtype.kind == "f"


def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor; an error for any other size."""
    if input._data.size != 1:
        raise ValueError(
            f"is_nonzero: Boolean value of Tensor with {input._data.size} elements is ambiguous"
        )
    return bool(input._data.reshape(()))
