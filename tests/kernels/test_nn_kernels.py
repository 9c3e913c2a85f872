"""The activation and attention kernels against their textbook versions (kernels.reference_nn),
on random shapes."""

import numpy as np
import pytest

from glassnet.autograd.function import unbroadcast
from glassnet.kernels import attention, gelu, reference_nn, simd

RNG = np.random.default_rng(7)
SHAPES = [(0,), (5,), (3, 7), (1023,), (1025,), (16, 1024), (4, 33, 129), (70001,)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_is_max_zero(shape, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    y = simd.relu(x)
    assert y.dtype == dtype and y.shape == x.shape
    np.testing.assert_array_equal(y, reference_nn.relu(x))


def test_relu_keeps_the_memory_order_of_a_transposed_input():
    x = RNG.standard_normal((64, 512)).astype(np.float32).T
    y = simd.relu(x)
    assert y.flags.f_contiguous
    np.testing.assert_array_equal(y, reference_nn.relu(x))


@pytest.mark.parametrize("shape", SHAPES)
def test_clip_and_against_rows(shape):
    x = RNG.standard_normal(shape).astype(np.float32).ravel() * 3
    out = np.empty_like(x)
    np.testing.assert_array_equal(simd.clip(x, -0.5, 0.5, out), np.clip(x, -0.5, 0.5))
    simd.against_rows(np.minimum, x, 1.0, out)
    np.testing.assert_array_equal(out, np.minimum(x, np.float32(1.0)))


@pytest.mark.parametrize("shape", SHAPES)
def test_gelu_float32_forward_and_backward_match_the_erfc_form(shape):
    x = (RNG.standard_normal(shape) * 4).astype(np.float32)
    gy = RNG.standard_normal(shape).astype(np.float32)
    cdf, y = gelu.forward_float32(x)
    want_cdf, want_y = reference_nn.gelu_forward(x)
    assert cdf.dtype == y.dtype == np.float32 and y.shape == x.shape
    np.testing.assert_allclose(cdf, want_cdf, atol=3e-7)
    np.testing.assert_allclose(y, want_y, atol=2e-6, rtol=1e-6)
    gx = gelu.backward(x, cdf, gy)
    assert gx.dtype == np.float32
    np.testing.assert_allclose(gx, reference_nn.gelu_backward(x, gy), atol=3e-6, rtol=1e-5)


def test_gelu_float32_saturates_exactly_for_huge_inputs():
    x = np.array([-1e30, -50.0, 50.0, 1e30], np.float32)
    cdf, y = gelu.forward_float32(x)
    np.testing.assert_array_equal(cdf, [0, 0, 1, 1])
    np.testing.assert_array_equal(y, np.array([0, 0, 50, 1e30], np.float32))


def test_causal_mask_is_made_once_per_shape_and_read_only():
    m = attention.causal_mask(5, 7, np.dtype(np.float32))
    assert m is attention.causal_mask(5, 7, np.dtype(np.float32))
    assert m.dtype == np.float32 and not m.flags.writeable
    np.testing.assert_array_equal(m, reference_nn.causal_mask(5, 7))


CASES = [  # (batch dims of q, k, v), L, S, E, Ev, mask kind
    (((2, 3), (2, 3), (2, 3)), 6, 6, 4, 5, "causal"),
    (((2, 3), (2, 3), (2, 3)), 4, 7, 8, 3, "causal"),
    (((4,), (4,), (4,)), 5, 9, 3, 3, "float"),
    (((2, 3), (1, 3), (2, 1)), 6, 5, 4, 2, "broadcast"),
    (((), (), ()), 3, 3, 2, 2, None),
    (((3, 2), (3, 2), (3, 2)), 4, 4, 6, 6, "all-masked-row"),
]


def _mask(kind, L, S):
    if kind == "causal":
        return attention.causal_mask(L, S, np.dtype(np.float64))
    if kind == "float":
        return RNG.standard_normal((L, S))
    if kind == "broadcast":
        return RNG.standard_normal((1, 1, S))
    if kind == "all-masked-row":
        m = np.zeros((L, S))
        m[1] = -np.inf
        return m
    return None


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dropout", [False, True])
def test_attention_kernels_match_the_textbook_forward_and_backward(case, dropout):
    (bq, bk, bv), L, S, E, Ev, kind = case
    q = RNG.standard_normal(bq + (L, E))
    k = RNG.standard_normal(bk + (S, E))
    v = RNG.standard_normal(bv + (S, Ev))
    mask, scale = _mask(kind, L, S), 0.37
    batch = np.broadcast_shapes(bq, bk, bv)
    keep = (RNG.random(batch + (L, S)) > 0.3) / 0.7 if dropout else None
    go = RNG.standard_normal(batch + (L, Ev))

    p = attention.softmax_(attention.scores(q, k, scale, mask))
    pd = p if keep is None else p * keep
    out = attention.weighted_sum(pd, v)
    want_out, want_p = reference_nn.attention_forward(q, k, v, mask, scale, keep)
    np.testing.assert_allclose(p, want_p, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out, want_out, rtol=1e-12, atol=1e-14)

    gq, gk, gv, gs = reference_nn.attention_backward(q, k, v, want_p, keep, scale, go)
    gp = go @ np.swapaxes(v, -1, -2)
    if keep is not None:
        gp *= keep
    got_gs = attention.softmax_grad_(gp, p)
    np.testing.assert_allclose(got_gs, gs, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(
        attention.product_like(np.swapaxes(pd, -1, -2), go, v), unbroadcast(gv, v.shape),
        rtol=1e-10, atol=1e-13,
    )  # fmt: skip
    np.testing.assert_allclose(
        scale * attention.product_like(got_gs, k, q), unbroadcast(gq, q.shape), rtol=1e-10,
        atol=1e-13,
    )  # fmt: skip
    np.testing.assert_allclose(
        scale * attention.product_like(np.swapaxes(got_gs, -1, -2), q, k),
        unbroadcast(gk, k.shape), rtol=1e-10, atol=1e-13,
    )  # fmt: skip


def test_weighted_sum_lays_heads_out_side_by_side():
    pd = RNG.random((2, 3, 4, 5)).astype(np.float32)
    v = RNG.random((2, 3, 5, 6)).astype(np.float32)
    out = attention.weighted_sum(pd, v)
    assert out.transpose(0, 2, 1, 3).flags.c_contiguous  # (B, L, H, Ev) in memory
    np.testing.assert_allclose(out, pd @ v, rtol=1e-6)
