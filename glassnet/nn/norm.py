"""Normalisation layers: `BatchNorm1d/2d`, `LayerNorm`, `GroupNorm`, `RMSNorm`.

The fused ops and their math are in `glassnet.ops.norm`. Parameter and buffer names follow
PyTorch (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.nn.linear import _check_device, _float_dtype
from glassnet.nn.module import Module, Parameter
from glassnet.ops.norm import batch_norm, group_norm, layer_norm, norm_shape, rms_norm
from glassnet.tensor import Tensor


class _BatchNorm(Module):
    """Shared body of BatchNorm1d/2d; subclasses say which input ranks they accept."""

    _ranks: tuple = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_features, int) or isinstance(num_features, bool) or num_features < 1:
            raise ValueError(
                f"{name}: num_features must be a positive integer, got {num_features!r}"
            )
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum!r}")
        if eps <= 0:
            raise ValueError(f"{name}: eps must be positive, got {eps!r}")
        _check_device(device, name)
        dtype = _float_dtype(dtype, name)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """running_mean = 0, running_var = 1, num_batches_tracked = 0."""
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        """Reset the running statistics, weight = 1 and bias = 0."""
        self.reset_running_stats()
        if self.affine:
            self.weight._data[...] = 1
            self.bias._data[...] = 0

    def _check_input(self, input: Tensor) -> None:
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a glassnet Tensor, got {type(input).__name__}")
        x = input._data
        if x.ndim not in self._ranks:
            raise ValueError(
                f"{name}: expected {' or '.join(f'{r}-d' for r in self._ranks)} input, got shape "
                f"{x.shape}"
            )
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{name}(num_features={self.num_features}): input has {x.shape[1]} channels "
                f"(shape {x.shape})"
            )

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked._data)
        # Batch statistics when training, or when there are no running statistics to use.
        use_batch_stats = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch_stats,
            momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over the channels of images (Ioffe & Szegedy, 2015):

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias,   per channel over (N, H, W).

    Training uses the batch's statistics and updates running_mean and running_var:
    running = (1 - momentum) running + momentum batch_stat (the variance unbiased); momentum=None
    gives a cumulative average. Eval mode (`.eval()`) uses the running statistics.

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float
        Added to the variance (default 1e-5).
    momentum : float or None
        Weight of the newest batch in the running statistics (default 0.1).
    affine : bool
        Learn weight (init 1) and bias (init 0) (default True).
    track_running_stats : bool
        Keep running statistics; if False, batch statistics are used in eval mode too.

    Shape
    -----
    Input (N, C, H, W). Output: the same.

    Example
    -------
    >>> bn = glassnet.nn.BatchNorm2d(16)
    >>> bn(glassnet.randn(8, 16, 5, 5)).shape
    (8, 16, 5, 5)
    """

    _ranks = (4,)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of features (N, C) or sequences (N, C, L), per channel over (N, L);
    see `BatchNorm2d` for the formula and the arguments.

    Example
    -------
    >>> glassnet.nn.BatchNorm1d(32)(glassnet.randn(64, 32)).shape
    (64, 32)
    """

    _ranks = (2, 3)


class LayerNorm(Module):
    """Layer normalisation (Ba et al., 2016) over the trailing `normalized_shape` axes:

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias   (statistics per sample)

    Parameters
    ----------
    normalized_shape : int or tuple of ints
    eps : float (default 1e-5)
    elementwise_affine : bool
        Learn weight (init 1) and, if `bias`, bias (init 0), of shape normalized_shape.
    bias : bool

    Shape
    -----
    Input (*, *normalized_shape). Output: the same.

    Example
    -------
    >>> glassnet.nn.LayerNorm(64)(glassnet.randn(4, 10, 64)).shape
    (4, 10, 64)
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _check_device(device, "LayerNorm")
        dtype = _float_dtype(dtype, "LayerNorm")
        self.normalized_shape = norm_shape("LayerNorm", normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class RMSNorm(Module):
    """RMS normalisation (Zhang & Sennrich, 2019): y = x / sqrt(mean(x^2) + eps) * weight over
    the trailing `normalized_shape` axes; no centring, no bias.

    Parameters
    ----------
    normalized_shape : int or tuple of ints
    eps : float, optional
        Default: the machine epsilon of the input's dtype (as PyTorch).
    elementwise_affine : bool
        Learn weight (init 1).

    Shape
    -----
    Input (*, *normalized_shape). Output: the same.

    Example
    -------
    >>> glassnet.nn.RMSNorm(64)(glassnet.randn(4, 64)).shape
    (4, 64)
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _check_device(device, "RMSNorm")
        dtype = _float_dtype(dtype, "RMSNorm")
        self.normalized_shape = norm_shape("RMSNorm", normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def forward(self, input: Tensor) -> Tensor:
        return rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class GroupNorm(Module):
    """Group normalisation (Wu & He, 2018): the channels are split into `num_groups` groups,
    each group of each sample standardised over its channels and positions, then a per-channel
    weight and bias. Independent of the batch size, unlike BatchNorm.

    Parameters
    ----------
    num_groups : int
        Must divide num_channels.
    num_channels : int
    eps : float (default 1e-5)
    affine : bool
        Learn weight (init 1) and bias (init 0) of shape (num_channels,).

    Shape
    -----
    Input (N, C, *). Output: the same.

    Example
    -------
    >>> glassnet.nn.GroupNorm(4, 16)(glassnet.randn(2, 16, 8, 8)).shape
    (2, 16, 8, 8)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(num_groups, int) or num_groups < 1 or num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels={num_channels} must be divisible by "
                f"num_groups={num_groups!r}"
            )
        _check_device(device, "GroupNorm")
        dtype = _float_dtype(dtype, "GroupNorm")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
            self.bias = Parameter(np.zeros(num_channels, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        x = input._data
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm(num_channels={self.num_channels}): input has "
                f"{x.shape[1] if x.ndim >= 2 else 'no'} channels (shape {x.shape})"
            )
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
