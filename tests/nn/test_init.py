"""nn.init against torch.nn.init: gains exactly, fans exactly, and the statistics (bounds, mean,
standard deviation) of every random initialiser on large tensors; shapes, dtypes, generators,
autograd-free filling, and errors."""

import math

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.nn import init

SHAPES = [(300, 200), (64, 32, 3, 3)]


def pair(shape, dtype=glassnet.float32):
    return glassnet.zeros(*shape, dtype=dtype, requires_grad=True), torch.zeros(shape)


@pytest.mark.parametrize(
    "args",
    [
        ("linear",),
        ("conv2d",),
        ("conv_transpose3d",),
        ("sigmoid",),
        ("tanh",),
        ("relu",),
        ("selu",),
        ("leaky_relu",),
        ("leaky_relu", 0.2),
        ("leaky_relu", 0),
        ("leaky_relu", 3),
    ],
)
def test_calculate_gain_equals_torch(args):
    assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("shape", [(3, 5), (6, 4, 3), (8, 2, 3, 5)])
def test_fans_equal_torch(shape):
    ours = init._calculate_fan_in_and_fan_out(glassnet.zeros(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


def stats_close(ours, theirs, expected_std):
    """Same distribution: mean near 0 (or theirs), std within 3% of each other and of theory."""
    n = ours.size
    assert abs(ours.mean() - theirs.mean()) < 6 * expected_std / math.sqrt(n)
    np.testing.assert_allclose(ours.std(), expected_std, rtol=0.03)
    np.testing.assert_allclose(ours.std(), theirs.std(), rtol=0.03)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("xavier_uniform_", {}),
        ("xavier_uniform_", {"gain": 5 / 3}),
        ("xavier_normal_", {"gain": 2.0}),
        ("kaiming_uniform_", {}),
        ("kaiming_uniform_", {"a": math.sqrt(5)}),
        ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
        ("kaiming_normal_", {"nonlinearity": "relu"}),
        ("kaiming_normal_", {"a": 0.1, "mode": "fan_out"}),
        ("uniform_", {"a": -0.3, "b": 0.7}),
        ("normal_", {"mean": 1.0, "std": 0.5}),
        ("trunc_normal_", {"std": 0.5, "a": -0.6, "b": 0.9}),
        ("trunc_normal_", {}),
        ("orthogonal_", {"gain": 2.0}),
    ],
)
def test_random_initialisers_match_torch_statistics(shape, name, kwargs):
    torch.manual_seed(0)
    g, t = pair(shape)
    out = getattr(init, name)(g, **kwargs, generator=glassnet.Generator(0))
    getattr(torch.nn.init, name)(t, **kwargs)
    assert out is g and g.shape == shape and g.dtype == glassnet.float32
    assert g.requires_grad and g.is_leaf and g.grad is None  # filled outside autograd
    ours, theirs = g._data.astype(np.float64), t.numpy().astype(np.float64)
    if "uniform" in name:  # the same bound, reached
        bound = max(abs(theirs.min()), abs(theirs.max()))
        if name == "uniform_":
            assert kwargs["a"] <= ours.min() and ours.max() <= kwargs["b"]
        else:
            assert np.abs(ours).max() <= bound * 1.001 and np.abs(ours).max() > 0.99 * bound
    if name == "trunc_normal_":
        a, b = kwargs.get("a", -2.0), kwargs.get("b", 2.0)
        assert ours.min() >= a and ours.max() <= b
    stats_close(ours, theirs, theirs.std())


def test_initialisers_follow_the_formulas():
    w = glassnet.zeros(400, 600)
    init.xavier_uniform_(w, generator=glassnet.Generator(1))
    a = math.sqrt(6 / (400 + 600))
    assert np.abs(w._data).max() <= a and np.abs(w._data).max() > 0.999 * a
    init.kaiming_normal_(w, nonlinearity="relu", generator=glassnet.Generator(1))
    np.testing.assert_allclose(w._data.std(), math.sqrt(2 / 600), rtol=0.01)
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="tanh", generator=glassnet.Generator(1))
    np.testing.assert_allclose(w._data.std(), (5 / 3) / math.sqrt(400), rtol=0.01)


