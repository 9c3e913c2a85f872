"""Loss gradients keep the input's dtype: a float32 network is not silently backpropagated in
float64 (which would double the cost of every op below the loss)."""

import numpy as np
import pytest

import glassnet
from glassnet.ops.loss import cross_entropy


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_gradient_stays_float32(label_smoothing, weighted):
    x = glassnet.randn(6, 5, requires_grad=True)
    target = glassnet.tensor(np.array([0, 1, 2, 3, 4, -1]))
    weight = glassnet.rand(5) if weighted else None
    loss = cross_entropy(x, target, weight, ignore_index=-1, label_smoothing=label_smoothing)
    assert loss.dtype == np.float32
    # the node's own output gradient (a leaf's .grad is cast to the leaf's dtype, hiding it)
    gx = loss._ctx._backward(np.ones((), dtype=np.float32))[0]
    assert gx.dtype == np.float32
