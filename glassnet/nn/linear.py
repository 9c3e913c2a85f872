"""Affine layers and shape helpers: `Linear`, `Bilinear`, `Identity`, `Flatten`, `Unflatten`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn import init
from glassnet.nn.module import Module, Parameter
from glassnet.ops.bilinear import bilinear
from glassnet.ops.linalg import Linear as _LinearOp
from glassnet.ops.movement import flatten, unflatten
from glassnet.tensor import Tensor


def _float_dtype(dtype: Any, layer: str) -> np.dtype:
    dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{layer}: parameters need a floating dtype, got {dtype}")
    return dtype


def _check_device(device: Any, layer: str) -> None:
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{layer}: glassnet runs on the CPU only, got device {device!r}")


def _check_features(layer: str, name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{layer}: {name} must be a non-negative integer, got {value!r}")


class Linear(Module):
    """Fully connected layer: y = x W^T + b.

    Each of the `out_features` outputs is a weighted sum of all `in_features` inputs plus a bias.
    Initialised as PyTorch does: W and b from U(-k, k) with k = 1 / sqrt(in_features) (Kaiming
    uniform with a = sqrt(5)).

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool
        Learn the additive bias b (default True).
    dtype : dtype, optional
        Of the parameters (default float32).
    generator : Generator, optional
        Random source of the initial values (default: the global one).

    Attributes
    ----------
    weight : Parameter, shape (out_features, in_features)
    bias : Parameter, shape (out_features,), or None

    Shape
    -----
    Input: (*, in_features). Output: (*, out_features).

    Example
    -------
    >>> layer = glassnet.nn.Linear(20, 30)
    >>> layer(glassnet.randn(128, 20)).shape
    (128, 30)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        _check_features("Linear", "in_features", in_features)
        _check_features("Linear", "out_features", out_features)
        _check_device(device, "Linear")
        dtype = _float_dtype(dtype, "Linear")
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        """Draw W and b from U(-1/sqrt(in_features), 1/sqrt(in_features)), as PyTorch does."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, input: Tensor) -> Tensor:
        x = input._data
        if not x.ndim or x.shape[-1] != self.in_features or x.dtype != self.weight._data.dtype:
            self._bad_input(input)
        if self.bias is None:
            return _LinearOp.apply(input, self.weight)
        return _LinearOp.apply(input, self.weight, self.bias)

    def _bad_input(self, input: Any) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"Linear: input must be a glassnet Tensor, got {type(input).__name__}")
        x = input._data
        if not x.ndim or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}): input has "
                f"{x.shape[-1] if x.ndim else 'no'} features (shape {x.shape})"
            )
        raise TypeError(
            f"Linear: input dtype {x.dtype} differs from the weight's {self.weight._data.dtype}; "
            f"convert one of them (x.float(), or model.double())"
        )

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """Bilinear layer: y_k = x1^T A_k x2 + b_k for each output feature k.

    Every output mixes each pair (x1_i, x2_j) with its own weight A_kij, so the layer can model
    multiplicative interactions between two inputs. Initialised from U(-k, k) with
    k = 1 / sqrt(in1_features), as PyTorch.

    Attributes
    ----------
    weight : Parameter, shape (out_features, in1_features, in2_features)
    bias : Parameter, shape (out_features,), or None

    Shape
    -----
    Input1: (*, in1_features), Input2: (*, in2_features). Output: (*, out_features).

    Example
    -------
    >>> m = glassnet.nn.Bilinear(20, 30, 40)
    >>> m(glassnet.randn(128, 20), glassnet.randn(128, 30)).shape
    (128, 40)
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        for name, value in [
            ("in1_features", in1_features),
            ("in2_features", in2_features),
            ("out_features", out_features),
        ]:
            _check_features("Bilinear", name, value)
        _check_device(device, "Bilinear")
        dtype = _float_dtype(dtype, "Bilinear")
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        shape = (out_features, in1_features, in2_features)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        bound = 1 / math.sqrt(self.in1_features) if self.in1_features > 0 else 0.0
        init.uniform_(self.weight, -bound, bound, generator=generator)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """y = x. A placeholder that accepts (and ignores) any constructor arguments, handy for
    switching a layer off without changing the network's code.

    Example
    -------
    >>> head = glassnet.nn.Identity()   # instead of nn.Linear(512, 10)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Flatten(Module):
    """Merge dimensions start_dim..end_dim into one (by default all but the batch dimension).

    Shape
    -----
    Input: (*, S_start, ..., S_end, *). Output: (*, S_start * ... * S_end, *).

    Example
    -------
    >>> glassnet.nn.Flatten()(glassnet.zeros(32, 1, 28, 28)).shape
    (32, 784)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension `dim` into the shape `unflattened_size` (the inverse of Flatten).

    Shape
    -----
    Input: (*, S_dim, *). Output: (*, U_1, ..., U_n, *) with U_1 * ... * U_n = S_dim.

    Example
    -------
    >>> glassnet.nn.Unflatten(1, (1, 28, 28))(glassnet.zeros(32, 784)).shape
    (32, 1, 28, 28)
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(
            isinstance(n, int) for n in unflattened_size
        ):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}"
            )
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        shape = input._data.shape
        size = math.prod(self.unflattened_size)
        d = self.dim if self.dim >= 0 else self.dim + len(shape)
        if not 0 <= d < len(shape) or (-1 not in self.unflattened_size and shape[d] != size):
            raise ValueError(
                f"Unflatten(dim={self.dim}, unflattened_size={self.unflattened_size}): "
                f"does not fit an input of shape {shape}"
            )
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
