"""The multi-layer perceptron: Linear layers with a nonlinearity between them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from glassnet.nn import activation as activation_layers
from glassnet.nn.activation_info import describe
from glassnet.nn.containers import Sequential
from glassnet.nn.dropout import Dropout
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module


def _activation(activation: str | Module | Callable[[], Module]) -> Module:
    """A fresh activation layer from a name ('relu', 'gelu_tanh', 'swish': any name of the
    activation registry), a layer class or factory (nn.Tanh), or a layer to copy (nn.ELU(0.5))."""
    if isinstance(activation, str):
        try:
            info = describe(activation)
        except ValueError as err:
            raise ValueError(f"MLP: {str(err).removeprefix('describe: ')}") from None
        return getattr(activation_layers, info.module)(**info.module_kwargs)
    if isinstance(activation, Module):
        return copy.deepcopy(activation)  # each layer its own (a PReLU's slope is learned)
    if callable(activation):
        layer = activation()
        if isinstance(layer, Module):
            return layer
    raise TypeError(
        f"MLP: activation must be a name or a Module class, got {type(activation).__name__}"
    )


class MLP(Sequential):
    """A multi-layer perceptron: affine layers with a nonlinearity (and optional dropout)
    between them, and a plain affine output layer (logits, for a loss such as cross-entropy).

    h_0 = x,   h_l = dropout(act(W_l h_{l-1} + b_l)) for each hidden layer,   y = W_L h_{L-1} + b_L

    Without the nonlinearity the stack would collapse into a single linear map; with it, one
    hidden layer already approximates any continuous function on a bounded set, given width.

    It is a `Sequential`, so its state_dict keys are PyTorch's for the same stack
    (`0.weight`, `0.bias`, `2.weight`, ... without dropout).

    Parameters
    ----------
    in_features : int
        Size of each input.
    hidden_sizes : sequence of int
        Width of each hidden layer (empty: a linear model).
    out_features : int
        Size of each output (the number of classes for classification).
    activation : str, Module class or Module
        A name from the activation registry, `glassnet.nn.activation.describe` ('relu', the
        default; 'tanh', 'sigmoid', 'gelu', 'leaky_relu', ...), a layer class such as `nn.Tanh`,
        or a layer to copy for every hidden layer, such as `nn.LeakyReLU(0.2)`.
    dropout : float
        Dropout probability after each hidden activation (0: no Dropout layers).
    bias : bool
        Give every Linear layer a bias.
    dtype : dtype, optional
        Of the parameters (default float32).
    generator : Generator, optional
        Random source of the initial weights and of dropout masks.

    Shape
    -----
    Input: (*, in_features). Output: (*, out_features).

    Example
    -------
    >>> model = glassnet.models.MLP(64, [128, 64], 10, activation="relu", dropout=0.1)
    >>> model(glassnet.randn(32, 64)).shape
    (32, 10)
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int],
        out_features: int,
        activation: str | Callable[[], Module] = "relu",
        dropout: float = 0.0,
        bias: bool = True,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        if isinstance(hidden_sizes, int) or not all(isinstance(h, int) for h in hidden_sizes):
            raise TypeError(
                f"MLP: hidden_sizes must be a sequence of ints, such as [128, 64], "
                f"got {hidden_sizes!r}"
            )
        if not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"MLP: dropout must be in [0, 1), got {dropout!r}")
        layers: list[Module] = []
        sizes = [in_features, *hidden_sizes]
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers.append(Linear(n_in, n_out, bias=bias, dtype=dtype, generator=generator))
            layers.append(_activation(activation))
            if dropout > 0:
                layers.append(Dropout(dropout, generator=generator))
        layers.append(Linear(sizes[-1], out_features, bias=bias, dtype=dtype, generator=generator))
        super().__init__(*layers)
        self.in_features = in_features
        self.hidden_sizes = tuple(hidden_sizes)
        self.out_features = out_features
