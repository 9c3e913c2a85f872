"""Where PyTorch's arithmetic is not NumPy's: comparisons at the result type, float16 math in
float32 with numbers kept wide, `number / x` as reciprocal times the number, and addcmul as a
fused multiply-add. Each case was found by the long fuzz run (tests/fuzz) and is pinned here."""

import numpy as np
import pytest
import torch

import glassnet as G

COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge"]


@pytest.mark.parametrize("op", COMPARISONS)
@pytest.mark.parametrize(
    "x, y",
    [
        (np.float32([0.12573022, 1.0]), np.array(0.12573022)),  # float64 0-d -> compared in f32
        (np.array([0, 1, 2]), 1.5),  # int tensor vs float: compared in float32
        (np.array([0, 1]), 1e-50),  # 1e-50 is 0 in float32
        (np.array([True, False]), 0.5),
        (np.int32([1, 2]), np.float64([1.5, 2.0])),
        (np.float16([1.0, 2.0]), np.array(1.0000001)),
    ],
)
def test_comparisons_use_the_result_type(op, x, y):
    g_y = G.tensor(y) if isinstance(y, np.ndarray) else y
    t_y = torch.tensor(y) if isinstance(y, np.ndarray) else y
    got = getattr(G.tensor(x), op)(g_y)
    want = getattr(torch.tensor(x), op)(t_y)
    assert got.dtype == G.bool
    assert got.tolist() == want.tolist()
    in_place = getattr(G.tensor(x), op + "_")(g_y)
    assert in_place.tolist() == getattr(torch.tensor(x), op + "_")(t_y).tolist()


def test_comparing_keeps_no_graph():
    x = G.tensor([1.0, 2.0], requires_grad=True)
    assert not (x < G.tensor(1.5, dtype=G.float64)).requires_grad


HALF = np.float16([1.2e-7, -np.inf, 3.0, 60000.0, -0.0])


@pytest.mark.parametrize("number", [1e30, 1e5, 70000.0, 1e-30, 3, 0.1])
@pytest.mark.parametrize(
    "f",
    [
        lambda a, s: a * s,
        lambda a, s: s * a,
        lambda a, s: a / s,
        lambda a, s: s / a,
        lambda a, s: a.clone().mul_(s),
        lambda a, s: a.clone().div_(s),
        lambda a, s: a.clone().true_divide_(s),
        lambda a, s: a.div(s),
    ],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_float16_times_a_number_keeps_the_number_in_float32(f, number):
    got = f(G.tensor(HALF), number)
    want = f(torch.tensor(HALF), number)
    assert got.dtype == G.float16
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_float16_times_a_float64_scalar_tensor():
    got = G.tensor(HALF) * G.tensor(1e5, dtype=G.float64)
    want = torch.tensor(HALF) * torch.tensor(1e5, dtype=torch.float64)
    assert got.dtype == G.float16
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_float16_product_gradient_is_float16():
    x = G.tensor([1e-3, 2.0], dtype=G.float16, requires_grad=True)
    (x * 1e5).sum().backward()
    tx = torch.tensor([1e-3, 2.0], dtype=torch.float16, requires_grad=True)
    (tx * 1e5).sum().backward()
    assert x.grad.dtype == G.float16
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_number_over_tensor_is_reciprocal_times_number():
    x = np.float32([1e-39, 3.0, -0.0, 2.0])  # 1/1e-39 overflows float32, as in PyTorch
    np.testing.assert_array_equal((1e-10 / G.tensor(x)).numpy(), (1e-10 / torch.tensor(x)).numpy())
    g = G.tensor([2.0, 4.0], requires_grad=True)
    (3.0 / g).sum().backward()
    np.testing.assert_allclose(g.grad.numpy(), [-0.75, -0.1875])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("value", [1, -0.5, 2])
def test_addcmul_adds_the_product_unrounded(dtype, value):
    x = np.array([-np.inf, 1e30, 1.0, 1e30, -1e30, np.nan, 2.0], np.float32).astype(dtype)
    t = np.array([-1e30, -1e30, 1e30, 1e20, 1e20, 1.0, 3.0], np.float32).astype(dtype)
    with np.errstate(over="ignore"):
        got = G.addcmul(G.tensor(x), G.tensor(t), G.tensor(t), value=value)
    want = torch.addcmul(torch.tensor(x), torch.tensor(t), torch.tensor(t), value=value)
    assert got.dtype == G.tensor(x).dtype
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    in_place = G.tensor(x).addcmul_(G.tensor(t), G.tensor(t), value=value)
    np.testing.assert_array_equal(in_place.numpy(), want.numpy())


def test_addcmul_gradients_broadcast_like_torch():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in ((3, 4), (4,), (3, 1))]
    g = [G.tensor(a, requires_grad=True) for a in arrays]
    t = [torch.tensor(a, requires_grad=True) for a in arrays]
    G.addcmul(*g, value=0.3).sum().backward()
    torch.addcmul(*t, value=0.3).sum().backward()
    for a, b in zip(g, t):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_addcmul_gradcheck_float64():
    rng = np.random.default_rng(1)
    inputs = [G.tensor(rng.standard_normal((2, 3)), requires_grad=True) for _ in range(3)]
    assert G.autograd.gradcheck(lambda a, b, c: G.addcmul(a, b, c, value=-0.7), inputs)


