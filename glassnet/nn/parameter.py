"""`Parameter`: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.tensor import Tensor, array_from


class Parameter(Tensor):
    """A tensor that a module learns: `requires_grad=True` by default and found by `parameters()`.

    Parameters
    ----------
    data : Tensor or array_like, optional
        The initial value. A Tensor's array is shared, not copied (as in PyTorch); other data is
        converted with `glassnet.tensor`'s rules. None gives an empty float32 parameter.
    requires_grad : bool
        Whether the parameter is trained (default True).

    Example
    -------
    >>> w = glassnet.nn.Parameter(glassnet.zeros(3, 2))
    >>> w.requires_grad
    True
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty(0, dtype=_dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            array = data._data
        else:
            array = array_from(data)
        # The fields of Tensor._wrap: `array` is already ours, no second copy.
        self._data = array
        self.grad = None
        self.requires_grad = False
        self._ctx = None
        self._retains_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
