"""Custom ops in the PyTorch style: glassnet.autograd.Function with forward(ctx, ...),
backward(ctx, grad), ctx.save_for_backward / saved_tensors / needs_input_grad."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.autograd import Function, gradcheck


class Cube(Function):
    """y = x^3.   dL/dx = 3 x^2 gy."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x * x * grad


class ScaledAdd(Function):
    """y = a + alpha * b for a number alpha.   dL/da = gy, dL/db = alpha gy, nothing for alpha."""

    @staticmethod
    def forward(ctx, a, alpha, b):
        ctx.alpha = alpha
        ctx.seen_needs = ctx.needs_input_grad
        return a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        gb = ctx.alpha * grad if ctx.needs_input_grad[2] else None
        return grad, None, gb


class NumpyExp(Function):
    """A forward that returns a plain ndarray (allowed) and a backward returning an ndarray."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x._data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad._data * y


def test_custom_function_values_and_gradients_match_torch():
    a = np.array([[0.5, -1.0], [2.0, 0.1]])
    g = glassnet.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    (Cube.apply(g) * 2).sum().backward()
    (t**3 * 2).sum().backward()
    np.testing.assert_allclose(g.grad._data, t.grad.numpy(), rtol=1e-12)


def test_custom_function_composes_with_ops_and_gradchecks():
    x = glassnet.tensor(np.array([0.3, -0.7, 1.1]), requires_grad=True)
    y = glassnet.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    assert gradcheck(lambda p, q: ScaledAdd.apply(Cube.apply(p).exp(), 0.5, q * p), (x, y))
    assert gradcheck(lambda p: NumpyExp.apply(p) * p, (x,))


def test_non_tensor_arguments_and_needs_input_grad():
    a = glassnet.ones(2, requires_grad=True)
    b = glassnet.ones(2)
    out = ScaledAdd.apply(a, 3.0, b)
    assert out.requires_grad and out.grad_fn is not None
    assert out.grad_fn.seen_needs == (True, False, False)  # set before forward, as PyTorch
    out.sum().backward()
    np.testing.assert_array_equal(a.grad._data, [1.0, 1.0])
    assert b.grad is None


def test_forward_runs_without_recording_and_output_is_a_fresh_node():
    x = glassnet.ones(2, requires_grad=True)

    class Probe(Function):
        @staticmethod
        def forward(ctx, t):
            ctx.inner_mode = glassnet.is_grad_enabled()
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            ctx.backward_mode = glassnet.is_grad_enabled()
            return grad * 2

    y = Probe.apply(x)
    assert not y.grad_fn.inner_mode
    node = y.grad_fn
    y.sum().backward(retain_graph=True)
    assert not node.backward_mode
    np.testing.assert_array_equal(x.grad._data, [2.0, 2.0])


def test_no_graph_under_no_grad_or_without_grad_inputs():
    x = glassnet.ones(2, requires_grad=True)
    with glassnet.no_grad():
        assert not Cube.apply(x).requires_grad
    assert not Cube.apply(glassnet.ones(2)).requires_grad


def test_backward_returning_the_wrong_number_of_gradients_is_explained():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad

    y = Bad.apply(glassnet.ones(2, requires_grad=True), glassnet.ones(2))
    with pytest.raises(RuntimeError, match="Bad.backward returned 1 gradients, but forward took 2"):
        y.sum().backward()


def test_multiple_outputs_are_refused_clearly():
    class Two(Function):
        @staticmethod
        def forward(ctx, a):
            return a, a

        @staticmethod
        def backward(ctx, ga):
            return ga

    with pytest.raises(TypeError, match="Two.forward returned 2 outputs"):
        Two.apply(glassnet.ones(2, requires_grad=True))


def test_missing_forward_or_backward():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

    y = NoBackward.apply(glassnet.ones(1, requires_grad=True))
    with pytest.raises(NotImplementedError, match="must define backward"):
        y.sum().backward()
    with pytest.raises(NotImplementedError, match="must define forward"):
        Function.apply(glassnet.ones(1))
