"""Activation layers against torch.nn (values, gradients, parameters, repr), their construction
errors, and the ACTIVATIONS registry: describe(name).fn / .derivative against autograd."""

import numpy as np
import pytest
import torch

import glassnet
import glassnet.nn as nn
import glassnet.nn.functional as F
from glassnet.autograd import gradcheck
from glassnet.nn.activation import ACTIVATIONS, describe

# (glassnet layer, torch layer) built with the same arguments
LAYERS = [
    ("Sigmoid", {}),
    ("Tanh", {}),
    ("ReLU", {}),
    ("ReLU", {"inplace": True}),
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("ReLU6", {}),
    ("ELU", {"alpha": 0.5}),
    ("SELU", {}),
    ("CELU", {"alpha": 2.0}),
    ("GELU", {}),
    ("GELU", {"approximate": "tanh"}),
    ("SiLU", {}),
    ("Mish", {}),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}),
    ("Softsign", {}),
    ("Hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("Hardsigmoid", {}),
    ("Hardswish", {}),
    ("LogSigmoid", {}),
    ("Softmax", {"dim": 1}),
    ("LogSoftmax", {"dim": -1}),
    ("PReLU", {}),
    ("PReLU", {"num_parameters": 3, "init": 0.1}),
]


@pytest.mark.parametrize("name, kwargs", LAYERS, ids=[f"{n}{k}" for n, k in LAYERS])
def test_layer_matches_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs).double()
    ours.double()
    assert repr(ours) == repr(theirs)
    x_np = np.random.default_rng(0).normal(0, 3, (4, 3, 2))
    x = glassnet.tensor(x_np, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    y, yt = ours(x), theirs(xt.clone() if kwargs.get("inplace") else xt)
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(glassnet.tensor(gy))
    yt.backward(torch.tensor(gy))
    np.testing.assert_allclose(x.grad._data, xt.grad.numpy(), rtol=1e-7, atol=1e-12)
    for (n, p), (nt, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n == nt
        np.testing.assert_allclose(p.grad._data, pt.grad.numpy(), rtol=1e-10)


def test_prelu_parameter_dtype_and_state_dict():
    act = nn.PReLU(4, init=0.3)
    assert act.weight.dtype == np.float32 and act.weight.shape == (4,)
    # PyTorch's int attribute `num_parameters` shadows Module.num_parameters() on this layer
    assert list(act.state_dict()) == ["weight"] and act.num_parameters == 4
    assert nn.Sequential(act).num_parameters() == 4
    np.testing.assert_allclose(act.weight._data, 0.3)
    act.weight._data[...] = 1.0
    act.reset_parameters()
    np.testing.assert_allclose(act.weight._data, 0.3)
    x = glassnet.tensor(np.random.default_rng(2).standard_normal((2, 4, 3)), requires_grad=True)
    assert gradcheck(nn.PReLU(4, dtype=glassnet.float64), (x,))


def test_step_and_sign_layers():
    x = glassnet.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(nn.Step()(x)._data, [0, 1, 1])
    y = nn.Sign()(x)
    np.testing.assert_array_equal(y._data, [-1, 1, 1])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [0, 0, 0])


def test_construction_errors():
    with pytest.raises(ValueError, match="CELU: alpha cannot be 0"):
        nn.CELU(alpha=0.0)
    with pytest.raises(ValueError, match="Softplus: beta cannot be 0"):
        nn.Softplus(beta=0)
    with pytest.raises(ValueError, match=r"Hardtanh: min_val \(1\) cannot be greater than max_val"):
        nn.Hardtanh(1, -1)
    with pytest.raises(ValueError, match="GELU: approximate must be 'none' or 'tanh', got 'erf'"):
        nn.GELU("erf")
    with pytest.raises(ValueError, match="PReLU: num_parameters must be at least 1, got 0"):
        nn.PReLU(0)
    with pytest.raises(TypeError, match="PReLU: num_parameters must be an int, got 2.5"):
        nn.PReLU(2.5)


def test_docstrings_state_formula_and_derivative():
    import glassnet.nn.activation as module
    from glassnet.nn.doc_formulas import formula_fields

    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, nn.Module):
            fields = formula_fields(obj)  # the "Formula" and "When to use" sections
            assert {"f(x) =", "f'(x) =", "LaTeX:", "LaTeX':", "When to use"} <= set(fields), name
            assert "Example" in obj.__doc__, name


