"""glassnet.autograd.gradcheck: passes on correct gradients (one or many inputs and outputs,
non-contiguous inputs, inputs that do not require grad) and, on a wrong backward, raises an
error naming the input, the index and both values."""

import numpy as np
import pytest

import glassnet
from glassnet.autograd import Function, GradcheckError, gradcheck


def _t(a, requires_grad=True):
    return glassnet.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def test_gradcheck_passes_on_correct_gradients():
    x = _t(np.random.default_rng(0).standard_normal((3, 4)))
    assert gradcheck(lambda t: (t * t).sum(dim=1), (x,))
    assert gradcheck(lambda t: t.exp(), x)  # a single tensor works as inputs too
    assert x.grad is None  # gradcheck leaves no gradient behind


def test_gradcheck_with_several_inputs_and_outputs():
    a, b = _t([[1.0, 2.0], [3.0, 4.0]]), _t([0.5, -1.0])
    c = _t([2.0, 3.0], requires_grad=False)
    assert gradcheck(lambda x, y, z: (x @ y, (y * z).sum()), (a, b, c))


def test_gradcheck_on_a_non_contiguous_input():
    x = glassnet.from_numpy(np.random.default_rng(1).standard_normal((4, 3)).T).requires_grad_()
    assert not x._data.flags.c_contiguous
    assert gradcheck(lambda t: (t * t.exp()).sum(), (x,))


class WrongSquare(Function):
    """y = x^2 with a deliberately wrong backward (3x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x * grad


def test_gradcheck_names_input_index_and_both_values():
    a, x = _t([1.0]), _t([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda p, q: p * WrongSquare.apply(q), (a, x))
    message = str(info.value)
    assert "input 1" in message and "shape (2, 2)" in message
    assert "index (0, 0)" in message
    assert "backward gives" in message and "finite differences give" in message
    assert isinstance(info.value, AssertionError)


def test_gradcheck_refuses_float32_and_no_grad_inputs():
    with pytest.raises(TypeError, match="gradcheck: input 0 is float32.*float64"):
        gradcheck(lambda t: t * 2, (glassnet.ones(2, requires_grad=True),))
    with pytest.raises(ValueError, match="gradcheck: no input requires grad"):
        gradcheck(lambda t: t * 2, (_t([1.0], requires_grad=False),))


def test_gradcheck_tolerances_are_respected():
    x = _t([1.0, 2.0])
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: WrongSquare.apply(t), (x,))
    # a loose enough tolerance accepts the 50% error
    assert gradcheck(lambda t: WrongSquare.apply(t), (x,), atol=0, rtol=0.6)
