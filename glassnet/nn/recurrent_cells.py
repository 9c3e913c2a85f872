"""Single recurrent cells: RNNCell, LSTMCell, GRUCell (one time step; the caller writes the
loop)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn import init
from glassnet.nn.module import Module, Parameter
from glassnet.nn.recurrent_base import GATES, run_layer
from glassnet.ops import unsqueeze, zeros
from glassnet.tensor import Tensor


# ----------------------------------------------------------------------------- single cells
class RNNCellBase(Module):
    """One step of a recurrent layer: parameters weight_ih (G*H, I), weight_hh (G*H, H),
    bias_ih, bias_hh (G*H,), from U(-1/sqrt(H), 1/sqrt(H)). The step is the layer op on T = 1."""

    def __init__(
        self, mode: str, input_size: int, hidden_size: int, bias: bool, dtype: Any, generator: Any
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(input_size, int) or input_size <= 0:
            raise ValueError(f"{name}: input_size must be a positive int, got {input_size!r}")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"{name}: hidden_size must be a positive int, got {hidden_size!r}")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
        G = GATES[mode]
        self.weight_ih = Parameter(np.empty((G * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((G * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(G * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(np.empty(G * hidden_size, dtype=dtype))
        else:
            self.bias_ih = self.bias_hh = None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound, generator=generator)

    def _step(self, input: Tensor, hx: Any) -> tuple:
        """(h', c') for a (B, I) or (I,) input; c' is None except for the LSTM cell."""
        name = type(self).__name__
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}(input_size={self.input_size}): expected input of shape (B, "
                f"{self.input_size}) or ({self.input_size},), got {tuple(input.shape)}"
            )
        batched = input.ndim == 2
        x = input if batched else unsqueeze(input, 0)
        B, H = x.shape[0], self.hidden_size
        states = []
        for i, state in enumerate(hx if self.mode == "LSTM" and hx is not None else (hx,)):
            if state is None:
                states.append(zeros(B, H, dtype=x.dtype))
                continue
            if tuple(state.shape) != ((B, H) if batched else (H,)):
                which = ("h", "c")[i] if self.mode == "LSTM" else "h"
                raise ValueError(
                    f"{name}: expected {which} of shape {(B, H) if batched else (H,)}, "
                    f"got {tuple(state.shape)}"
                )
            states.append(state if batched else unsqueeze(state, 0))
        if self.mode == "LSTM" and len(states) == 1:
            states.append(zeros(B, H, dtype=x.dtype))
        weights = [self.weight_ih, self.weight_hh]
        if self.bias:
            weights += [self.bias_ih, self.bias_hh]
        c0 = states[1] if self.mode == "LSTM" else None
        _, h, c = run_layer(self.mode, unsqueeze(x, 0), states[0], c0, weights, False)
        if not batched:
            h = h[0]
            c = None if c is None else c[0]
        return h, c

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        return s if self.bias else s + ", bias=False"


class RNNCell(RNNCellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.

    Shape
    -----
    input: (B, I) or (I,); hx: (B, H) or (H,), zeros if None; returns h' like hx.

    Example
    -------
    >>> cell = nn.RNNCell(10, 20)
    >>> h = cell(glassnet.randn(3, 10))                  # (3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(
                f"RNNCell: unknown nonlinearity {nonlinearity!r}, choose 'tanh' or 'relu'"
            )
        self.nonlinearity = nonlinearity
        super().__init__(modes[nonlinearity], input_size, hidden_size, bias, dtype, generator)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step (see `LSTM` for the gate equations); returns (h', c').

    Shape
    -----
    input: (B, I) or (I,); hx: a pair (h, c), each (B, H) or (H,), zeros if None.

    Example
    -------
    >>> cell = nn.LSTMCell(10, 20)
    >>> h, c = cell(glassnet.randn(3, 10))               # (3, 20) each
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, dtype, generator)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTMCell: hx must be a tuple (h, c)")
        return self._step(input, hx)


class GRUCell(RNNCellBase):
    """One GRU step (see `GRU` for the gate equations); returns h'.

    Shape
    -----
    input: (B, I) or (I,); hx: (B, H) or (H,), zeros if None; returns h' like hx.

    Example
    -------
    >>> cell = nn.GRUCell(10, 20)
    >>> h = cell(glassnet.randn(3, 10))                  # (3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, dtype, generator)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)[0]
