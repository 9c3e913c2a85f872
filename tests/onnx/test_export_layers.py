"""Every exportable layer: onnxruntime's outputs match glassnet's (and so does the model loaded
back with glassnet.onnx.load), at the example's batch size and at another one."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet import nn
from tests.onnx.helpers import check_roundtrip

rng = np.random.default_rng(0)


def randn(*shape):
    return glassnet.tensor(rng.standard_normal(shape).astype(np.float32))


def seq(*layers):
    return nn.Sequential(*layers)


LAYERS = {
    "linear": (lambda: nn.Linear(4, 3), (5, 4)),
    "linear_3d_no_bias": (lambda: nn.Linear(4, 3, bias=False), (2, 3, 4)),
    "conv1d": (lambda: nn.Conv1d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2), (2, 2, 15)),
    "conv2d": (
        lambda: nn.Conv2d(2, 6, (3, 2), stride=(2, 1), padding=(1, 0), groups=2),
        (2, 2, 9, 8),
    ),
    "conv2d_dilated": (lambda: nn.Conv2d(3, 2, 3, dilation=2, bias=False), (2, 3, 9, 9)),
    "conv_transpose2d": (
        lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1),
        (2, 2, 4, 5),
    ),
    "conv_transpose1d": (lambda: nn.ConvTranspose1d(4, 2, 3, stride=2, groups=2), (2, 4, 6)),
    "maxpool2d": (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 2, 8, 8)),
    "maxpool2d_dilated": (lambda: nn.MaxPool2d(2, dilation=2), (2, 1, 9, 9)),
    "maxpool1d": (lambda: nn.MaxPool1d(2), (2, 3, 9)),
    "avgpool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), (2, 2, 8, 8)),
    "avgpool2d_exclude_pad": (
        lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True),
        (2, 2, 8, 8),
    ),
    "avgpool1d": (lambda: nn.AvgPool1d(2), (2, 3, 8)),
    "adaptive_avgpool_global": (lambda: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 5)),
    "adaptive_avgpool_uneven": (lambda: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 5, 7)),
    "batchnorm2d": (lambda: nn.BatchNorm2d(3), (4, 3, 4, 4)),
    "batchnorm1d_no_affine": (lambda: nn.BatchNorm1d(3, affine=False), (4, 3)),
    "layernorm": (lambda: nn.LayerNorm((3, 4)), (2, 5, 3, 4)),
    "dropout_flatten": (lambda: seq(nn.Dropout(0.5), nn.Flatten(), nn.Linear(12, 2)), (3, 3, 4)),
    "residual_reshape_slice_cat": (lambda: _Residual(), (2, 6)),
    "softmax": (lambda: nn.Softmax(dim=1), (2, 5, 3)),
    "log_softmax": (lambda: nn.LogSoftmax(dim=-1), (2, 5)),
}

ACTIVATIONS = [
    ("ReLU", {}), ("Sigmoid", {}), ("Tanh", {}), ("LeakyReLU", {"negative_slope": 0.2}),
    ("PReLU", {"num_parameters": 6}), ("Hardtanh", {"min_val": -0.5, "max_val": 1.5}),
    ("ReLU6", {}), ("ELU", {"alpha": 0.7}), ("SELU", {}), ("CELU", {"alpha": 1.3}),
    ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Mish", {}),
    ("Softplus", {"beta": 2.0, "threshold": 3.0}), ("Softsign", {}), ("Hardsigmoid", {}),
    ("Hardswish", {}), ("LogSigmoid", {}), ("Step", {}), ("Sign", {}),
]  # fmt: skip


class _Residual(nn.Module):
    """x + f(x), a reshape, slices and a concatenation."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        h = x + self.fc(x).relu()  # (B, 6)
        h = h.reshape(-1, 2, 3)  # (B, 2, 3)
        parts = glassnet.cat([h[:, 1:, :], h[:, :1, 1:2].expand(-1, 1, 3)], dim=1)  # (B, 2, 3)
        return parts.transpose(1, 2).flatten(1) * 2.0


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_onnxruntime(name):
    make, shape = LAYERS[name]
    glassnet.manual_seed(0)
    model = make()
    for m in model.modules():  # non-trivial statistics for batch norm
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean._data[:] = rng.standard_normal(m.num_features)
            m.running_var._data[:] = rng.uniform(0.5, 2.0, m.num_features)
    other = (shape[0] + 2,) + shape[1:]
    check_roundtrip(model, (randn(*shape),), (randn(*other),))


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS, ids=lambda v: str(v))
def test_activation_matches_onnxruntime(name, kwargs):
    glassnet.manual_seed(0)
    model = seq(nn.Linear(3, 6), getattr(nn, name)(**kwargs))
    check_roundtrip(model, (3 * randn(4, 3),), (3 * randn(7, 3),))


def test_bilinear_two_inputs():
    glassnet.manual_seed(0)
    check_roundtrip(nn.Bilinear(3, 4, 5), (randn(2, 3), randn(2, 4)), (randn(6, 3), randn(6, 4)))


def test_embedding_takes_integer_indices():
    glassnet.manual_seed(0)
    model = seq(nn.Embedding(10, 4, padding_idx=0), nn.Linear(4, 2))
    idx = glassnet.tensor(rng.integers(0, 10, (2, 3)))
    check_roundtrip(model, (idx,), (glassnet.tensor(rng.integers(0, 10, (5, 3))),))


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_recurrent_outputs_and_final_states(mode):
    glassnet.manual_seed(0)
    model = getattr(nn, mode)(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    check_roundtrip(model, (randn(2, 5, 3),), (randn(3, 5, 3),))


def test_recurrent_with_given_initial_state():
    glassnet.manual_seed(0)
    model = nn.LSTM(3, 4)
    x, h0, c0 = randn(5, 2, 3), randn(1, 2, 4), randn(1, 2, 4)

    class WithState(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = model

        def forward(self, x, h0, c0):
            return self.lstm(x, (h0, c0))

    check_roundtrip(WithState(), (x, h0, c0), dynamic=False)


def test_multihead_attention_with_causal_mask():
    glassnet.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)

    class Causal(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = mha

        def forward(self, x):
            mask = nn.generate_square_subsequent_mask(x.shape[1])
            return self.attn(x, x, x, attn_mask=mask, need_weights=True)

    check_roundtrip(Causal(), (randn(2, 5, 8),), (randn(3, 5, 8),))


def test_scaled_dot_product_attention_is_causal():
    class SDPA(nn.Module):
        def forward(self, q, k, v):
            return nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)

    args = (randn(2, 2, 4, 3), randn(2, 2, 4, 3), randn(2, 2, 4, 5))
    check_roundtrip(SDPA(), args, tuple(randn(3, 2, 4, n) for n in (3, 3, 5)))
