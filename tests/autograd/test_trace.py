"""The backward trace: its numbers must be the gradients autograd computes."""

import numpy as np
import pytest

import glassnet
from glassnet.autograd.backward_trace import op_formulas


def _two_layer(seed=0):
    g = glassnet.Generator().manual_seed(seed)
    x = glassnet.randn(5, 3, generator=g, dtype=glassnet.float64)
    W1 = glassnet.randn(3, 4, generator=g, dtype=glassnet.float64, requires_grad=True)
    W2 = glassnet.randn(4, 1, generator=g, dtype=glassnet.float64, requires_grad=True)
    loss = ((x @ W1).sigmoid() @ W2).square().mean()
    return x, W1, W2, loss


def test_trace_records_every_op_in_backward_order():
    x, W1, W2, loss = _two_layer()
    t = glassnet.autograd.trace(loss)
    assert [r.op for r in t.records] == ["Mean", "PowScalar", "MatMul", "Sigmoid", "MatMul"]
    assert t.records[0].output_shape == ()
    assert t.records[0].grad_output_norm == pytest.approx(1.0)
    assert t.records[-1].input_shapes == [(5, 3), (3, 4)]


def test_trace_gradient_norms_match_autograd():
    x, W1, W2, loss = _two_layer()
    t = glassnet.autograd.trace(loss)
    last = t.records[-1]  # x @ W1: its second input is the leaf W1
    assert last.grad_input_norms[1] == pytest.approx(np.linalg.norm(W1.grad._data))
    second_matmul = t.records[2]
    assert second_matmul.grad_input_norms[1] == pytest.approx(np.linalg.norm(W2.grad._data))
    # the gradient leaving one node is the gradient entering the next
    for upstream, downstream in zip(t.records, t.records[1:]):
        assert upstream.grad_input_norms[0] == pytest.approx(downstream.grad_output_norm)


def test_trace_table_and_dot_name_ops_shapes_and_leaves():
    x, W1, W2, loss = _two_layer()
    t = glassnet.autograd.trace(loss, names={"W1": W1, "W2": W2})
    table = str(t)
    assert "Sigmoid" in table and "dL/dx = gy * y (1 - y)" in table
    dot = t.to_dot()
    assert dot.startswith("digraph") and '"W1\\n(3, 4)"' in dot and "->" in dot


def test_trace_leaves_no_observer_behind_even_on_error():
    before = list(glassnet.autograd.engine.OBSERVERS)
    with pytest.raises(RuntimeError, match="scalar outputs"):
        glassnet.autograd.trace(glassnet.randn(3, requires_grad=True) * 2)
    assert glassnet.autograd.engine.OBSERVERS == before


def test_graph_dot_without_backward():
    x, W1, W2, loss = _two_layer()
    dot = glassnet.autograd.graph_dot(loss, names={"W1": W1})
    assert "MatMul" in dot and '"W1\\n(3, 4)"' in dot
    assert loss.grad_fn is not None  # the graph is untouched
    loss.backward()
    assert W1.grad is not None


def test_op_formulas_split_forward_and_derivative():
    from glassnet.ops.elementwise import Mul

    forward, derivative = op_formulas(Mul)
    assert forward == "y = a * b"
    assert derivative.startswith("dL/da = gy * b")