@pytest.mark.parametrize("shape", [(5, 8), (8, 5), (6, 6), (4, 2, 3)])
def test_orthogonal_is_orthogonal(shape):
    w = init.orthogonal_(
        glassnet.zeros(*shape, dtype=glassnet.float64), gain=3.0, generator=glassnet.Generator(2)
    )
    flat = w._data.reshape(shape[0], -1) / 3.0
    rows, cols = flat.shape
    product = flat @ flat.T if rows <= cols else flat.T @ flat
    np.testing.assert_allclose(product, np.eye(min(rows, cols)), atol=1e-12)


def test_deterministic_initialisers_equal_torch():
    for shape in [(3, 5), (5, 3), (4, 4)]:
        g, t = pair(shape)
        init.eye_(g)
        torch.nn.init.eye_(t)
        np.testing.assert_array_equal(g._data, t.numpy())
    g, t = pair((2, 3))
    for ours, theirs in [
        (lambda: init.constant_(g, 0.25), lambda: torch.nn.init.constant_(t, 0.25)),
        (lambda: init.ones_(g), lambda: torch.nn.init.ones_(t)),
        (lambda: init.zeros_(g), lambda: torch.nn.init.zeros_(t)),
    ]:
        assert ours() is g
        theirs()
        np.testing.assert_array_equal(g._data, t.numpy())


def test_generators_make_it_reproducible_and_keep_dtype():
    for name in [
        "uniform_",
        "normal_",
        "trunc_normal_",
        "xavier_uniform_",
        "xavier_normal_",
        "kaiming_uniform_",
        "kaiming_normal_",
        "orthogonal_",
    ]:
        fn = getattr(init, name)
        a = fn(glassnet.zeros(6, 7, dtype=glassnet.float64), generator=glassnet.Generator(3))
        b = fn(glassnet.zeros(6, 7, dtype=glassnet.float64), generator=glassnet.Generator(3))
        c = fn(glassnet.zeros(6, 7, dtype=glassnet.float64), generator=np.random.default_rng(4))
        assert a.dtype == glassnet.float64, name
        np.testing.assert_array_equal(a._data, b._data, err_msg=name)
        assert not np.array_equal(a._data, c._data), name
        glassnet.manual_seed(5)
        d = fn(glassnet.zeros(6, 7))
        glassnet.manual_seed(5)
        np.testing.assert_array_equal(d._data, fn(glassnet.zeros(6, 7))._data, err_msg=name)


def test_empty_tensors_are_left_alone():
    for fn in (init.kaiming_uniform_, init.kaiming_normal_, init.orthogonal_):
        assert fn(glassnet.zeros(0, 3)).shape == (0, 3)


def test_initialising_a_layer():
    layer = nn.Linear(10, 4)
    init.xavier_uniform_(layer.weight)
    init.zeros_(layer.bias)
    assert not layer.bias._data.any()
    layer(glassnet.ones(2, 10)).sum().backward()  # still a working parameter
    assert layer.weight.grad.shape == (4, 10)


def test_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(glassnet.zeros(5))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.kaiming_normal_(glassnet.zeros(5))
    with pytest.raises(ValueError, match="mode 'fan_avg' not supported"):
        init.kaiming_uniform_(glassnet.zeros(3, 3), mode="fan_avg")
    with pytest.raises(ValueError, match="only tensors with 2 dimensions"):
        init.eye_(glassnet.zeros(2, 2, 2))
    with pytest.raises(ValueError, match="only tensors with 2 or more dimensions"):
        init.orthogonal_(glassnet.zeros(3))
    with pytest.raises(ValueError, match="must not be greater"):
        init.uniform_(glassnet.zeros(3), 1.0, 0.0)
    with pytest.raises(ValueError, match="std must be non-negative"):
        init.normal_(glassnet.zeros(3), std=-1.0)
    with pytest.raises(ValueError, match="must be less than b"):
        init.trunc_normal_(glassnet.zeros(3), a=1.0, b=1.0)
    with pytest.raises(ValueError, match="holds less than 0.1%"):
        init.trunc_normal_(glassnet.zeros(3), mean=0.0, std=1.0, a=5.0, b=6.0)
    with pytest.raises(ValueError, match="std must be positive"):
        init.trunc_normal_(glassnet.zeros(3), std=0.0)
    with pytest.raises(TypeError, match="generator must be"):
        init.normal_(glassnet.zeros(3), generator=42)
