"""glassnet.onnx.load checks a file before running it: unsupported ops listed together,
invalid or hostile files refused with a clear error."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import glassnet
import glassnet.onnx as gx


def model_of(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def vec(name, n=3):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [n])


def test_every_unsupported_op_is_listed_in_one_error():
    nodes = [
        helper.make_node("Relu", ["x"], ["a"]),
        helper.make_node("Hardmax", ["a"], ["b"]),
        helper.make_node("Round", ["b"], ["c"]),
        helper.make_node("Hardmax", ["c"], ["y"]),
    ]
    data = model_of(nodes, [vec("x")], [vec("y")]).SerializeToString()
    with pytest.raises(gx.OnnxImportError, match=r"ops glassnet does not run: Hardmax, Round$"):
        gx.load(data)


def test_custom_domains_are_named():
    node = helper.make_node("Secret", ["x"], ["y"], domain="com.example")
    model = model_of([node], [vec("x")], [vec("y")])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    with pytest.raises(gx.OnnxImportError, match="com.example::Secret"):
        gx.load(model.SerializeToString())


def test_not_a_protobuf():
    with pytest.raises(gx.OnnxImportError, match="not an ONNX protobuf"):
        gx.load(b"\xff\xfe this is not onnx")


def test_invalid_graph_is_refused_before_running():
    node = helper.make_node("Relu", ["missing"], ["y"])
    with pytest.raises(gx.OnnxImportError, match="not a valid ONNX model"):
        gx.load(model_of([node], [vec("x")], [vec("y")]).SerializeToString())


def test_external_data_is_refused(tmp_path):
    w = numpy_helper.from_array(np.ones(3, np.float32), "w")
    w.data_location = TensorProto.EXTERNAL
    w.ClearField("raw_data")
    w.external_data.add(key="location", value="/etc/passwd")
    node = helper.make_node("Add", ["x", "w"], ["y"])
    data = model_of([node], [vec("x")], [vec("y")], [w]).SerializeToString()
    with pytest.raises(gx.OnnxImportError, match="external file"):
        gx.load(data)


def test_huge_tensors_made_at_run_time_are_refused():
    shape = numpy_helper.from_array(np.array([2**20, 2**20], np.int64), "shape")
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["y"])]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["a", "b"])
    model = gx.load(model_of(nodes, [], [out], [shape]).SerializeToString())
    with pytest.raises(gx.OnnxImportError, match="refusing to create a tensor"):
        model()


def test_wrong_number_of_inputs():
    node = helper.make_node("Relu", ["x"], ["y"])
    model = gx.load(model_of([node], [vec("x")], [vec("y")]).SerializeToString())
    with pytest.raises(TypeError, match=r"takes 1 inputs \(x\), got 2"):
        model(glassnet.zeros(3), glassnet.zeros(3))


def test_file_path_and_parameters(tmp_path):
    w = numpy_helper.from_array(np.arange(3, dtype=np.float32), "layer.w")
    node = helper.make_node("Mul", ["x", "layer.w"], ["y"])
    path = tmp_path / "m.onnx"
    onnx.save(model_of([node], [vec("x")], [vec("y")], [w]), path)
    model = gx.load(path)
    assert [n for n, _ in model.named_parameters()] == ["layer.w"]
    y = model(glassnet.ones(3))
    np.testing.assert_array_equal(y.detach().numpy(), [0, 1, 2])
