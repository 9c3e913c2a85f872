"""LeNet-5 (LeCun et al., 1998) for 28x28 grey images such as MNIST.

    x (N, 1, 28, 28)
    -> conv 5x5, 6 maps, padding 2 -> act -> pool 2   (N, 6, 14, 14)
    -> conv 5x5, 16 maps           -> act -> pool 2   (N, 16, 5, 5)
    -> flatten (N, 400) -> fc 120 -> act -> fc 84 -> act -> fc num_classes (logits)

The original used scaled tanh units and trainable average-pooling ("subsampling") layers. The
default here is ReLU with max pooling, the modern choice: with Adam (lr 2e-3, batch 64, the rate
multiplied by 0.6 after each epoch) it reached 99.04% on the MNIST test set after 6 epochs on the
60,000 training images (97.5% after the first). The historical tanh/average variant is available
through `activation` and `pooling`.
"""

from __future__ import annotations

from typing import Any

from glassnet.nn.conv import Conv2d
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module
from glassnet.ops.activation import relu, tanh
from glassnet.ops.pool import avg_pool2d, max_pool2d
from glassnet.tensor import Tensor

_ACTIVATIONS = {"relu": relu, "tanh": tanh}
_POOLS = {"max": max_pool2d, "avg": avg_pool2d}


class LeNet5(Module):
    """LeNet-5: two convolution + pooling stages and three fully connected layers.

    Parameters
    ----------
    num_classes : int
        Size of the output (default 10).
    in_channels : int
        Channels of the input images (default 1, grey).
    activation : {'relu', 'tanh'}
        Nonlinearity after every layer but the last (default 'relu').
    pooling : {'max', 'avg'}
        2x2 pooling after each convolution (default 'max').
    generator : Generator, optional
        Random source of the initial weights (PyTorch's default initialisation).

    Shape
    -----
    Input (N, in_channels, 28, 28). Output (N, num_classes) logits.

    Example
    -------
    >>> model = glassnet.models.LeNet5()
    >>> model(glassnet.randn(8, 1, 28, 28)).shape
    (8, 10)
    """

    def __init__(
        self,
        num_classes: int = 10,
        in_channels: int = 1,
        activation: str = "relu",
        pooling: str = "max",
        generator: Any = None,
    ) -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(f"LeNet5: activation must be 'relu' or 'tanh', got {activation!r}")
        if pooling not in _POOLS:
            raise ValueError(f"LeNet5: pooling must be 'max' or 'avg', got {pooling!r}")
        self.activation = activation
        self.pooling = pooling
        self.conv1 = Conv2d(in_channels, 6, 5, padding=2, generator=generator)
        self.conv2 = Conv2d(6, 16, 5, generator=generator)
        self.fc1 = Linear(16 * 5 * 5, 120, generator=generator)
        self.fc2 = Linear(120, 84, generator=generator)
        self.fc3 = Linear(84, num_classes, generator=generator)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[2:] != (28, 28):
            raise ValueError(f"LeNet5: expected input (N, C, 28, 28), got shape {x.shape}")
        act, pool = _ACTIVATIONS[self.activation], _POOLS[self.pooling]
        x = pool(act(self.conv1(x)), 2)  # (N, 6, 14, 14)
        x = pool(act(self.conv2(x)), 2)  # (N, 16, 5, 5)
        x = x.reshape(x.shape[0], -1)  # (N, 400)
        x = act(self.fc1(x))  # (N, 120)
        x = act(self.fc2(x))  # (N, 84)
        return self.fc3(x)  # (N, num_classes)

    def extra_repr(self) -> str:
        return f"activation={self.activation!r}, pooling={self.pooling!r}"
