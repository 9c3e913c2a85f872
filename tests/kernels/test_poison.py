"""Poison mode (glassnet/kernels/cache.py): every kernel path gives the same bits with every
undefined buffer filled with NaN as with reused buffers, so no kernel reads an entry it did not
write, and no `bordered` workspace is shared by two layouts.

The table below is run twice with reuse on, in an order where buffers of one size meet several
layouts, then once poisoned; `test_every_convolution_path_is_covered` checks (by spying on the
kernels) that it reaches every path `glassnet.kernels.conv` chooses among. The fuzz tables run
poisoned in tests/kernels/test_poison_fuzz.py (and all of them with GLASSNET_POISON_WORKSPACES=1).
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as G
import glassnet.nn.functional as F
from glassnet.kernels import batch_inner, depthwise, flat_rows, im2col
from glassnet.kernels import conv as kconv
from glassnet.kernels.cache import Cache, poisoned


def _conv(fn, x, w, b=None, x_grad=True, w_grad=True, **kw):
    return fn, (x, w, b), (x_grad, w_grad, True), kw


# (function, input shapes, which inputs need a gradient, keyword arguments); the comment names
# the forward / backward path in glassnet.kernels.conv
CASES = [
    _conv(F.conv2d, (2, 4, 6, 5), (6, 4, 1, 1), (6,)),  # pointwise / pointwise
    _conv(F.conv2d, (2, 4, 7, 6), (3, 4, 1, 1), stride=2),  # strided pointwise
    _conv(F.conv2d, (2, 3, 6, 7), (4, 3, 3, 3), (4,), padding=1),  # flat / flat (O <= 2C)
    _conv(F.conv2d, (32, 16, 16, 16), (16, 16, 3, 3), padding=1),  # flat, 3 chunks
    _conv(F.conv2d, (2, 2, 5, 6), (8, 2, 3, 3), padding=1),  # flat / widening: cols of x
    _conv(F.conv2d, (2, 2, 5, 6), (8, 2, 3, 3), x_grad=False, padding=1),  # flat / dW only
    _conv(F.conv2d, (2, 4, 9, 8), (8, 4, 3, 3), (8,)),  # wide gemm / dW wide, dx wide
    _conv(F.conv2d, (2, 2, 9, 8), (8, 2, 3, 3)),  # wide gemm / dW narrow (C <= 3), dx wide
    _conv(F.conv2d, (2, 4, 9, 8), (8, 4, 3, 2), padding=(0, 1)),  # same padded width, other kw
    _conv(F.conv2d, (2, 4, 9, 10), (8, 4, 3, 3)),  # the padded size above, no padding
    _conv(F.conv2d, (3, 4, 13, 12), (6, 4, 3, 3), stride=2, padding=1),  # gemm / dW, col2im
    _conv(F.conv2d, (2, 4, 12, 12), (4, 4, 3, 3)),  # gemm / grads_stride1, wide
    _conv(F.conv2d, (2, 4, 12, 12), (4, 4, 3, 3), w_grad=False),  # grads_stride1, dx alone
    _conv(F.conv2d, (2, 4, 12, 13), (4, 2, 3, 3), groups=2, dilation=2, padding=1),  # narrow
    _conv(F.conv2d, (2, 4, 12, 13), (4, 4, 2, 2), padding=3),  # padding wider than the kernel
    _conv(F.conv2d, (2, 6, 11, 10), (6, 1, 3, 3), groups=6, padding=1),  # depthwise stride 1
    _conv(F.conv2d, (2, 6, 11, 10), (6, 1, 3, 3), groups=6, stride=2, padding=1),  # depthwise
    _conv(F.conv2d, (2, 4, 12, 11), (4, 1, 3, 2), groups=4, stride=(3, 2), dilation=2),
    _conv(F.conv2d, (8, 4, 6, 6), (6, 4, 3, 3), (6,)),  # batch_inner / batch_inner
    _conv(F.conv2d, (8, 4, 4, 4), (6, 4, 3, 2), padding=1),  # the padded size above
    _conv(F.conv2d, (9, 4, 9, 8), (6, 4, 3, 3), stride=2, padding=1),  # batch_inner phased
    _conv(F.conv2d, (8, 6, 10, 10), (4, 6, 3, 3), padding=(2, 0), dilation=(2, 1)),
    _conv(F.conv2d, (8, 4, 7, 7), (8, 4, 3, 3), x_grad=False, padding=1),  # inner, dW alone
    _conv(F.conv1d, (2, 3, 9), (5, 3, 3), (5,), padding=1),  # conv1d: a (1, W) plane
    _conv(F.conv1d, (2, 3, 11), (4, 3, 2), stride=2, padding=2),
    _conv(F.conv1d, (9, 4, 8), (4, 4, 3), dilation=2),
    _conv(F.conv_transpose2d, (2, 4, 5, 6), (4, 3, 3, 3), (3,), stride=2, padding=1),
    _conv(F.conv_transpose2d, (2, 4, 5, 5), (4, 2, 2, 3), groups=2, output_padding=1, stride=2),
    _conv(F.conv_transpose1d, (2, 3, 7), (3, 2, 3), dilation=2, padding=1),
    ((F.max_pool2d, ((2, 3, 7, 8),), (True,), {"kernel_size": 3, "stride": 2, "padding": 1})),
    ((F.max_pool2d, ((2, 3, 8, 6),), (True,), {"kernel_size": 2})),  # tiles exactly
    ((F.max_pool2d, ((2, 3, 9, 7),), (True,), {"kernel_size": 2})),  # tiles, remainder
    ((F.max_pool2d, ((1, 2, 9, 9),), (True,), {"kernel_size": 3, "dilation": 2, "padding": 1})),
    ((F.max_pool1d, ((2, 3, 9),), (True,), {"kernel_size": 3, "stride": 2, "padding": 1})),
    ((F.avg_pool2d, ((2, 3, 7, 8),), (True,), {"kernel_size": 3, "stride": 2, "padding": 1})),
    ((F.avg_pool2d, ((2, 3, 8, 6),), (True,), {"kernel_size": 2})),
    ((F.avg_pool1d, ((2, 3, 9),), (True,), {"kernel_size": 2, "padding": 1})),
    ((F.unfold, ((2, 3, 6, 7),), (True,), {"kernel_size": 3, "padding": 1, "stride": 2})),
    ((F.gelu, ((70_000,),), (True,), {})),  # two chunks of the float32 kernel
    (
        (
            F.batch_norm,
            ((4, 3, 5, 5), None, None, (3,), (3,)),
            (True, False, False, True, True),
            {"training": True},
        )
    ),  # fmt: skip
]


def _arrays(case, dtype, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    _, shapes, _, _ = case
    return tuple(None if s is None else rng.standard_normal(s).astype(dtype) for s in shapes)


def _run(case, arrays: tuple, seed: int) -> list[np.ndarray]:
    """The output and the gradients of every input that needs one, as fresh copies."""
    fn, _, grads, kwargs = case
    inputs = [
        None if a is None else G.tensor(a, requires_grad=g)
        for a, g in zip(arrays, grads, strict=True)
    ]
    y = fn(*inputs, **kwargs)
    up = np.random.default_rng(seed + 1).standard_normal(y.shape).astype(arrays[0].dtype)
    (y * G.tensor(up)).sum().backward()
    out = [np.array(y.detach().numpy(), copy=True)]
    out += [
        np.array(t.grad.numpy(), copy=True) for t in inputs if t is not None and t.grad is not None
    ]
    return out


def _table(dtype) -> list:
    arrays = [_arrays(case, dtype, i) for i, case in enumerate(CASES)]
    return [_run(case, a, i) for i, (case, a) in enumerate(zip(CASES, arrays, strict=True))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_kernel_path_gives_the_same_bits_poisoned(dtype):
    reused = _table(dtype)
    again = _table(dtype)  # every buffer now met by the other layouts of its size
    with poisoned():
        fresh = _table(dtype)
    for case, a, b, c in zip(CASES, reused, again, fresh, strict=True):
        name = f"{case[0].__name__}{case[1]} {case[3]}"
        wanted = sum(s is not None and g for s, g in zip(case[1], case[2], strict=True))
        assert len(a) == len(c) == 1 + wanted, name
        for u, v, w in zip(a, b, c, strict=True):
            assert u.dtype == w.dtype == dtype, name
            assert np.isfinite(w).all(), name
            np.testing.assert_array_equal(u, w, err_msg=name)
            np.testing.assert_array_equal(v, w, err_msg=name)


SPIED = {
    kconv: ["conv_gemm", "conv_weight_grad", "grads_stride1", "input_grad_wide",
            "input_grad_cols", "channel_major", "_pointwise_grads"],
    flat_rows: ["forward", "backward", "_weight_grad"],
    depthwise: ["forward", "backward"],
    batch_inner: ["forward", "backward"],
}  # fmt: skip


def test_every_convolution_path_is_covered(monkeypatch):
    seen = set()

    def spy(module, name):
        fn = getattr(module, name)

        def wrapper(*args, **kwargs):
            wide = name in ("conv_gemm", "conv_weight_grad") and args[-1] is True
            seen.add(f"{module.__name__.rsplit('.', 1)[-1]}.{name}{' wide' if wide else ''}")
            return fn(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for module, names in SPIED.items():
        for name in names:
            spy(module, name)
    _table(np.float32)
    want = {f"{m.__name__.rsplit('.', 1)[-1]}.{n}" for m, names in SPIED.items() for n in names}
    want |= {"conv.conv_gemm wide", "conv.conv_weight_grad wide"}
    assert want == seen


def test_poison_catches_a_read_of_a_never_written_entry():
    cache = Cache(poison=True)

    def total_with_a_stray_read(x):  # writes n entries of n + 1, sums all of them
        buf = cache.workspace("t", (x.size + 1,), x.dtype)
        buf[: x.size] = x
        return buf.sum()

    def total(x):
        buf = cache.workspace("t", (x.size + 1,), x.dtype)
        buf[: x.size] = x
        buf[x.size] = 0
        return buf.sum()

    x = np.arange(4.0)
    assert np.isnan(total_with_a_stray_read(x)) and total(x) == 6


def _spread_wide_before_the_fix(g, out_hw, padded_w):
    """im2col._spread_wide as it was: junk columns left as the last user left them."""
    G_, Og, L = g.shape
    Ho, Wo = out_hw
    m = L // (Ho * Wo)
    spread = im2col.workspace("wide_gy", (G_, Og, m, Ho, padded_w), g.dtype)
    np.copyto(spread[..., :Wo], g.reshape(G_, Og, m, Ho, Wo))
    return im2col._view(spread, (G_, Og, m * Ho * padded_w))


def test_poison_catches_the_stale_junk_columns_of_the_old_wide_rows(monkeypatch):
    monkeypatch.setattr(im2col, "_spread_wide", _spread_wide_before_the_fix)
    case = _conv(F.conv2d, (2, 4, 9, 8), (8, 4, 3, 3))  # wide rows both ways
    arrays = _arrays(case, np.float32, 0)
    with poisoned():
        y, gx, gw = _run(case, arrays, 0)
    assert np.isfinite(y).all() and np.isnan(gx).any() and np.isnan(gw).any()


def test_comparing_with_poison_catches_a_layout_missing_from_the_key():
    def pad_left(x, left, cache):  # keyed by the size alone: two paddings share the buffer
        buf = cache.bordered("pad", (x.size + 2,), x.dtype, layout=x.size + 2)
        buf[left : left + x.size] = x
        return buf.copy()

    x = np.ones(3)
    reused = Cache()
    pad_left(x, 0, reused)
    stale = pad_left(x, 2, reused)  # entry 0 is still the first call's 1
    fresh = pad_left(x, 2, Cache(poison=True))
    assert stale[0] == 1 and fresh[0] == 0
