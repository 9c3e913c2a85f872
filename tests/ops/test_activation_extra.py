"""The activation ops beyond relu/sigmoid/tanh: values and gradients against PyTorch, float64
finite differences, float32 kept float32, and finiteness at |x| = 1e4."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
from glassnet.autograd import gradcheck
from glassnet.ops import activation as A

# name -> (glassnet function, torch function); both take one tensor
CASES = {
    "leaky_relu": (lambda x: A.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    "relu6": (A.relu6, TF.relu6),
    "hardtanh": (lambda x: A.hardtanh(x, -2.0, 1.5), lambda x: TF.hardtanh(x, -2.0, 1.5)),
    "elu": (lambda x: A.elu(x, 0.7), lambda x: TF.elu(x, 0.7)),
    "selu": (A.selu, TF.selu),
    # PyTorch rounds celu's 1/alpha to float32, so alphas with an exact reciprocal are compared
    "celu": (lambda x: A.celu(x, 2.0), lambda x: TF.celu(x, 2.0)),
    "celu_small_alpha": (lambda x: A.celu(x, 0.5), lambda x: TF.celu(x, 0.5)),
    "gelu": (A.gelu, TF.gelu),
    "gelu_tanh": (lambda x: A.gelu(x, "tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "silu": (A.silu, TF.silu),
    "mish": (A.mish, TF.mish),
    "softplus": (A.softplus, TF.softplus),
    "softplus_beta": (
        lambda x: A.softplus(x, beta=2.0, threshold=3.0),
        lambda x: TF.softplus(x, beta=2.0, threshold=3.0),
    ),
    "softplus_neg_beta": (
        lambda x: A.softplus(x, beta=-0.5),
        lambda x: TF.softplus(x, beta=-0.5),
    ),
    "softsign": (A.softsign, TF.softsign),
    "hardsigmoid": (A.hardsigmoid, TF.hardsigmoid),
    "hardswish": (A.hardswish, TF.hardswish),
    "logsigmoid": (A.logsigmoid, TF.logsigmoid),
    "step": (A.step, lambda x: torch.heaviside(x, torch.ones((), dtype=x.dtype))),
    "bipolar_step": (A.bipolar_step, lambda x: torch.where(x >= 0, 1.0, -1.0).to(x.dtype)),
}
NO_TORCH_GRAD = {"step", "bipolar_step"}  # torch.heaviside has no derivative; ours is 0
SHAPES = [(), (0,), (7,), (3, 5), (2, 3, 4)]


def _against_torch(name, x_np, rtol, atol, reference_dtype=None):
    """Values and gradients of CASES[name] on x_np against torch (run in reference_dtype)."""
    ours, theirs = CASES[name]
    x = glassnet.tensor(x_np, requires_grad=True)
    y = ours(x)
    xt = torch.tensor(x_np.astype(reference_dtype or x_np.dtype), requires_grad=True)
    yt = theirs(xt)
    assert y.dtype == x_np.dtype
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=rtol, atol=atol)
    gy = np.random.default_rng(1).standard_normal(x_np.shape).astype(x_np.dtype)
    assert np.all(np.isfinite(y._data))
    y.backward(glassnet.tensor(gy))
    assert x.grad.dtype == x_np.dtype
    if name in NO_TORCH_GRAD:
        np.testing.assert_array_equal(x.grad._data, 0)
        return
    yt.backward(torch.tensor(gy, dtype=xt.dtype))
    assert np.all(np.isfinite(x.grad._data))
    np.testing.assert_allclose(x.grad._data, xt.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch_float64(name, shape):
    x = np.random.default_rng(0).normal(0, 4, shape)
    # PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32, even for float64
    rtol = 1e-7 if name == "hardsigmoid" else 1e-10
    _against_torch(name, x, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_matches_torch_float32(name):
    x = np.random.default_rng(2).normal(0, 4, (4, 6)).astype(np.float32)
    _against_torch(name, x, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_at_large_inputs(name, dtype):
    x_np = np.array([-1e4, -1e3, -50.0, -20.0, 20.0, 50.0, 1e3, 1e4], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        # the reference is torch in float64: in float32 it loses digits in some tails (softsign)
        _against_torch(name, x_np, rtol=1e-5, atol=1e-30, reference_dtype=np.float64)


@pytest.mark.parametrize("name", sorted(set(CASES) - NO_TORCH_GRAD))
def test_gradcheck(name):
    rng = np.random.default_rng(3)
    x_np = rng.uniform(0.2, 2.5, 12) * rng.choice([-1, 1], 12)  # away from the kinks 0, +-3
    x_np[:3] = [-5.0, 4.0, 7.0]  # the tails and beyond relu6's 6
    x = glassnet.tensor(x_np, requires_grad=True)
    assert gradcheck(CASES[name][0], (x,))


@pytest.mark.parametrize(
    "shape, weight", [((4, 3, 5), 3), ((4, 3), 3), ((6,), 1), ((2, 3, 2, 2), 1)]
)
def test_prelu_matches_torch(shape, weight):
    rng = np.random.default_rng(4)
    x_np = rng.standard_normal(shape)
    w_np = rng.uniform(0.05, 0.5, weight)
    x = glassnet.tensor(x_np, requires_grad=True)
    w = glassnet.tensor(w_np, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    wt = torch.tensor(w_np, requires_grad=True)
    y, yt = A.prelu(x, w), TF.prelu(xt, wt)
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-12)
    gy = rng.standard_normal(shape)
    y.backward(glassnet.tensor(gy))
    yt.backward(torch.tensor(gy))
    np.testing.assert_allclose(x.grad._data, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad._data, wt.grad.numpy(), rtol=1e-12)
    assert gradcheck(A.prelu, (glassnet.tensor(x_np, requires_grad=True), w))


def test_prelu_float32_stays_float32():
    x = glassnet.tensor(np.float32([[-1e4, 2.0]]), requires_grad=True)
    w = glassnet.tensor(np.float32([0.25]), requires_grad=True)
    y = A.prelu(x, w)
    y.sum().backward()
    assert y.dtype == w.grad.dtype == x.grad.dtype == np.float32
    np.testing.assert_allclose(w.grad._data, [-1e4])


def test_prelu_dtype_mismatch():
    with pytest.raises(TypeError, match="prelu: input is float32 but weight is float64"):
        A.prelu(glassnet.zeros(2, 3), glassnet.zeros(1, dtype=glassnet.float64))


def test_prelu_channel_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"prelu: weight has 4 parameters .*\(4,\).*\(2, 3\).*3"):
        A.prelu(glassnet.zeros(2, 3), glassnet.zeros(4))
    with pytest.raises(ValueError, match="prelu: weight has 3 parameters"):
        A.prelu(glassnet.zeros(3), glassnet.zeros(3))


def test_argument_errors():
    x = glassnet.zeros(3)
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'fast'"):
        A.gelu(x, approximate="fast")
    with pytest.raises(ValueError, match="celu: alpha cannot be 0"):
        A.celu(x, alpha=0)
    with pytest.raises(ValueError, match="softplus: beta cannot be 0"):
        A.softplus(x, beta=0)
    with pytest.raises(ValueError, match=r"hardtanh: min_val \(2\) cannot be greater than max_val"):
        A.hardtanh(x, 2, 1)


def test_step_values_at_zero():
    x = glassnet.tensor([-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(A.step(x)._data, [0, 1, 1])
    np.testing.assert_array_equal(A.bipolar_step(x)._data, [-1, 1, 1])


@pytest.mark.parametrize("name", CASES)
def test_float32_gradients_stay_float32_inside_the_graph(name):
    """The gradient an op hands back is float32 (leaf grads are cast anyway, so watch the op)."""
    from glassnet.autograd import engine

    seen = []
    engine.OBSERVERS.append(
        lambda t, ctx, g, grads: seen.extend(gi.dtype for gi in grads if gi is not None)
    )
    try:
        x = glassnet.tensor(np.float32([-1e4, -2.5, -0.3, 0.0, 0.7, 4.0, 1e4]), requires_grad=True)
        (CASES[name][0](x * 1.0) * 2.0).sum().backward()
    finally:
        engine.OBSERVERS.pop()
    assert seen and all(d == np.float32 for d in seen), seen


def test_gelu_float32_accuracy_over_the_whole_range():
    """float32 GELU uses a rational approximation of Phi: against the exact float64 values on a
    dense grid its error stays within 3e-7 max(1, |x|) in value and 3e-7 in the derivative, and
    Phi saturates exactly, so y = x and y = 0 beyond |x| = 6 however large x is (up to float32's
    largest, whose square overflows to inf: quietly, with no RuntimeWarning)."""
    from scipy.special import ndtr

    big = [-3e38, -1e18, -1e4, -6, 6, 1e4, 1e18, 3e38]
    x_np = np.concatenate([np.linspace(-14, 14, 280_001), big]).astype(np.float32)
    x = glassnet.tensor(x_np, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = A.gelu(x)
        y.backward(glassnet.ones_like(y))
    exact = x_np.astype(np.float64)
    cdf = ndtr(exact)
    err = np.abs(y._data - exact * cdf) / np.maximum(1.0, np.abs(exact))
    assert err.max() <= 3e-7
    far = np.abs(x_np) >= 6
    np.testing.assert_array_equal(y._data[far], np.where(x_np[far] > 0, x_np[far], 0))
    slope = cdf + exact * np.exp(-exact * exact / 2) / np.sqrt(2 * np.pi)
    assert np.abs(x.grad._data - slope).max() <= 3e-7


SPECIALS = [np.nan, -0.0, 0.0, np.inf, -np.inf, 3.0, -3.0, 1e-30, -1e-30, 0.5, -0.5]


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal values, NaN where NaN, and the same signs of zeros."""
    return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0, 1.5, 0.0, -0.3, 1e-30, float("inf")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_leaky_relu_on_special_values_equals_torch_bit_for_bit(slope, dtype):
    """The select-free forms (max / min of x and a x, the slope as max([x > 0], a) or a table
    lookup) give torch's numbers exactly: NaN, infinities, signed zeros, every kind of slope."""
    x_np = np.array(SPECIALS * 3, dtype)
    gy_np = np.arange(1, x_np.size + 1).astype(dtype)
    x = glassnet.tensor(x_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # inf * 0 in the select's branch
        y = A.leaky_relu(x, slope)
        y.backward(glassnet.tensor(gy_np))
    ty = TF.leaky_relu(tx, slope)
    ty.backward(torch.tensor(gy_np))
    assert y.dtype == x.dtype and x.grad.dtype == x.dtype
    assert _same_bits(y.detach().numpy(), ty.detach().numpy())
    assert _same_bits(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_on_special_values_equals_torch(dtype):
    x_np = np.array(SPECIALS + [88.0, -88.0, 100.0, -100.0, 700.0, -700.0], dtype)
    y = A.sigmoid(glassnet.tensor(x_np)).numpy()
    expected = torch.sigmoid(torch.tensor(x_np)).numpy()
    # torch's float32 exp flushes what falls below the normal range (sigmoid(-100)) to 0
    tiny = np.finfo(dtype).tiny
    np.testing.assert_allclose(y, expected, rtol=2e-7 if dtype == np.float32 else 1e-15, atol=tiny)
    assert np.array_equal(np.isnan(y), np.isnan(x_np))