def test_formula_sections_are_parsed_with_continuation_lines_and_refused_when_missing():
    from glassnet.nn.doc_formulas import formula_fields

    class Layer:
        """Summary.

        Formula
        -------
        f(x) = a very long
            formula
        LaTeX: x

        When to use
        -----------
        Always,
        everywhere.
        """

    assert formula_fields(Layer) == {
        "f(x) =": "a very long formula",
        "LaTeX:": "x",
        "When to use": "Always, everywhere.",
    }
    with pytest.raises(ValueError, match="Layer: its docstring has no 'Formula \\(v\\)' section"):
        formula_fields(Layer, " (v)")


# ----------------------------------------------------------------------------- the registry
def _torch_fn(info):
    """The torch function for a registry entry, with the entry's default parameters."""
    if info.name == "step":
        return lambda x: torch.heaviside(x, torch.ones((), dtype=x.dtype))
    if info.name == "sign":
        return lambda x: torch.where(x >= 0, 1.0, -1.0).to(x.dtype)
    if info.name == "prelu":
        return lambda x: torch.nn.functional.prelu(x, torch.tensor([0.25], dtype=x.dtype))
    if info.name == "gelu_tanh":
        return lambda x: torch.nn.functional.gelu(x, approximate="tanh")
    if info.name in ("softmax", "log_softmax"):
        return lambda x: getattr(torch, info.name)(x, dim=-1)
    return getattr(torch.nn.functional, info.functional)


def test_registry_lists_every_layer_and_function():
    assert len(ACTIVATIONS) == 23
    for info in ACTIVATIONS.values():
        assert isinstance(getattr(nn, info.module)(**info.module_kwargs), nn.Module)
        assert callable(getattr(F, info.functional))
        assert info.formula and info.derivative_formula and info.latex and info.when_to_use
        assert info.formula in str(info) and info.when_to_use in str(info)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_describe_fn_and_derivative_match_torch_autograd(name):
    info = describe(name)
    x_np = np.linspace(-7.3, 7.1, 29)
    xt = torch.tensor(x_np, requires_grad=True)
    fn = _torch_fn(info)
    np.testing.assert_allclose(info.fn(x_np), fn(xt).detach().numpy(), rtol=1e-7, atol=1e-12)
    if name in ("softmax", "log_softmax"):
        x2 = x_np[:12].reshape(3, 4)
        jac = np.stack(
            [torch.autograd.functional.jacobian(fn, torch.tensor(r)).numpy() for r in x2]
        )
        np.testing.assert_allclose(info.derivative(x2), jac, rtol=1e-7, atol=1e-12)
        return
    ours = info.derivative(x_np)
    if name in ("step", "sign"):
        np.testing.assert_array_equal(ours, 0)
        return
    fn(xt).sum().backward()
    np.testing.assert_allclose(ours, xt.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"softmax", "log_softmax"}))
def test_describe_derivative_matches_glassnet_layer(name):
    info = describe(name)
    layer = getattr(nn, info.module)(**info.module_kwargs).double()
    x = glassnet.tensor(np.linspace(-5.1, 5.3, 17), requires_grad=True)
    y = layer(x)
    y.sum().backward()
    np.testing.assert_allclose(info.fn(x._data), y._data, rtol=1e-12)
    np.testing.assert_allclose(info.derivative(x._data), x.grad._data, rtol=1e-12)


def test_describe_parameters_and_dtypes():
    leaky = describe("leaky_relu")
    np.testing.assert_allclose(leaky.derivative([-1, 1], negative_slope=0.3), [0.3, 1])
    assert leaky.fn([-2, 2]).dtype == np.float64  # integer input is computed in float64
    assert describe("gelu").fn(np.float32([1.0])).dtype == np.float32
    np.testing.assert_allclose(describe("softplus").fn([0.0], beta=2.0), [np.log(2) / 2])


def test_describe_lookup():
    assert describe("ReLU") is describe("relu") is ACTIVATIONS["relu"]
    assert describe("LeakyReLU") is describe("leaky-relu") is ACTIVATIONS["leaky_relu"]
    assert describe("swish") is ACTIVATIONS["silu"]
    assert describe("GELU") is ACTIVATIONS["gelu"]
    assert describe("LogSoftmax") is ACTIVATIONS["log_softmax"]
    assert describe("heaviside") is ACTIVATIONS["step"]
    with pytest.raises(
        ValueError,
        match=r"describe: unknown activation 'rleu' \(did you mean "
        r"'relu'\?\); known: sigmoid, tanh, relu",
    ):
        describe("rleu")
    with pytest.raises(TypeError, match="describe: name must be a string, got int"):
        describe(3)


def test_every_activation_layer_is_in_the_registry():
    import glassnet.nn.activation as module

    layers = {n for n in module.__all__ if isinstance(getattr(module, n), type)}
    layers -= {"ActivationInfo"}
    assert layers == {info.module for info in ACTIVATIONS.values()}
