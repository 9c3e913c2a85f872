"""Models exported by PyTorch (torch.onnx.export, the TorchScript exporter) open in glassnet,
give PyTorch's outputs, train with glassnet.optim and show their backward pass with
glassnet.autograd.trace."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

import glassnet
import glassnet.onnx as gx
from glassnet.autograd import trace
from tests.onnx.helpers import outputs

rng = np.random.default_rng(0)


class CNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding=1),
            torch.nn.BatchNorm2d(4),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(4, 6, 3, stride=2, groups=2),
            torch.nn.AvgPool2d(2, ceil_mode=True),
        )
        self.head = torch.nn.Linear(6, 3)

    def forward(self, x):
        return self.head(
            torch.flatten(torch.nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1)
        )


class Recurrent(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = torch.nn.GRU(10, 4, batch_first=True)
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, h = self.gru(y)
        return self.head(y[:, -1]) + h[0].sum(dim=-1, keepdim=True)


class EncoderLayer(torch.nn.Module):
    """A pre-norm transformer encoder layer with a causal mask. (torch.nn.TransformerEncoderLayer
    itself does not export with the TorchScript exporter of torch 2.13: its is_causal argument
    becomes a tensor.)"""

    def __init__(self):
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(8, 2, batch_first=True)
        self.ln1, self.ln2 = torch.nn.LayerNorm(8), torch.nn.LayerNorm(8)
        self.ff = torch.nn.Sequential(
            torch.nn.Linear(8, 16), torch.nn.GELU(), torch.nn.Linear(16, 8)
        )

    def forward(self, x):
        L = x.shape[1]
        mask = torch.triu(torch.full((L, L), float("-inf")), diagonal=1)
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.ff(self.ln2(x)).softmax(dim=-1)


class Misc(torch.nn.Module):
    """1-d convolutions both ways and most activations."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(2, 4, 3, padding=1, dilation=1)
        self.up = torch.nn.ConvTranspose1d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.prelu = torch.nn.PReLU(3)
        self.acts = torch.nn.ModuleList(
            [
                torch.nn.ELU(0.5), torch.nn.LeakyReLU(0.1), torch.nn.Hardswish(),
                torch.nn.SiLU(), torch.nn.Softplus(), torch.nn.Hardtanh(-0.5, 0.5),
                torch.nn.Sigmoid(), torch.nn.SELU(), torch.nn.Hardsigmoid(), torch.nn.Mish(),
            ]
        )  # fmt: skip

    def forward(self, x):
        h = self.prelu(self.up(torch.tanh(self.conv(x))))  # (B, 3, 2L)
        parts = [act(h) for act in self.acts]
        return torch.log_softmax(torch.cat(parts, dim=1).flatten(1), dim=-1)


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.ReLU(),
        torch.nn.Linear(8, 3),
    )  # fmt: skip


MODELS = {
    "mlp": (mlp, (5, 4)),
    "cnn": (CNN, (2, 1, 12, 12)),
    "recurrent": (Recurrent, (2, 6, 3)),
    "encoder": (EncoderLayer, (2, 5, 8)),
    "misc": (Misc, (2, 2, 6)),
}


def from_torch(name):
    make, shape = MODELS[name]
    torch.manual_seed(0)
    model = make().eval()
    if name == "cnn":
        bn = model.features[1]
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
    x = torch.randn(*shape)
    f = io.BytesIO()
    torch.onnx.export(
        model, (x,), f, dynamo=False, input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17,
    )  # fmt: skip
    return model, f.getvalue(), shape


@pytest.fixture(scope="module", params=sorted(MODELS))
def exported(request):
    return from_torch(request.param)


def test_outputs_match_pytorch(exported):
    model, data, shape = exported
    loaded = gx.load(data)
    for batch in (shape[0], shape[0] + 3):
        x = torch.randn(batch, *shape[1:])
        with torch.no_grad():
            want = model(x).numpy()
        (got,) = outputs(loaded(glassnet.tensor(x.numpy())))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_parameters_are_named_after_the_initializers(exported):
    model, data, _ = exported
    loaded = gx.load(data)
    import onnx

    graph = onnx.load_from_string(data).graph
    floats = {i.name for i in graph.initializer if i.data_type == onnx.TensorProto.FLOAT}
    names = set(loaded.state_dict())
    assert names == floats
    assert {n for n, _ in loaded.named_parameters()} <= floats
    if "head.weight" in floats:
        np.testing.assert_array_equal(
            loaded.state_dict()["head.weight"].numpy(), model.head.weight.detach().numpy()
        )


def test_a_training_step_lowers_the_loss_and_backward_can_be_traced(exported):
    _, data, shape = exported
    loaded = gx.load(data)
    x = glassnet.tensor(rng.standard_normal(shape).astype(np.float32))
    target = glassnet.tensor(rng.standard_normal(outputs(loaded(x))[0].shape).astype(np.float32))
    opt = glassnet.optim.SGD(loaded.parameters(), lr=0.05)

    def loss_fn():
        return glassnet.nn.functional.mse_loss(loaded(x), target)

    loss = loss_fn()
    opt.zero_grad()
    record = trace(loss, names=dict(loaded.named_parameters()))
    assert len(record.records) > 3
    assert all(p.grad is not None for p in loaded.parameters())
    opt.step()
    assert loss_fn().item() < loss.item()


def test_glassnet_to_onnx_to_glassnet_keeps_parameter_names():
    glassnet.manual_seed(0)
    model = glassnet.models.LeNet5()
    f = io.BytesIO()
    gx.export(model, glassnet.randn(1, 1, 28, 28), f)
    loaded = gx.load(f.getvalue())
    assert set(loaded.state_dict()) == set(model.state_dict()) - {
        k for k in model.state_dict() if "num_batches" in k
    }
    x = glassnet.randn(3, 1, 28, 28)
    model.eval()
    np.testing.assert_allclose(outputs(loaded(x))[0], outputs(model(x))[0], rtol=1e-5, atol=1e-6)


def test_embedding_from_pytorch_takes_integer_indices():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(10, 4), torch.nn.Linear(4, 2)).eval()
    f = io.BytesIO()
    idx = torch.randint(0, 10, (2, 3))
    torch.onnx.export(model, (idx,), f, dynamo=False, input_names=["idx"],
                      dynamic_axes={"idx": {0: "batch"}})  # fmt: skip
    loaded = gx.load(f.getvalue())
    other = torch.randint(0, 10, (5, 3))
    with torch.no_grad():
        want = model(other).numpy()
    (got,) = outputs(loaded(glassnet.tensor(other.numpy())))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
