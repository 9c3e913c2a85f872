"""glassnet/kernels/simd.py: `select` makes np.where's choice bit for bit, and every op that
selects through it gives the same numbers on its bitwise path as on np.where's."""

import numpy as np
import pytest

import glassnet
from glassnet.kernels import simd
from glassnet.nn import functional as F

SPECIALS = [np.nan, -np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-40, -1e-40, 3.0, -3.0]


def _bits(a: np.ndarray) -> np.ndarray:
    return a.view(f"u{a.itemsize}")


def _random(shape: tuple, dtype, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(shape) * 4).astype(dtype)
    n = min(a.size, len(SPECIALS))
    a.reshape(-1)[:n] = np.array(SPECIALS[:n]).astype(dtype)
    return a


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(
    "shapes",
    [
        ((64, 512), (64, 512), (64, 512)),
        ((64, 512), (64, 512), (1, 512)),
        ((1, 512), (64, 512), ()),
    ],
)
def test_select_equals_where_bit_for_bit(dtype, shapes):
    """NaN payloads, signed zeros, subnormals and infinities kept; operands broadcast."""
    c_shape, a_shape, b_shape = shapes
    cond = np.random.default_rng(0).random(c_shape) > 0.5
    a, b = _random(a_shape, dtype, 1), _random(b_shape, dtype, 2)
    out = simd.select(cond, a, b)
    expected = np.where(cond, a, b)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(_bits(out), _bits(expected))


def test_select_leaves_other_cases_to_where(monkeypatch):
    calls = []
    where = np.where
    monkeypatch.setattr(simd.np, "where", lambda *args: calls.append(1) or where(*args))
    uniform = np.random.default_rng(0).random(20000) > 0.99  # 1% true: np.where's branches win
    a = np.ones(20000, np.float32)
    np.testing.assert_array_equal(simd.select(uniform, a, -a), where(uniform, a, -a))
    assert calls == [1]
    cond = np.random.default_rng(0).random(20000) > 0.5
    ints = np.arange(20000)
    np.testing.assert_array_equal(simd.select(cond, ints, -ints), np.where(cond, ints, -ints))
    mixed = simd.select(cond, np.ones(20000, np.float32), np.zeros(20000))
    assert mixed.dtype == np.float64  # promoted as np.where promotes


OPS = {
    "elu": lambda x, y: F.elu(x, 0.7),
    "selu": lambda x, y: F.selu(x),
    "celu": lambda x, y: F.celu(x, 1.3),
    "prelu": lambda x, y: F.prelu(x, glassnet.tensor(np.float32([0.1, -0.2, 0.3, 2.0]))),
    "hardsigmoid": lambda x, y: F.hardsigmoid(x),
    "hardswish": lambda x, y: F.hardswish(x),
    "where": lambda x, y: glassnet.where(x > y, x, y),
    "fmax": lambda x, y: glassnet.fmax(x, y),
    "huber": lambda x, y: F.huber_loss(x, y, reduction="none", delta=2.0),
    "smooth_l1": lambda x, y: F.smooth_l1_loss(x, y, reduction="none", beta=1.5),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_give_the_same_bits_on_the_bitwise_path(name, monkeypatch):
    """Each op once with every select on np.where (MANY huge) and once on the bit operations
    (MANY 0): the values and both gradients must agree bit for bit."""
    x_np = _random((64, 4, 80), np.float32, 3)
    y_np = _random((64, 4, 80), np.float32, 4)
    gy = _random((64, 4, 80), np.float32, 5)
    results = []
    monkeypatch.setattr(simd, "MIXED", 0)  # every mask on the bit operations, however uniform
    for many in (1 << 40, 0):
        monkeypatch.setattr(simd, "MANY", many)
        x = glassnet.tensor(x_np, requires_grad=True)
        y = glassnet.tensor(y_np, requires_grad=True)
        with np.errstate(all="ignore"):
            out = OPS[name](x, y)
            out.backward(glassnet.tensor(gy))
        grads = [t.grad.numpy() if t.grad is not None else np.zeros(0, np.float32) for t in (x, y)]
        results.append([out.detach().numpy(), *grads])
    for plain, bitwise in zip(*results):
        np.testing.assert_array_equal(_bits(bitwise), _bits(plain))
