"""The models of glassnet.models through ONNX (onnxruntime and back into glassnet), and the
errors export gives for what it cannot write."""

from __future__ import annotations

import io

import numpy as np
import onnx
import pytest

import glassnet
import glassnet.onnx as gx
from glassnet import nn
from glassnet.models import GPT, MLP, GPTConfig, LeNet5, Perceptron, ResNet
from tests.onnx.helpers import check_roundtrip, export_bytes

rng = np.random.default_rng(0)


def randn(*shape):
    return glassnet.tensor(rng.standard_normal(shape).astype(np.float32))


def test_mlp():
    glassnet.manual_seed(0)
    model = MLP(5, [8, 6], 3, activation="tanh", dropout=0.2)
    check_roundtrip(model, (randn(4, 5),), (randn(9, 5),))


def test_perceptron():
    check_roundtrip(
        Perceptron(4, generator=np.random.default_rng(1)), (randn(3, 4),), (randn(7, 4),)
    )


@pytest.mark.parametrize("pooling", ["max", "avg"])
def test_lenet5(pooling):
    glassnet.manual_seed(0)
    model = LeNet5(pooling=pooling, activation="tanh" if pooling == "avg" else "relu")
    check_roundtrip(model, (randn(2, 1, 28, 28),), (randn(3, 1, 28, 28),))


def test_resnet_in_eval_mode_with_trained_statistics():
    glassnet.manual_seed(0)
    model = ResNet(layers=(1, 1), width=4)
    model.train()
    with glassnet.no_grad():
        model(randn(8, 1, 12, 12))  # running statistics away from 0 and 1
    check_roundtrip(model, (randn(2, 1, 12, 12),), (randn(5, 1, 12, 12),))


def test_export_traces_in_eval_mode_and_restores_the_modes():
    model = nn.Sequential(nn.BatchNorm1d(3), nn.Dropout(0.5))
    model.train()
    model[1].eval()
    data, _ = export_bytes(model, (randn(4, 3),))
    assert model[0].training and not model[1].training
    ops = [n.op_type for n in onnx.load_from_string(data).graph.node]
    assert "BatchNormalization" in ops and "Dropout" not in ops


def test_gpt_with_causal_attention():
    glassnet.manual_seed(0)
    config = GPTConfig(block_size=8, vocab_size=11, n_layer=2, n_head=2, n_embd=8, dropout=0.1)
    model = GPT(config)
    idx = glassnet.tensor(rng.integers(0, 11, (2, 6)))
    data = check_roundtrip(model, (idx,), (glassnet.tensor(rng.integers(0, 11, (3, 6))),))
    names = {i.name for i in onnx.load_from_string(data).graph.initializer}
    assert "transformer.wte.weight" in names and "transformer.h.1.attn.c_attn.weight" in names


def test_file_output_and_names(tmp_path):
    model = nn.Linear(3, 2)
    path = tmp_path / "linear.onnx"
    proto = gx.export(
        model,
        glassnet.zeros(1, 3),
        path,
        input_names=["features"],
        output_names=["scores"],
        dynamic_axes={"features": {0: "batch"}, "scores": {0: "batch"}},
    )
    loaded = onnx.load(path)
    assert loaded == proto
    assert [i.name for i in loaded.graph.input] == ["features"]
    assert [o.name for o in loaded.graph.output] == ["scores"]
    dim = loaded.graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_param == "batch"
    assert sorted(i.name for i in loaded.graph.initializer) == ["bias", "weight"]


def test_static_batch_without_dynamic_axes():
    data, _ = export_bytes(nn.Linear(3, 2), (randn(4, 3),), dynamic=False)
    dim = onnx.load_from_string(data).graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_value == 4


@pytest.mark.parametrize("opset", [17, 18, 20])
def test_opsets(opset):
    glassnet.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.LayerNorm(6))
    check_roundtrip(nn.Sequential(model, _Mean()), (randn(2, 4),), opset_version=opset)


class _Mean(nn.Module):
    def forward(self, x):
        return x.mean(dim=1, keepdim=True) + x.amax(dim=1, keepdim=True) + x.var(dim=1)[:, None]


def test_unsupported_op_names_the_op_and_the_module():
    model = nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.ReLU(), nn.GroupNorm(2, 6)))
    with pytest.raises(gx.OnnxExportError, match=r"GroupNorm \(in module '1\.1'\)"):
        gx.export(model, randn(2, 4), io.BytesIO())


def test_custom_function_is_refused():
    class Cube(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            return grad

    class M(nn.Module):
        def forward(self, x):
            return Cube.apply(x) + 1.0

    with pytest.raises(gx.OnnxExportError, match="Cube"):
        gx.export(M(), randn(2, 4), io.BytesIO())


def test_opset_too_old_is_refused():
    with pytest.raises(gx.OnnxExportError, match="opset_version must be in"):
        gx.export(nn.Linear(2, 2), randn(1, 2), io.BytesIO(), opset_version=11)


def test_trace_hook_is_removed_after_export():
    from glassnet.autograd import function

    gx.export(nn.Linear(2, 2), randn(1, 2), io.BytesIO())
    assert function.TRACE_HOOK is None
    with pytest.raises(gx.OnnxExportError):
        gx.export(nn.GroupNorm(1, 2), randn(1, 2, 3), io.BytesIO())
    assert function.TRACE_HOOK is None


def test_integer_inputs_of_any_width_stay_inputs():
    glassnet.manual_seed(0)
    model = nn.Embedding(10, 3)
    idx = glassnet.tensor(rng.integers(0, 10, (2, 4)).astype(np.int32))
    data, names = export_bytes(model, (idx,))
    import onnxruntime as ort

    other = rng.integers(0, 10, (5, 4))
    (got,) = ort.InferenceSession(data).run(None, {names[0]: other})
    np.testing.assert_array_equal(got, model.weight.detach().numpy()[other])


def test_an_output_computed_outside_glassnet_ops_warns():
    class Outside(nn.Module):
        def forward(self, x):
            return glassnet.tensor(x.detach().numpy() * 2)

    with pytest.warns(UserWarning, match="output 0 depends on no input"):
        gx.export(Outside(), randn(2, 3), io.BytesIO())


def test_reading_lstm_cell_states_of_earlier_steps_is_refused():
    from glassnet.ops.recurrent import LSTMLayer

    lstm = nn.LSTM(3, 4)

    class AllCells(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = lstm

        def forward(self, x):
            h0 = glassnet.zeros(x.shape[1], 4)
            weights = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0]
            hc = LSTMLayer.apply(x, h0, h0, *weights, reverse=False)  # (T, B, 2H)
            return hc[:, :, 4:]  # every step's cell state

    with pytest.raises(gx.OnnxExportError, match="cell states of steps other than the last"):
        gx.export(AllCells(), randn(5, 2, 3), io.BytesIO())
