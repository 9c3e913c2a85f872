"""A model's parameters as one flat vector and back (for line searches, evolution strategies,
or inspecting the whole weight vector)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from glassnet.ops.movement import cat, reshape
from glassnet.tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Concatenate the parameters, each flattened, into one 1-D tensor (differentiable).

    Example
    -------
    >>> v = glassnet.nn.utils.parameters_to_vector(model.parameters())
    >>> v.shape   # (model.num_parameters(),)
    """
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"parameters_to_vector: expected Tensors, got {type(p).__name__}")
    if not params:
        return Tensor._wrap(np.zeros(0, dtype=np.float32))
    return cat([reshape(p, -1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D `vec` into the parameters (the inverse of
    parameters_to_vector).

    Unlike PyTorch, which makes each parameter a view of `vec`, the values are copied into the
    parameters' own arrays, so anything holding those arrays (an optimizer) stays in step.

    Example
    -------
    >>> glassnet.nn.utils.vector_to_parameters(v, model.parameters())
    """
    if not isinstance(vec, Tensor):
        raise TypeError(
            f"vector_to_parameters: expected vec to be a Tensor, got {type(vec).__name__}"
        )
    if vec._data.ndim != 1:
        raise ValueError(f"vector_to_parameters: vec must be 1-D, got shape {vec._data.shape}")
    params = list(parameters)
    total = sum(p._data.size for p in params)
    if total != vec._data.size:
        raise ValueError(
            f"vector_to_parameters: vec has {vec._data.size} elements, the parameters hold {total}"
        )
    start = 0
    for p in params:
        n = p._data.size
        p._data[...] = vec._data[start : start + n].reshape(p._data.shape)
        start += n
