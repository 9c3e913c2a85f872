"""Questions about a tensor that PyTorch answers at the top level: numel, is_tensor,
is_floating_point, is_nonzero, and the type-promotion questions result_type and promote_types."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.ops._common import lifted, promoted_dtype, result_dtype
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


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype of `tensor1 + tensor2` (`torch.result_type`): the higher category wins
    (bool < integer < float), within it the wider dtype; a Python number or a 0-d tensor decides
    only when its category is higher (`float32 tensor` with a float64 0-d tensor stays float32,
    an int64 tensor with 1.5 gives float32, the default dtype).

    >>> result_type(glassnet.tensor([1, 2]), 1.5)
    dtype('float32')
    """
    if not isinstance(tensor1, Tensor) and not isinstance(tensor2, Tensor):
        raise TypeError(
            f"result_type: expected at least one Tensor, got {type(tensor1).__name__} and "
            f"{type(tensor2).__name__}"
        )
    a, b = lifted(tensor1, tensor2)
    return result_dtype(a._data, b._data)


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The smallest dtype both convert to by PyTorch's rules (`torch.promote_types`): the higher
    category (bool < integer < float), within it the wider; int64 with float16 is float16.

    >>> promote_types(glassnet.int64, glassnet.float32)
    dtype('float32')
    """
    return promoted_dtype(_dtypes.to_dtype(type1), _dtypes.to_dtype(type2))
