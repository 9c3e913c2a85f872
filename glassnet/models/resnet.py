"""A small residual network (He et al., 2016) for 28x28 and 32x32 images.

The CIFAR-style layout of the paper's section 4.2, with configurable depth and width:

    x (N, C, H, W)
    -> conv 3x3, w maps -> BatchNorm -> ReLU                        (N, w, H, W)
    -> stage 1: layers[0] basic blocks, w maps                       (N, w, H, W)
    -> stage 2: layers[1] blocks, 2w maps, the first with stride 2   (N, 2w, H/2, W/2)
    -> stage 3: layers[2] blocks, 4w maps, the first with stride 2   (N, 4w, H/4, W/4)
    -> global average pool -> fc num_classes (logits)

A basic block computes relu(F(x) + shortcut(x)) with F = conv3x3 -> BN -> ReLU -> conv3x3 -> BN;
the shortcut is the identity, or a 1x1 convolution + BN where the shape changes. The skip path lets
gradients reach early layers unchanged, so deep stacks train.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet.nn.containers import Sequential
from glassnet.nn.conv import Conv2d
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module
from glassnet.nn.norm import BatchNorm2d
from glassnet.ops.activation import relu
from glassnet.tensor import Tensor


class BasicBlock(Module):
    """y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).

    Parameters
    ----------
    in_channels, out_channels : int
    stride : int
        Of the first convolution (2 halves the resolution).
    generator : Generator, optional

    Shape
    -----
    Input (N, in_channels, H, W). Output (N, out_channels, ceil(H / stride), ceil(W / stride)).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, generator: Any = None
    ) -> None:
        super().__init__()
        self.conv1 = Conv2d(
            in_channels, out_channels, 3, stride=stride, padding=1, bias=False, generator=generator
        )
        self.bn1 = BatchNorm2d(out_channels)
        self.conv2 = Conv2d(
            out_channels, out_channels, 3, padding=1, bias=False, generator=generator
        )
        self.bn2 = BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = Sequential(
                Conv2d(
                    in_channels, out_channels, 1, stride=stride, bias=False, generator=generator
                ),
                BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = None

    def forward(self, x: Tensor) -> Tensor:
        out = relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.shortcut is None else self.shortcut(x)
        return relu(out + skip)


class ResNet(Module):
    """A small ResNet of basic blocks with BatchNorm and skip connections.

    Parameters
    ----------
    layers : sequence of int
        Basic blocks per stage (default (2, 2, 2): 6n+2 = 14 layers deep with n = 2). Each stage
        after the first doubles the width and halves the resolution.
    width : int
        Channels of the stem and first stage (default 16).
    in_channels : int
        Of the input images (1 for MNIST, 3 for CIFAR).
    num_classes : int
        Size of the output (default 10).
    generator : Generator, optional
        Random source of the initial weights.

    Shape
    -----
    Input (N, in_channels, H, W), e.g. 28x28 or 32x32. Output (N, num_classes) logits.

    Example
    -------
    >>> model = glassnet.models.ResNet(layers=(1, 1, 1), width=8)
    >>> model(glassnet.randn(2, 1, 28, 28)).shape
    (2, 10)
    """

    def __init__(
        self,
        layers: Sequence[int] = (2, 2, 2),
        width: int = 16,
        in_channels: int = 1,
        num_classes: int = 10,
        generator: Any = None,
    ) -> None:
        super().__init__()
        layers = tuple(layers)
        if not layers or any(not isinstance(n, int) or n < 1 for n in layers):
            raise ValueError(f"ResNet: layers must be positive block counts, got {layers!r}")
        if not isinstance(width, int) or width < 1:
            raise ValueError(f"ResNet: width must be a positive integer, got {width!r}")
        self.layers = layers
        self.width = width
        self.conv1 = Conv2d(in_channels, width, 3, padding=1, bias=False, generator=generator)
        self.bn1 = BatchNorm2d(width)
        blocks, channels = [], width
        for stage, n in enumerate(layers):
            out_channels = width * 2**stage
            for i in range(n):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(channels, out_channels, stride, generator=generator))
                channels = out_channels
        self.blocks = Sequential(*blocks)
        self.fc = Linear(channels, num_classes, generator=generator)

    def forward(self, x: Tensor) -> Tensor:
        x = relu(self.bn1(self.conv1(x)))  # (N, w, H, W)
        x = self.blocks(x)  # (N, w * 2^(stages-1), H / 2^(stages-1), W / ...)
        x = x.mean(dim=(2, 3))  # global average pool: (N, channels)
        return self.fc(x)

    def extra_repr(self) -> str:
        return f"layers={self.layers}, width={self.width}"
