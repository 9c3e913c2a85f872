"""Recurrent layers: RNN, LSTM, GRU (stacked, optionally bidirectional) and their single cells.

Each layer and direction is one node of the graph (`glassnet.ops.recurrent`), whose forward runs
the loop over time and whose backward runs it back (backpropagation through time). The modules
here hold the parameters, under PyTorch's names and layouts, and wire layers and directions:

    layer 0 reads x;  layer k > 0 reads the outputs of layer k-1 (both directions side by side,
    after dropout when training);  output = the last layer's outputs;
    h_n[k * D + d] = the final state of layer k in direction d (the reverse direction ends at t=0).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn import init
from glassnet.nn.module import Module, Parameter
from glassnet.nn.utils.rnn import PackedSequence, pad_packed_sequence
from glassnet.ops import cat, stack, transpose, unsqueeze, zeros
from glassnet.ops.dropout import dropout
from glassnet.ops.recurrent import GRULayer, LSTMLayer, RNNLayer
from glassnet.tensor import Tensor

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _run_layer(mode: str, x: Tensor, h0: Tensor, c0: Tensor | None, weights: list, reverse: bool):
    """One layer, one direction, time-major x (T, B, I). Returns (outputs (T, B, H), h_T, c_T)."""
    if mode == "LSTM":
        hc = LSTMLayer.apply(x, h0, c0, *weights, reverse=reverse)  # (T, B, 2H): h_t | c_t
        H = h0.shape[-1]
        last = 0 if reverse else x.shape[0] - 1
        return hc[:, :, :H], hc[last, :, :H], hc[last, :, H:]
    if mode == "GRU":
        hs = GRULayer.apply(x, h0, *weights, reverse=reverse)
    else:
        nonlinearity = "tanh" if mode == "RNN_TANH" else "relu"
        hs = RNNLayer.apply(x, h0, *weights, nonlinearity=nonlinearity, reverse=reverse)
    return hs, hs[0 if reverse else x.shape[0] - 1], None


class RNNBase(Module):
    """The common part of RNN, LSTM and GRU: parameters, argument checks, layers and directions.

    Parameters (per layer k, with suffix "_reverse" for the backward direction): weight_ih_l{k}
    (G*H, I_k), weight_hh_l{k} (G*H, H), bias_ih_l{k} and bias_hh_l{k} (G*H,), G the number of
    gates, I_0 = input_size and I_k = D*H above; all drawn from U(-1/sqrt(H), 1/sqrt(H)).
    """

    def __init__(
        self,
        mode: str,
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
        super().__init__()
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"{name}: hidden_size must be a positive int, got {hidden_size!r}")
        if not isinstance(input_size, int) or input_size <= 0:
            raise ValueError(f"{name}: input_size must be a positive int, got {input_size!r}")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be a positive int, got {num_layers!r}")
        if not 0.0 <= dropout <= 1.0 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout must be a number in [0, 1], got {dropout!r}")
        if proj_size != 0:
            raise ValueError(f"{name}: proj_size is not supported (use proj_size=0)")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"{name}: dropout={dropout} acts only between layers, so it does nothing with "
                f"num_layers=1",
                stacklevel=2,
            )
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._name = name
        dtype = _dtypes.get_default_dtype() if dtype is None else _dtypes.to_dtype(dtype)
        G = _GATES[mode]
        D = 2 if bidirectional else 1
        self._flat_weights_names: list[list[str]] = []  # per (layer, direction)
        for k in range(num_layers):
            layer_in = input_size if k == 0 else D * hidden_size
            for d in range(D):
                suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
                shapes = {
                    "weight_ih" + suffix: (G * hidden_size, layer_in),
                    "weight_hh" + suffix: (G * hidden_size, hidden_size),
                }
                if bias:
                    shapes["bias_ih" + suffix] = (G * hidden_size,)
                    shapes["bias_hh" + suffix] = (G * hidden_size,)
                for pname, shape in shapes.items():
                    setattr(self, pname, Parameter(np.empty(shape, dtype=dtype)))
                self._flat_weights_names.append(list(shapes))
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Any = None) -> None:
        """Every weight and bias from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for names in self._flat_weights_names:
            for pname in names:
                init.uniform_(getattr(self, pname), -bound, bound, generator=generator)

    def flatten_parameters(self) -> None:
        """A no-op, as PyTorch's on the CPU: there it packs the weights into the one contiguous
        buffer cuDNN wants, which a NumPy engine never needs. Kept so that scripts calling it
        (often inside `forward`, after `DataParallel` or `load_state_dict`) run unchanged."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, n) for n in names] for names in self._flat_weights_names]

    def _check_state(self, h: Tensor, expected: tuple, what: str) -> None:
        if tuple(h.shape) != expected:
            raise ValueError(
                f"{self._name}: expected {what} of shape {expected}, got {tuple(h.shape)}"
            )

    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        name = self._name
        D = 2 if self.bidirectional else 1
        if input.ndim not in (2, 3):
            raise ValueError(
                f"{name}: expected a 2-D (unbatched) or 3-D (batched) input, got shape "
                f"{tuple(input.shape)}"
            )
        if input.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}(input_size={self.input_size}): input has {input.shape[-1]} features "
                f"(shape {tuple(input.shape)})"
            )
        batched = input.ndim == 3
        x = input if batched else unsqueeze(input, 1)
        if batched and self.batch_first:
            x = transpose(x, 0, 1)  # (B, T, I) -> (T, B, I)
        B = x.shape[1]
        h0, c0 = self._initial_states(hx, B, batched, x.dtype)
        h_n, c_n = [], []
        for k in range(self.num_layers):
            if k > 0 and self.dropout > 0 and self.training:
                x = dropout(x, self.dropout, training=True)
            outputs = []
            for d in range(D):
                i = k * D + d
                weights = [getattr(self, n) for n in self._flat_weights_names[i]]
                c_i = None if c0 is None else c0[i]
                y, h_last, c_last = _run_layer(self.mode, x, h0[i], c_i, weights, d == 1)
                outputs.append(y)
                h_n.append(h_last)
                c_n.append(c_last)
            x = outputs[0] if D == 1 else cat(outputs, dim=2)  # (T, B, D*H)
        output = x
        h_n = stack(h_n)  # (num_layers * D, B, H)
        if self.mode == "LSTM":
            c_n = stack(c_n)
        if batched and self.batch_first:
            output = transpose(output, 0, 1)  # (T, B, D*H) -> (B, T, D*H)
        if not batched:
            output, h_n = output[:, 0], h_n[:, 0]
            if self.mode == "LSTM":
                c_n = c_n[:, 0]
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple:
        """A packed batch: each sequence runs alone over its own length (one pass per sequence,
        so each direction starts and stops where its sequence does); the outputs are packed like
        the input and h_n (c_n) follow the input's original batch order."""
        x, lengths = pad_packed_sequence(packed._replace(unsorted_indices=None))  # sorted order
        order = packed.sorted_indices
        if hx is not None and order is not None:  # the caller's states are in original order
            hx = tuple(h[:, order] for h in hx) if isinstance(hx, tuple) else hx[:, order]
        batch_first, self.batch_first = self.batch_first, False
        try:
            runs = []
            for b, L in enumerate(lengths.tolist()):
                h_b = (
                    None
                    if hx is None
                    else (
                        tuple(h[:, b : b + 1] for h in hx)
                        if isinstance(hx, tuple)
                        else hx[:, b : b + 1]
                    )
                )
                runs.append(self.forward(x[:L, b : b + 1], h_b))
        finally:
            self.batch_first = batch_first
        sizes = packed.batch_sizes.tolist()
        data = cat([cat([runs[b][0][t] for b in range(n)]) for t, n in enumerate(sizes)])
        states = [r[1] if isinstance(r[1], tuple) else (r[1],) for r in runs]
        final = [cat([s[j] for s in states], dim=1) for j in range(len(states[0]))]
        if packed.unsorted_indices is not None:
            final = [h[:, packed.unsorted_indices] for h in final]
        output = packed._replace(data=data)
        return (output, tuple(final)) if self.mode == "LSTM" else (output, final[0])

    def _initial_states(self, hx: Any, B: int, batched: bool, dtype: np.dtype) -> tuple:
        """(h0, c0) as (num_layers * D, B, H) tensors; zeros where not given."""
        D = 2 if self.bidirectional else 1
        shape = (self.num_layers * D, B, self.hidden_size)
        given = shape if batched else (shape[0], shape[2])
        if self.mode == "LSTM":
            if hx is None:
                return zeros(*shape, dtype=dtype), zeros(*shape, dtype=dtype)
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0)")
            h0, c0 = hx
            self._check_state(h0, given, "h_0")
            self._check_state(c0, given, "c_0")
            if not batched:
                h0, c0 = unsqueeze(h0, 1), unsqueeze(c0, 1)
            return h0, c0
        if hx is None:
            return zeros(*shape, dtype=dtype), None
        if not isinstance(hx, Tensor):
            raise TypeError(f"{self._name}: hx must be a tensor, got {type(hx).__name__}")
        self._check_state(hx, given, "hx")
        return (hx if batched else unsqueeze(hx, 1)), None

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


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
        G = _GATES[mode]
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
        _, h, c = _run_layer(self.mode, unsqueeze(x, 0), states[0], c0, weights, False)
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
