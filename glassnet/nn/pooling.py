"""Pooling layers: `MaxPool1d/2d`, `AvgPool1d/2d`, `AdaptiveAvgPool2d` (math in glassnet.ops.pool).

They hold no parameters, only their window geometry; stride defaults to kernel_size.
"""

from __future__ import annotations

from typing import Any

from glassnet.nn.module import Module
from glassnet.ops.pool import adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from glassnet.tensor import Tensor


class _MaxPoolNd(Module):
    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_MaxPoolNd):
    """2-d max pooling: y[n, c, p, q] = max over the window at (p s, q s) of x[n, c].

    Parameters
    ----------
    kernel_size, stride (default kernel_size), padding (at most half the kernel; -inf), dilation
        int or (int, int).
    return_indices : bool
        Also return the flat index of each maximum in its input plane (int64).
    ceil_mode : bool
        Round the output size up instead of down.

    Shape
    -----
    Input (N, C, H, W) or (C, H, W). Output (N, C, H_out, W_out),
    H_out = floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1.

    Example
    -------
    >>> glassnet.nn.MaxPool2d(2)(glassnet.randn(8, 6, 28, 28)).shape
    (8, 6, 14, 14)
    """

    def forward(self, input: Tensor) -> Any:
        return max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
            self.return_indices,
        )  # fmt: skip


class MaxPool1d(_MaxPoolNd):
    """1-d max pooling over the last axis of (N, C, L) or (C, L); arguments as `MaxPool2d`.

    Example
    -------
    >>> glassnet.nn.MaxPool1d(3, stride=2)(glassnet.randn(2, 3, 10)).shape
    (2, 3, 4)
    """

    def forward(self, input: Tensor) -> Any:
        return max_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
            self.return_indices,
        )  # fmt: skip


class AvgPool2d(Module):
    """2-d average pooling: y[n, c, p, q] = mean of the window at (p s, q s) of x[n, c].

    Parameters
    ----------
    kernel_size, stride (default kernel_size), padding : int or (int, int)
    ceil_mode : bool
    count_include_pad : bool
        Count the zero padding in the divisor (default True).
    divisor_override : int, optional
        Divide every window sum by this instead.

    Shape
    -----
    Input (N, C, H, W) or (C, H, W). Output (N, C, H_out, W_out),
    H_out = floor((H + 2 padding - k) / stride) + 1.

    Example
    -------
    >>> glassnet.nn.AvgPool2d(2)(glassnet.randn(8, 6, 28, 28)).shape
    (8, 6, 14, 14)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(Module):
    """1-d average pooling over the last axis of (N, C, L) or (C, L); arguments as `AvgPool2d`.

    Example
    -------
    >>> glassnet.nn.AvgPool1d(2)(glassnet.randn(2, 3, 10)).shape
    (2, 3, 5)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size: window i along an axis
    of length n covers [floor(i n / out), ceil((i + 1) n / out)).

    Parameters
    ----------
    output_size : int or (int or None, int or None)
        None keeps the input's size along that axis.

    Shape
    -----
    Input (N, C, H, W) or (C, H, W). Output (N, C, *output_size).

    Example
    -------
    >>> glassnet.nn.AdaptiveAvgPool2d(1)(glassnet.randn(2, 64, 7, 7)).shape
    (2, 64, 1, 1)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
