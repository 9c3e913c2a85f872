"""The fuzz table of every `glassnet.nn` layer against the torch layer of the same name.

`layer(name, args, inputs)` declares one: both layers are built with `args` (the torch one from a
fixed seed, the glassnet one then given the same parameters and buffers, matched by name), and
called on the case's inputs. To add a layer: one line in LAYERS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import glassnet.nn as gnn
from tests.fuzz.cases import channels, float_input, unary
from tests.fuzz.harness import Case, Spec, arrays, shapes
from tests.fuzz.table_nn import (
    ACTIVATION_SPEC,
    CANCEL,
    MOSTLY_F32,
    OVERFLOW,
    RMS,
    _torch_bipolar,
    _torch_step,
)


def _copy_parameters(g_layer: Any, t_layer: torch.nn.Module) -> None:
    g_tensors = dict(g_layer.named_parameters())
    g_tensors.update(dict(g_layer.named_buffers()))
    for name, value in t_layer.state_dict().items():
        if name in g_tensors and g_tensors[name] is not None:
            g_tensors[name]._data[...] = value.detach().numpy()


def _build(name: str, args: tuple, kwargs: dict) -> tuple:
    torch.manual_seed(0)
    t_layer = getattr(torch.nn, name)(*args, **kwargs)
    g_layer = getattr(gnn, name)(*args, **kwargs)
    _copy_parameters(g_layer, t_layer)
    return g_layer, t_layer


def layer(name: str, cases: Any, *args: Any, spec: dict | None = None, **kwargs: Any) -> Spec:
    """A Spec calling nn.<name>(*args, **kwargs) on the case's inputs in both libraries
    (`spec`: extra Spec fields, e.g. huge=False)."""

    def g(*inputs: Any) -> Any:
        return _build(name, args, kwargs)[0](*inputs)

    def t(*inputs: Any) -> Any:
        return _build(name, args, kwargs)[1](*inputs)

    return Spec(f"nn.{name}", g, t, cases, **(spec or {}))


def _last(n: int, max_lead: int = 2):
    """Shapes (*, n): the layer's feature size last (and, sometimes, a wrong one)."""
    return st.tuples(shapes(max_dims=max_lead), st.sampled_from([n, n, n, n + 1])).map(
        lambda p: p[0] + (p[1],)
    )


def _x(shape_st: Any) -> Any:
    return float_input(shape_st, dtypes=MOSTLY_F32)


@st.composite
def _seq(draw, features: int, n_inputs: int = 1):
    """(L, N, features) or (L, features) sequences, the same L and N for every input."""
    lead = draw(st.sampled_from([(2, 1), (3,), (1, 2), (0, 1), (2, 0)]))
    f = draw(st.sampled_from([features] * 5 + [features + 1]))
    dt = draw(st.sampled_from(MOSTLY_F32))
    xs = [draw(arrays(shape=lead + (f,), dtypes=[dt])) for _ in range(n_inputs)]
    return Case(tuple(xs))


@st.composite
def _indices(draw, n: int):
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    low = -1 if draw(st.integers(0, 5)) == 0 else 0
    return Case((rng.integers(low, n + (draw(st.integers(0, 5)) == 0), draw(shapes(max_dims=2))),))


@st.composite
def _two(draw):
    x1 = draw(arrays(shape=draw(_last(2, 1)), dtypes=MOSTLY_F32))
    x2 = draw(arrays(shape=x1.shape[:-1] + (3,), dtypes=[str(x1.dtype)]))
    return Case((x1, x2))


LARGE = {"huge": False, "note": OVERFLOW}
BATCH_NORM = {
    "huge": False,
    "grad_if": lambda case: case.args[0].dtype != np.float16,
    "note": f"{OVERFLOW}; float16 gradients not compared: torch's CPU float16 batch norm keeps its "
    "batch statistics in float16 (on a batch of 2 its gradients are 40% off its own float64 "
    "result); glassnet's, computed in float32, agree with float64 (tests/ops/test_norm_float16.py)",
}

ELEMENTWISE = [
    "ReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "ELU", "CELU", "SELU", "LeakyReLU", "Hardtanh",
    "ReLU6", "Hardsigmoid", "Hardswish", "Mish", "Softplus", "Softsign", "LogSigmoid", "Identity",
]  # fmt: skip

LAYERS = [layer(n, unary(), spec=ACTIVATION_SPEC.get(n.lower())) for n in ELEMENTWISE] + [
    layer("Softmax", unary(), dim=-1),
    layer("LogSoftmax", unary(), dim=-1),
    layer("PReLU", _x(channels(2, 4, c=1))),
    layer("Flatten", unary()),
    layer("Unflatten", _x(channels(2, 3, c=4)), 1, (2, 2)),
    layer("Linear", _x(_last(3)), 3, 2),
    layer("Bilinear", _two(), 2, 3, 4, spec=LARGE),
    layer("Conv1d", _x(channels(2, 3, c=2)), 2, 3, 2),
    layer("Conv2d", _x(channels(3, 4, c=2)), 2, 3, 2, padding=1),
    layer("ConvTranspose1d", _x(channels(2, 3, c=2)), 2, 3, 2),
    layer("ConvTranspose2d", _x(channels(3, 4, c=2)), 2, 3, 2, stride=2),
    layer("MaxPool1d", _x(channels(2, 3)), 2),
    layer("MaxPool2d", _x(channels(3, 4)), 2),
    layer("AvgPool1d", _x(channels(2, 3)), 2),
    layer("AvgPool2d", _x(channels(3, 4)), 2),
    layer("AdaptiveAvgPool2d", _x(channels(3, 4)), (2, 3), spec={"huge": False, "note": CANCEL}),
    layer("BatchNorm1d", _x(channels(2, 3, c=3)), 3, spec=BATCH_NORM),
    layer("BatchNorm2d", _x(channels(4, 4, c=3)), 3, spec=BATCH_NORM),
    layer("LayerNorm", _x(_last(3)), 3, spec=LARGE),
    layer("GroupNorm", _x(channels(2, 4, c=4)), 2, 4, spec=LARGE),
    layer("RMSNorm", _x(_last(3)), 3, spec={**LARGE, **RMS}),
    layer("Dropout", unary(), 0.0),
    layer("Dropout2d", _x(channels(3, 4)), 0.0),
    layer("Embedding", _indices(5), 5, 3),
    layer("RNN", _seq(3), 3, 4),
    layer("LSTM", _seq(3), 3, 4),
    layer("GRU", _seq(3), 3, 4),
    layer("RNNCell", _x(_last(3, 1)), 3, 4),
    layer("LSTMCell", _x(_last(3, 1)), 3, 4),
    layer("GRUCell", _x(_last(3, 1)), 3, 4),
    layer("MultiheadAttention", _seq(4, 3), 4, 2),
    Spec("nn.Step", lambda x: gnn.Step()(x), _torch_step, unary(), note="perceptron unit"),
    Spec("nn.Sign", lambda x: gnn.Sign()(x), _torch_bipolar, unary(), note="bipolar step"),
    layer("TransformerEncoderLayer", _seq(4), 4, 2, dim_feedforward=8, dropout=0.0, spec=LARGE),
    layer("TransformerDecoderLayer", _seq(4, 2), 4, 2, dim_feedforward=8, dropout=0.0, spec=LARGE),
    layer("Transformer", _seq(4, 2), 4, 2, 1, 1, 8, 0.0, spec=LARGE),
]
