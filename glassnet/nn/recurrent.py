"""Recurrent layers: RNN, LSTM, GRU (stacked, optionally bidirectional) and their single cells.

Each layer and direction is one node of the graph (`glassnet.ops.recurrent`), whose forward runs
the loop over time and whose backward runs it back (backpropagation through time). The modules
here hold the parameters, under PyTorch's names and layouts, and wire layers and directions:

    layer 0 reads x;  layer k > 0 reads the outputs of layer k-1 (both directions side by side,
    after dropout when training);  output = the last layer's outputs;
    h_n[k * D + d] = the final state of layer k in direction d (the reverse direction ends at t=0).

    recurrent_base.py    RNNBase: parameters, layers and directions
    recurrent.py         RNN, LSTM, GRU (the update of each, in its docstring)
    recurrent_cells.py   RNNCell, LSTMCell, GRUCell
"""

from __future__ import annotations

from typing import Any

from glassnet.nn.recurrent_base import RNNBase
from glassnet.nn.recurrent_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu.

    Parameters
    ----------
    input_size, hidden_size : int
        Features of x_t and of h_t.
    num_layers : int
        Stacked layers (default 1).
    nonlinearity : str
        'tanh' (default) or 'relu'.
    bias, batch_first, dropout, bidirectional
        As in PyTorch. `dropout` acts on the outputs of every layer but the last, in training.
    dtype, generator
        Parameter dtype and the random source of the initial weights.

    Shape
    -----
    input: (T, B, I), or (B, T, I) with batch_first, or (T, I) unbatched;
    hx: (num_layers * D, B, H) (D = 2 if bidirectional else 1), optional;
    returns (output, h_n): output (T, B, D*H) (batch first if batch_first), h_n like hx.

    Example
    -------
    >>> rnn = nn.RNN(10, 20, num_layers=2, batch_first=True)
    >>> output, h_n = rnn(glassnet.randn(3, 5, 10))      # (3, 5, 20), (2, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r}, choose 'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        super().__init__(
            modes[nonlinearity],
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            dtype=dtype,
            generator=generator,
        )


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o, PyTorch's order and layout):

        i = sigma(W_ii x + b_ii + W_hi h + b_hi)     f = sigma(W_if x + b_if + W_hf h + b_hf)
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)      o = sigma(W_io x + b_io + W_ho h + b_ho)
        c_t = f c_{t-1} + i g                        h_t = o tanh(c_t)

    Parameters and shapes as `RNN`, except that the state is a pair: hx = (h_0, c_0) and the
    result is (output, (h_n, c_n)). `proj_size` is not supported.

    Example
    -------
    >>> lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    >>> output, (h_n, c_n) = lstm(glassnet.randn(5, 3, 10))   # (5, 3, 40), (4, 3, 20) each
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            dtype=dtype,
            generator=generator,
        )


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n, PyTorch's order and layout):

        r = sigma(W_ir x + b_ir + W_hr h + b_hr)     z = sigma(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r (W_hn h + b_hn))  h_t = (1 - z) n + z h_{t-1}

    Parameters and shapes as `RNN`; returns (output, h_n).

    Example
    -------
    >>> gru = nn.GRU(10, 20, batch_first=True)
    >>> output, h_n = gru(glassnet.randn(3, 5, 10))      # (3, 5, 20), (1, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        dtype: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            dtype=dtype,
            generator=generator,
        )


__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]