def test_addcmul_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="addcmul"):
        G.addcmul(G.zeros(2, 3), G.zeros(4), G.zeros(2, 3))


def test_equality_with_none_is_python_false_as_in_torch():
    x = G.tensor([1.0, 2.0])
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711


@pytest.mark.parametrize("f", [lambda x: x == 2**70, lambda x: x + 2**70, lambda x: x * 2**70])
def test_numbers_beyond_the_integer_dtype_are_named(f):
    with pytest.raises(OverflowError, match=r"1180591620717411303424 does not fit .* int64"):
        f(G.tensor([1, 2]))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("other", [1e30, "f64", "f32"])
def test_a_0d_float16_tensor_divided_by_a_big_number(other):
    x = np.array(-np.inf, np.float16)
    g_o, t_o = {
        "f64": (G.tensor(1e30, dtype=G.float64), torch.tensor(1e30, dtype=torch.float64)),
        "f32": (G.tensor(1e30), torch.tensor(1e30)),
    }.get(other, (other, other))
    got, want = G.tensor(x) / g_o, torch.tensor(x) / t_o
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ["digamma", "lgamma", "reciprocal", "erf", "tan", "logit", "log2"])
def test_float16_derivative_is_rounded_before_the_product(name):
    x = np.float16([-0.00308, 0.5, -0.005203, 1.5, 1e-3, 6.437e-06])
    up = np.float16([0.3, -2.0, 0.25, 1.0, 0.01, 0.4])
    g, t = G.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (getattr(g, name)() * G.tensor(up)).sum().backward()
    (getattr(t, name)() * torch.tensor(up)).sum().backward()
    assert g.grad.dtype == G.float16
    np.testing.assert_array_equal(np.isinf(g.grad.numpy()), np.isinf(t.grad.numpy()))
    np.testing.assert_allclose(g.grad.numpy(), t.grad.numpy(), rtol=2e-2)


@pytest.mark.parametrize(
    "a, b",
    [
        (np.int64([1, 2]), 1.5),
        (np.float32([1.0]), np.array(1.0)),
        (np.int32([1]), np.int64(3)),
        (np.array([True]), 2),
        (np.float16([1.0]), np.float32([1.0])),
        (np.int64([1]), np.array(2.5)),
        (np.array(1, dtype=np.int32), np.array(1.0, dtype=np.float64)),
    ],
)
def test_result_type_as_torch(a, b):
    g_b = (
        G.tensor(b) if isinstance(b, np.ndarray) else (b.item() if isinstance(b, np.generic) else b)
    )
    t_b = torch.tensor(b) if isinstance(b, np.ndarray) else g_b
    got = G.result_type(G.tensor(a), g_b)
    want = torch.result_type(torch.tensor(a), t_b)
    assert str(got) == str(want).removeprefix("torch.")


@pytest.mark.parametrize(
    "a, b", [("int64", "float16"), ("bool", "int32"), ("float32", "float64"), ("uint8", "int8")]
)
def test_promote_types_as_torch(a, b):
    got = G.promote_types(getattr(G, a), getattr(G, b))
    assert str(got) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).split(".")[1]


def test_result_type_needs_a_tensor():
    with pytest.raises(TypeError, match="result_type: expected at least one Tensor"):
        G.result_type(1, 2.0)


@pytest.mark.parametrize("p", [2, 1, 3, float("inf")])
def test_norm_of_one_number_is_its_size_without_overflow(p):
    x = np.float32([[1e30], [-3e20]])
    got = G.tensor(x).norm(p=p, dim=1)
    np.testing.assert_array_equal(got.numpy(), torch.tensor(x).norm(p=p, dim=1).numpy())
    sim = G.nn.functional.cosine_similarity(G.tensor([[-0.5]]), G.tensor(1e30))
    assert sim.tolist() == [-1.0]


@pytest.mark.parametrize(
    "other", [np.array(-0.80193144, np.float32), 70000.0, np.array(3.0001, np.float64)]
)
@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_float16_floor_divide_keeps_the_number_wide_remainder_does_not(op, other):
    x = np.float16([-0.802, 5.0, 1e-3])
    g_o = G.tensor(other) if isinstance(other, np.ndarray) else other
    t_o = torch.tensor(other) if isinstance(other, np.ndarray) else other
    got = getattr(G, op)(G.tensor(x), g_o)
    want = getattr(torch, op)(torch.tensor(x), t_o)
    assert got.dtype == G.float16
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    if op == "floor_divide":
        np.testing.assert_array_equal(G.tensor(x).floor_divide_(g_o).numpy(), want.numpy())
