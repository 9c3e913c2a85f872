"""Convolution layers: `Conv1d`, `Conv2d`, `ConvTranspose1d`, `ConvTranspose2d`.

The math (im2col + one matrix product) is in `glassnet.ops.conv`; a layer owns the weight and
bias, with PyTorch's names, layouts and default initialisation, so a state_dict moves either way.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.nn import init
from glassnet.nn.linear import _check_device, _float_dtype
from glassnet.nn.module import Module, Parameter
from glassnet.ops.conv import conv1d, conv2d, ntuple
from glassnet.ops.conv_transpose import conv_transpose1d, conv_transpose2d
from glassnet.tensor import Tensor


def _check_channels(name: str, in_channels: int, out_channels: int, groups: int) -> None:
    """Positive integer channel counts and groups, both counts divisible by groups."""
    for arg, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name}: {arg} must be a positive integer, got {value!r}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
    if in_channels % groups:
        raise ValueError(f"{name}: in_channels={in_channels} must be divisible by groups")
    if out_channels % groups:
        raise ValueError(f"{name}: out_channels={out_channels} must be divisible by groups")


class _ConvNd(Module):
    """Shared construction, initialisation and input checks of the convolution layers."""

    _nd = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
        groups: int,
        bias: bool,
        padding_mode: str,
        device: Any,
        dtype: Any,
        generator: Any,
        output_padding: Any = 0,
    ) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        _check_channels(name, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(
                f"{name}: padding_mode={padding_mode!r} is not supported; glassnet pads with zeros"
            )
        _check_device(device, name)
        dtype = _float_dtype(dtype, name)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name)
        self.stride = ntuple(stride, nd, "stride", name)
        self.dilation = ntuple(dilation, nd, "dilation", name)
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.dilation) < 1:
            raise ValueError(
                f"{name}: kernel_size, stride and dilation must be >= 1, got {self.kernel_size}, "
                f"{self.stride}, {self.dilation}"
            )
        self.padding = self._checked_padding(padding)
        self.output_padding = ntuple(output_padding, nd, "output_padding", name)
        self.groups = groups
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def _checked_padding(self, padding: Any) -> str | tuple[int, ...]:
        """'same' (stride 1 only) or 'valid' for a plain convolution, else non-negative ints."""
        name = type(self).__name__
        if isinstance(padding, str):
            if self._transposed or padding not in ("same", "valid"):
                allowed = "an int or a tuple" if self._transposed else "'same', 'valid', an int"
                raise ValueError(f"{name}: padding must be {allowed}, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(
                    f"{name}: padding='same' is not supported for strided convolutions"
                )
            return padding
        padding_tuple = ntuple(padding, self._nd, "padding", name)
        if min(padding_tuple) < 0:
            raise ValueError(f"{name}: padding must be non-negative, got {padding!r}")
        return padding_tuple

    def reset_parameters(self, generator: Any = None) -> None:
        """PyTorch's default: W ~ kaiming_uniform(a=sqrt(5)), i.e. U(-1/sqrt(fan_in),
        1/sqrt(fan_in)), and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = weight.shape[1] *
        prod(kernel_size)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in = self.weight._data.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def _check_input(self, input: Any) -> None:
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a glassnet Tensor, got {type(input).__name__}")
        x = input._data
        nd = self._nd
        if x.ndim not in (nd + 1, nd + 2):
            raise ValueError(
                f"{name}: expected a {nd + 2}-d input (N, C, {'H, W' if nd == 2 else 'L'}) or an "
                f"unbatched {nd + 1}-d one, got shape {x.shape}"
            )
        channels = x.shape[-nd - 1]
        if channels != self.in_channels:
            raise ValueError(
                f"{name}(in_channels={self.in_channels}): input has {channels} channels "
                f"(shape {x.shape})"
            )
        if x.dtype != self.weight._data.dtype:
            raise TypeError(
                f"{name}: input dtype {x.dtype} differs from the weight's "
                f"{self.weight._data.dtype}; convert one of them (x.float(), or model.double())"
            )

    def extra_repr(self) -> str:
        nd = self._nd
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0,) * nd:
            s += f", padding={self.padding!r}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv2d(_ConvNd):
    """2-d convolution layer (cross-correlation, as in PyTorch):

        y[n, o] = bias[o] + sum_{c in group(o)} weight[o, c] (star) x[n, c]

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, dilation : int or (int, int)
    padding : int, (int, int), 'valid' or 'same' (zeros; 'same' needs stride 1)
    groups : int
        Split the channels into groups convolved separately (in/out channels divisible by it).
    bias : bool
    padding_mode : str
        Only 'zeros'.
    dtype, device, generator
        Parameter dtype (default float32), 'cpu', random source of the initial values.

    Attributes
    ----------
    weight : Parameter (out_channels, in_channels / groups, kh, kw)
    bias : Parameter (out_channels,) or None

    Shape
    -----
    Input (N, C_in, H, W) or (C_in, H, W). Output (N, C_out, H_out, W_out),
    H_out = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1.

    Example
    -------
    >>> conv = glassnet.nn.Conv2d(1, 6, 5, padding=2)
    >>> conv(glassnet.randn(8, 1, 28, 28)).shape
    (8, 6, 28, 28)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, device, dtype, generator,
        )  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        return conv2d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )


class Conv1d(_ConvNd):
    """1-d convolution layer over (N, C_in, L): the 2-d one with height 1.

    Parameters are those of `Conv2d` with single ints; weight (out_channels, in_channels /
    groups, kernel_size), bias (out_channels,).

    Shape
    -----
    Input (N, C_in, L) or (C_in, L). Output (N, C_out, L_out),
    L_out = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1.

    Example
    -------
    >>> glassnet.nn.Conv1d(4, 8, 3, padding="same")(glassnet.randn(2, 4, 50)).shape
    (2, 8, 50)
    """

    _nd = 1

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, device, dtype, generator,
        )  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        return conv1d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )


class ConvTranspose2d(_ConvNd):
    """2-d transposed convolution ("deconvolution"): the gradient of Conv2d with respect to its
    input, used to upsample. Each input pixel adds weight[c] * x[n, c, h, w] to the output window
    starting at (h stride, w stride).

    Parameters
    ----------
    in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
    dilation, padding_mode ('zeros' only), device, dtype, generator — as in PyTorch.

    Attributes
    ----------
    weight : Parameter (in_channels, out_channels / groups, kh, kw)
    bias : Parameter (out_channels,) or None

    Shape
    -----
    Input (N, C_in, H, W). Output (N, C_out, H_out, W_out),
    H_out = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1.

    Example
    -------
    >>> up = glassnet.nn.ConvTranspose2d(16, 8, 2, stride=2)
    >>> up(glassnet.randn(1, 16, 7, 7)).shape
    (1, 8, 14, 14)
    """

    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, device, dtype, generator, output_padding,
        )  # fmt: skip

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        return conv_transpose2d(
            input, self.weight, self.bias, self.stride, self.padding,
            self._output_padding(input, output_size), self.groups, self.dilation,
        )  # fmt: skip

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """output_padding from a requested output_size (PyTorch's rule), else the layer's."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        size = tuple(output_size)[-nd:]
        result = []
        for axis in range(nd):
            n = input._data.shape[-nd + axis]
            smallest = (
                (n - 1) * self.stride[axis]
                - 2 * self.padding[axis]
                + self.dilation[axis] * (self.kernel_size[axis] - 1)
                + 1
            )
            extra = size[axis] - smallest
            if not 0 <= extra < max(self.stride[axis], self.dilation[axis]):
                raise ValueError(
                    f"{type(self).__name__}: requested output_size {tuple(output_size)} is not "
                    f"reachable from input of shape {input._data.shape}"
                )
            result.append(extra)
        return tuple(result)


class ConvTranspose1d(ConvTranspose2d):
    """1-d transposed convolution over (N, C_in, L); weight (in_channels, out_channels / groups,
    kernel_size). L_out = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.

    Example
    -------
    >>> glassnet.nn.ConvTranspose1d(4, 2, 3, stride=2)(glassnet.randn(1, 4, 10)).shape
    (1, 2, 21)
    """

    _nd = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        self._check_input(input)
        return conv_transpose1d(
            input, self.weight, self.bias, self.stride, self.padding,
            self._output_padding(input, output_size), self.groups, self.dilation,
        )  # fmt: skip
