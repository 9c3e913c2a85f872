"""The `Distribution` base class (as `torch.distributions.Distribution`) and parameter helpers.

A distribution holds tensor parameters of a common *batch shape*; `sample(sample_shape)` draws
tensors of shape `sample_shape + batch_shape + event_shape` from glassnet's global generator (so
`glassnet.manual_seed` makes them repeatable), and `log_prob`/`entropy` are built from glassnet ops,
so their gradients reach the parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
import glassnet.ops as ops
from glassnet.tensor import Tensor


class Distribution:
    """Base class: batch/event shapes, argument validation, and the sampling interface.

    Parameters
    ----------
    batch_shape : tuple
        The shape over which parameters vary (independent distributions).
    event_shape : tuple
        The shape of one draw (() for scalar distributions).
    validate_args : bool, optional
        Check parameters here and values in `log_prob` (default True, as in PyTorch).
    """

    has_rsample = False

    def __init__(
        self,
        batch_shape: tuple = (),
        event_shape: tuple = (),
        validate_args: bool | None = None,
    ) -> None:
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        self._validate_args = True if validate_args is None else bool(validate_args)

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def event_shape(self) -> tuple:
        return self._event_shape

    @property
    def stddev(self) -> Tensor:
        """The standard deviation, sqrt(variance)."""
        return self.variance.sqrt()

    def _extended_shape(self, sample_shape: Sequence[int] = ()) -> tuple:
        return tuple(sample_shape) + self._batch_shape + self._event_shape

    def sample(self, sample_shape: Sequence[int] = ()) -> Tensor:
        """A draw of shape `sample_shape + batch_shape + event_shape`, outside the graph."""
        with_grad = self.rsample(sample_shape)
        return with_grad.detach()

    def rsample(self, sample_shape: Sequence[int] = ()) -> Tensor:
        raise NotImplementedError(
            f"{type(self).__name__}: rsample (a reparameterized, differentiable sample) is not "
            f"available for this distribution; use sample()"
        )

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}: {getattr(self, k).shape}" for k in self._param_names)
        return f"{type(self).__name__}({params})"

    _param_names: tuple = ()


def as_param(value: Any, like: Tensor | None = None) -> Tensor:
    """A parameter as a tensor: tensors as given; numbers in `like`'s dtype (else the default)."""
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if like is not None else _dtypes.get_default_dtype()
    return Tensor(np.asarray(value, dtype=dtype))


def broadcast_all(*values: Any) -> list[Tensor]:
    """Tensors of one broadcast shape (differentiable); numbers take the first tensor's dtype."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [as_param(v, like) for v in values]
    shape = np.broadcast_shapes(*(t.shape for t in tensors))
    return [t if t.shape == shape else ops.broadcast_to(t, shape) for t in tensors]


def invalid(dist: str, name: str, value: Tensor, constraint: str) -> ValueError:
    """PyTorch's message for a parameter or value outside its support."""
    return ValueError(
        f"{dist}: expected {name} (tensor of shape {tuple(value.shape)}) to satisfy the "
        f"constraint {constraint}, but found invalid values:\n{value}"
    )
