"""nn.utils against torch.nn.utils: gradient clipping by norm (every norm type, the returned total
norm, non-finite handling) and by value; parameters <-> vector."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def twin_params(seed, scale=1.0, dtype=np.float32):
    """The same parameters with the same gradients, in glassnet and torch (one without grad)."""
    rng = np.random.default_rng(seed)
    shapes = [(4, 3), (3,), (2, 2, 2), ()]
    g_params, t_params = [], []
    for i, shape in enumerate(shapes):
        w = rng.standard_normal(shape).astype(dtype)
        g = nn.Parameter(glassnet.tensor(w))
        t = torch.nn.Parameter(torch.tensor(w))
        if i != 1:  # the second parameter has no gradient and must be skipped
            grad = (scale * rng.standard_normal(shape)).astype(dtype)
            g.grad = glassnet.tensor(grad)
            t.grad = torch.tensor(grad)
        g_params.append(g)
        t_params.append(t)
    return g_params, t_params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf"), "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_equals_torch(norm_type, max_norm, dtype):
    g_params, t_params = twin_params(0, scale=3.0, dtype=dtype)
    total_g = clip_grad_norm_(g_params, max_norm, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(t_params, max_norm, norm_type=norm_type)
    assert isinstance(total_g, glassnet.Tensor) and total_g.shape == ()
    assert total_g.dtype == dtype
    np.testing.assert_allclose(total_g.item(), total_t.item(), rtol=1e-6)
    for gp, tp in zip(g_params, t_params):
        if tp.grad is None:
            assert gp.grad is None
        else:
            assert gp.grad.dtype == dtype
            np.testing.assert_allclose(gp.grad._data, tp.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_bounds_the_norm_and_keeps_direction():
    g_params, _ = twin_params(1, scale=10.0)
    before = [p.grad._data.copy() for p in g_params if p.grad is not None]
    clip_grad_norm_(g_params, 1.0)
    after = [p.grad._data for p in g_params if p.grad is not None]
    total = np.sqrt(sum((a.astype(np.float64) ** 2).sum() for a in after))
    np.testing.assert_allclose(total, 1.0, rtol=1e-5)
    ratios = np.concatenate([(a / b).ravel() for a, b in zip(after, before)])
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-5)


def test_clip_grad_norm_on_a_module_a_single_tensor_and_no_grads():
    model = nn.Linear(3, 2)
    assert clip_grad_norm_(model.parameters(), 1.0).item() == 0.0  # nothing to clip yet
    (model(glassnet.ones(4, 3)) * 100).sum().backward()
    grad = model.weight.grad
    total = clip_grad_norm_(model.parameters(), 1.0)
    assert total.item() > 1.0 and model.weight.grad is grad  # scaled in place
    w = nn.Parameter(glassnet.zeros(3))
    w.grad = glassnet.tensor([3.0, 4.0, 0.0])
    np.testing.assert_allclose(clip_grad_norm_(w, 1.0).item(), 5.0)
    np.testing.assert_allclose(w.grad._data, [0.6, 0.8, 0.0], rtol=1e-5)


def test_clip_grad_norm_nonfinite():
    g_params, t_params = twin_params(2)
    g_params[0].grad._data[0, 0] = np.inf
    t_params[0].grad[0, 0] = np.inf
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is inf"):
        clip_grad_norm_(g_params, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError):
        torch.nn.utils.clip_grad_norm_(t_params, 1.0, error_if_nonfinite=True)
    total = clip_grad_norm_(g_params, 1.0)
    assert total.item() == torch.nn.utils.clip_grad_norm_(t_params, 1.0).item() == np.inf
    np.testing.assert_array_equal(g_params[2].grad._data, t_params[2].grad.numpy())  # zeros


@pytest.mark.parametrize("clip_value", [0.1, 1.0, 5])
def test_clip_grad_value_equals_torch(clip_value):
    g_params, t_params = twin_params(3, scale=2.0)
    assert clip_grad_value_(g_params, clip_value) is None
    torch.nn.utils.clip_grad_value_(t_params, clip_value)
    for gp, tp in zip(g_params, t_params):
        if tp.grad is not None:
            np.testing.assert_array_equal(gp.grad._data, tp.grad.numpy())
            assert np.abs(gp.grad._data).max() <= clip_value


def test_parameters_to_vector_equals_torch_and_is_differentiable():
    g_params, t_params = twin_params(4)
    for p in g_params:
        p.grad = None
    vg = parameters_to_vector(g_params)
    vt = torch.nn.utils.parameters_to_vector(t_params)
    np.testing.assert_array_equal(vg._data, vt.detach().numpy())
    assert vg.shape == (4 * 3 + 3 + 8 + 1,) and vg.dtype == glassnet.float32
    (vg * glassnet.arange(vg.shape[0], dtype=glassnet.float32)).sum().backward()
    np.testing.assert_array_equal(g_params[0].grad._data, np.arange(12).reshape(4, 3))
    assert parameters_to_vector([]).shape == (0,)
    with pytest.raises(TypeError, match="expected Tensors, got ndarray"):
        parameters_to_vector([np.zeros(2)])


def test_vector_to_parameters_round_trip_and_errors():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    weights = [p._data for p in model.parameters()]
    v = glassnet.arange(model.num_parameters(), dtype=glassnet.float32)
    vector_to_parameters(v, model.parameters())
    np.testing.assert_array_equal(parameters_to_vector(model.parameters())._data, v._data)
    assert all(p._data is w for p, w in zip(model.parameters(), weights))  # copied in place
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    torch.nn.utils.vector_to_parameters(torch.tensor(v._data), tmodel.parameters())
    for gp, tp in zip(model.parameters(), tmodel.parameters()):
        np.testing.assert_array_equal(gp._data, tp.detach().numpy())
    with pytest.raises(TypeError, match="expected vec to be a Tensor, got ndarray"):
        vector_to_parameters(np.zeros(3), model.parameters())
    with pytest.raises(ValueError, match="vec must be 1-D"):
        vector_to_parameters(glassnet.zeros(2, 2), model.parameters())
    with pytest.raises(ValueError, match="vec has 3 elements, the parameters hold 26"):
        vector_to_parameters(glassnet.zeros(3), model.parameters())
