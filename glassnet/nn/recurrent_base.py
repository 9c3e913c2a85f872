"""RNNBase: the parameters (PyTorch's names and layouts) and the wiring of stacked, optionally
bidirectional recurrent layers, shared by RNN, LSTM and GRU; each layer and direction runs as one
op of `glassnet.ops.recurrent`."""

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

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}  # hidden_size row blocks per weight


def run_layer(mode: str, x: Tensor, h0: Tensor, c0: Tensor | None, weights: list, reverse: bool):
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


def _check_arguments(
    name: str, input_size: int, hidden_size: int, num_layers: int, dropout: float, proj_size: int
) -> None:
    """Positive int sizes, dropout in [0, 1], no projection; warns of dropout with one layer."""
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
            stacklevel=3,  # the caller of RNNBase.__init__, as before this helper existed
        )


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
        _check_arguments(name, input_size, hidden_size, num_layers, dropout, proj_size)
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
        D = 2 if bidirectional else 1
        self._flat_weights_names: list[list[str]] = []  # per (layer, direction)
        for k in range(num_layers):
            layer_in = input_size if k == 0 else D * hidden_size
            for d in range(D):
                suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
                self._flat_weights_names.append(
                    self._add_cell_parameters(suffix, GATES[mode], layer_in, dtype)
                )
        self.reset_parameters(generator)

    def _add_cell_parameters(self, suffix: str, G: int, layer_in: int, dtype: Any) -> list[str]:
        """One direction of one layer: weight_ih (G*H, I), weight_hh (G*H, H), the biases (G*H,).

        The parameters are left uninitialised (see `reset_parameters`); returns their names.
        """
        H = self.hidden_size
        shapes = {"weight_ih" + suffix: (G * H, layer_in), "weight_hh" + suffix: (G * H, H)}
        if self.bias:
            shapes["bias_ih" + suffix] = (G * H,)
            shapes["bias_hh" + suffix] = (G * H,)
        for pname, shape in shapes.items():
            setattr(self, pname, Parameter(np.empty(shape, dtype=dtype)))
        return list(shapes)

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
                y, h_last, c_last = run_layer(self.mode, x, h0[i], c_i, weights, d == 1)
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
