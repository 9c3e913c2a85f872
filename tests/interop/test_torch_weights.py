"""Weights both ways between glassnet and PyTorch, through files: a state_dict saved by
`glassnet.save` loads into the equivalent `torch.nn` model with `safetensors.torch.load_file`,
and one saved by `safetensors.torch.save_file` loads into glassnet with `glassnet.load`, with
identical outputs either way."""

import numpy as np
import pytest
import safetensors.torch
import torch

import glassnet
from benchmarks.workloads import torch_models
from glassnet import nn
from glassnet.models import GPT, MLP, GPTConfig, LeNet5, Perceptron, ResNet
from tests.models.test_gpt import TorchGPT


class TorchPerceptron(torch.nn.Module):
    """Rosenblatt's unit in torch: s = x . w + b, with glassnet's parameter shapes."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(in_features))
        self.bias = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x):
        return x @ self.weight + self.bias


def _gpt_config():
    return GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8, dropout=0.0)


# name: (glassnet model, torch twin, input)
MODELS = {
    "mlp": (
        lambda: MLP(6, [5, 4], 3),
        lambda: torch.nn.Sequential(
            torch.nn.Linear(6, 5),
            torch.nn.ReLU(),
            torch.nn.Linear(5, 4),
            torch.nn.ReLU(),
            torch.nn.Linear(4, 3),
        ),
        lambda rng: rng.standard_normal((4, 6)),
    ),
    "perceptron": (
        lambda: Perceptron(3),
        lambda: TorchPerceptron(3),
        lambda rng: rng.standard_normal((5, 3)),
    ),
    "lenet5": (LeNet5, lambda: torch_models.lenet5(torch), lambda rng: rng.random((2, 1, 28, 28))),
    "resnet": (
        lambda: ResNet((1, 1), width=4),
        lambda: torch_models.resnet(torch, layers=(1, 1), width=4),
        lambda rng: rng.random((2, 1, 12, 12)),
    ),
    "gpt": (
        lambda: GPT(_gpt_config()),
        lambda: TorchGPT(_gpt_config()),
        lambda rng: rng.integers(0, 11, (2, 8)),
    ),
}

# name: (glassnet layer, torch layer, input shape)
LAYERS = {
    "Linear": (lambda m: m.Linear(5, 3), (4, 5)),
    "Bilinear": (lambda m: m.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    "Conv1d": (lambda m: m.Conv1d(2, 3, 3, padding=1), (2, 2, 7)),
    "Conv2d": (lambda m: m.Conv2d(2, 4, 3, stride=2, groups=2), (2, 2, 9, 9)),
    "ConvTranspose1d": (lambda m: m.ConvTranspose1d(2, 3, 3, stride=2), (2, 2, 5)),
    "ConvTranspose2d": (lambda m: m.ConvTranspose2d(2, 3, 3, stride=2), (2, 2, 5, 5)),
    "BatchNorm1d": (lambda m: m.BatchNorm1d(4), (6, 4)),
    "BatchNorm2d": (lambda m: m.BatchNorm2d(3), (2, 3, 4, 4)),
    "GroupNorm": (lambda m: m.GroupNorm(2, 4), (2, 4, 3)),
    "LayerNorm": (lambda m: m.LayerNorm(5), (3, 5)),
    "RMSNorm": (lambda m: m.RMSNorm(5), (3, 5)),
    "Embedding": (lambda m: m.Embedding(10, 4), "indices"),
    "PReLU": (lambda m: m.PReLU(3), (2, 3, 4)),
    "RNN": (lambda m: m.RNN(4, 5, num_layers=2, batch_first=True), (2, 3, 4)),
    "LSTM": (lambda m: m.LSTM(4, 5, batch_first=True, bidirectional=True), (2, 3, 4)),
    "GRU": (lambda m: m.GRU(4, 5), (3, 2, 4)),
    "RNNCell": (lambda m: m.RNNCell(4, 5), (2, 4)),
    "LSTMCell": (lambda m: m.LSTMCell(4, 5), (2, 4)),
    "GRUCell": (lambda m: m.GRUCell(4, 5), (2, 4)),
    "MultiheadAttention": (lambda m: m.MultiheadAttention(8, 2, batch_first=True), "attention"),
    "SyncBatchNorm": (lambda m: m.SyncBatchNorm(3), (2, 3, 4)),
    "TransformerDecoderLayer": (
        lambda m: m.TransformerDecoderLayer(
            8, 2, dim_feedforward=16, dropout=0.0, batch_first=True
        ),
        [(2, 3, 8), (2, 4, 8)],
    ),
    "Transformer": (
        lambda m: m.Transformer(
            8,
            2,
            num_encoder_layers=1,
            num_decoder_layers=1,
            dim_feedforward=16,
            dropout=0.0,
            batch_first=True,
        ),
        [(2, 4, 8), (2, 3, 8)],
    ),
    "TransformerEncoderLayer": (
        lambda m: m.TransformerEncoderLayer(
            8, 2, dim_feedforward=16, dropout=0.0, batch_first=True
        ),
        (2, 3, 8),
    ),
}


def _torch_inputs(spec, rng):
    if spec == "indices":
        return (torch.tensor(rng.integers(0, 10, (3, 4))),)
    if spec == "attention":
        x = torch.tensor(rng.standard_normal((2, 3, 8)), dtype=torch.float32)
        return (x, x, x)
    shapes = spec if isinstance(spec, list) else [spec]
    return tuple(torch.tensor(rng.standard_normal(s), dtype=torch.float32) for s in shapes)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _run_both(g_model, t_model, inputs):
    g_model.eval()
    t_model.eval()
    with torch.no_grad():
        expected = _first(t_model(*inputs)).numpy()
    with glassnet.no_grad():
        got = _first(g_model(*[glassnet.tensor(x.numpy()) for x in inputs])).numpy()
    return got, expected


def _check_both_ways(tmp_path, g_model, t_model, inputs):
    # glassnet -> file -> torch
    glassnet.save(g_model.state_dict(), tmp_path / "from_glassnet.safetensors")
    t_model.load_state_dict(safetensors.torch.load_file(tmp_path / "from_glassnet.safetensors"))
    got, expected = _run_both(g_model, t_model, inputs)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)  # float32 sums
    # torch (changed weights) -> file -> glassnet
    torch.manual_seed(0)
    with torch.no_grad():
        for p in t_model.parameters():
            p.add_(0.01 * torch.randn_like(p))
    state = {k: v.clone() for k, v in t_model.state_dict().items()}  # (tied weights: copies)
    safetensors.torch.save_file(state, tmp_path / "from_torch.safetensors")
    g_model.load_state_dict(glassnet.load(tmp_path / "from_torch.safetensors"))
    got, expected = _run_both(g_model, t_model, inputs)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)  # float32 sums


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_weights_both_ways(tmp_path, name):
    make_glassnet, make_torch, make_input = MODELS[name]
    rng = np.random.default_rng(0)
    g_model, t_model = make_glassnet(), make_torch()
    with torch.no_grad():  # a perceptron starts at zero: give it weights worth comparing
        for p in g_model.parameters():
            p.data.copy_(glassnet.tensor(rng.standard_normal(p.shape) * 0.3))
    x = make_input(rng)
    inputs = (torch.tensor(x) if x.dtype.kind == "i" else torch.tensor(x, dtype=torch.float32),)
    _check_both_ways(tmp_path, g_model, t_model, inputs)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_weights_both_ways(tmp_path, name):
    make, spec = LAYERS[name]
    rng = np.random.default_rng(1)
    g_layer, t_layer = make(nn), make(torch.nn)
    assert sorted(g_layer.state_dict()) == sorted(t_layer.state_dict())
    _check_both_ways(tmp_path, g_layer, t_layer, _torch_inputs(spec, rng))


def _has_state(cls) -> bool:
    """Does a layer of this class, built with the first arguments it takes, hold weights?"""
    for args in ((4, 4, 3), (4, 2), (4,), ()):
        try:
            return bool(cls(*args).state_dict())
        except (TypeError, ValueError):
            continue
    return False


def test_every_layer_with_weights_is_covered():
    import inspect

    containers = {"Module", "Sequential", "ModuleList", "ModuleDict", "RNNBase"}
    layers = {
        name
        for name, cls in vars(nn).items()
        if inspect.isclass(cls) and issubclass(cls, nn.Module) and name not in containers
        if hasattr(torch.nn, name) and not name.endswith("Loss") and _has_state(cls)
    }
    assert layers <= set(LAYERS), sorted(layers - set(LAYERS))
