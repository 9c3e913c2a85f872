"""conv1d/conv2d, conv_transpose1d/2d, unfold/fold against torch 2.13 over a grid of arguments,
gradcheck in float64, buffer reuse, dtypes and every error message."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
from glassnet.autograd import gradcheck
from glassnet.kernels.cache import CACHE
from glassnet.nn import functional as F
from tests.ops._torch_pair import both, randn

# (N, C, H, W, O, kernel, stride, padding, dilation, groups)
CONV2D_GRID = [
    (2, 3, 9, 8, 4, 3, 1, 1, 1, 1),
    (1, 4, 10, 7, 6, 3, 2, 0, 1, 2),  # batch 1, groups
    (3, 6, 11, 12, 6, 3, 2, 2, 2, 3),  # dilation and stride together
    (2, 2, 8, 8, 4, (2, 3), (1, 2), (1, 0), (2, 1), 1),  # rectangular everything
    (2, 3, 7, 7, 5, 4, 1, "same", 1, 1),  # 'same' with an even kernel pads more at the end
    (2, 3, 7, 9, 5, 3, 1, "same", 2, 1),
    (2, 3, 7, 7, 5, 3, 1, "valid", 2, 1),
    (1, 1, 5, 5, 1, 5, 1, 0, 1, 1),  # kernel as large as the input: one output pixel
    (2, 4, 6, 5, 4, 1, 1, 0, 1, 4),  # depthwise 1x1
    (2, 3, 13, 11, 2, 5, 3, 2, 1, 1),  # odd sizes, stride leaves pixels unused
    (8, 5, 4, 4, 6, 3, 1, 1, 1, 1),  # small maps, 8 images: the batch-innermost columns
    (9, 3, 9, 8, 4, 3, 2, 1, 1, 1),  # ... strided: split by stride phase first
    (3, 4, 9, 10, 4, 3, 2, 1, 1, 4),  # strided depthwise: stride-phase planes
    (2, 5, 8, 7, 5, (3, 5), 1, "same", (2, 1), 5),  # dilated depthwise, rectangular kernel
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("config", CONV2D_GRID)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("cache_on", [True, False])  # every kernel with and without reuse
def test_conv2d_matches_torch(config, bias, cache_on, monkeypatch):
    monkeypatch.setattr(CACHE, "enabled", cache_on)
    N, C, H, W, O, k, s, p, d, g = config
    kh, kw = k if isinstance(k, tuple) else (k, k)
    arrays = [
        randn((N, C, H, W), 1),
        randn((O, C // g, kh, kw), 2),
        randn((O,), 3) if bias else None,
    ]
    kwargs = dict(stride=s, padding=p, dilation=d, groups=g)
    both(
        lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv2d(x, w, b, **kwargs),
        arrays,
    )


@pytest.mark.parametrize(
    "config",
    [(2, 4, 13, 6, 3, 2, 2, 2, 2), (1, 3, 10, 5, 4, 1, "same", 3, 1), (3, 2, 9, 4, 2, 3, 0, 1, 2)],
)
def test_conv1d_matches_torch(config):
    N, C, L, O, k, s, p, d, g = config
    arrays = [randn((N, C, L), 1), randn((O, C // g, k), 2), randn((O,), 3)]
    kwargs = dict(stride=s, padding=p, dilation=d, groups=g)
    both(
        lambda x, w, b: F.conv1d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv1d(x, w, b, **kwargs),
        arrays,
    )


@pytest.mark.parametrize(
    "s, p, op, d, g",
    [
        (1, 0, 0, 1, 1),
        (2, 1, 1, 1, 2),
        (3, 2, 1, 2, 1),
        ((2, 1), (0, 1), (1, 0), 1, 2),
        (2, 0, 0, 1, 1),
    ],
)
def test_conv_transpose2d_matches_torch(s, p, op, d, g):
    arrays = [randn((2, 4, 5, 6), 1), randn((4, 3, 3, 2), 2), randn((3 * g,), 3)]
    kwargs = dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
    both(
        lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv_transpose2d(x, w, b, **kwargs),
        arrays,
    )


def test_conv_transpose1d_matches_torch():
    arrays = [randn((1, 4, 7), 1), randn((4, 2, 3), 2), None]
    kwargs = dict(stride=2, padding=1, output_padding=1, groups=2)
    both(
        lambda x, w, b: F.conv_transpose1d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv_transpose1d(x, w, b, **kwargs),
        arrays,
    )


@pytest.mark.parametrize(
    "kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=2)]
)
def test_unfold_and_fold_match_torch(kw):
    both(lambda x: F.unfold(x, **kw), lambda x: TF.unfold(x, **kw), [randn((2, 3, 7, 8), 1)])
    L = TF.unfold(torch.zeros(1, 1, 7, 8), **kw).shape[-1]
    ks = kw["kernel_size"]
    k = ks * ks if isinstance(ks, int) else int(np.prod(ks))
    both(
        lambda c: F.fold(c, (7, 8), **kw),
        lambda c: TF.fold(c, (7, 8), **kw),
        [randn((2, 3 * k, L), 2)],
    )


def test_unbatched_input():
    both(
        lambda x, w: F.conv2d(x, w, padding=1),
        lambda x, w: TF.conv2d(x, w, padding=1),
        [randn((3, 6, 5), 1), randn((2, 3, 3, 3), 2)],
    )


def test_float32_stays_float32_and_matches_torch():
    x, w, b = (
        randn((4, 3, 12, 12), 1, np.float32),
        randn((8, 3, 5, 5), 2, np.float32),
        randn((8,), 3, np.float32),
    )
    both(
        lambda x, w, b: F.conv2d(x, w, b, padding=2),
        lambda x, w, b: TF.conv2d(x, w, b, padding=2),
        [x, w, b],
        rtol=1e-4,
        atol=1e-4,
    )


def test_gradcheck_float64():
    x = glassnet.tensor(randn((2, 4, 6, 5), 1), requires_grad=True)
    w = glassnet.tensor(randn((4, 2, 3, 2), 2), requires_grad=True)
    b = glassnet.tensor(randn((4,), 3), requires_grad=True)
    assert gradcheck(
        lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
        (x, w, b),
    )
    wt = glassnet.tensor(randn((4, 3, 2, 3), 4), requires_grad=True)
    assert gradcheck(
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1), (x, wt)
    )
    assert gradcheck(lambda x: F.unfold(x, 3, padding=1, stride=2), (x,))
    c = glassnet.tensor(randn((1, 8, 6), 5), requires_grad=True)
    assert gradcheck(lambda c: F.fold(c, (3, 4), 2, stride=1), (c,))
    x1 = glassnet.tensor(randn((2, 2, 9), 6), requires_grad=True)
    w1 = glassnet.tensor(randn((3, 2, 3), 7), requires_grad=True)
    assert gradcheck(lambda x, w: F.conv1d(x, w, padding="same", dilation=2), (x1, w1))


@pytest.mark.parametrize("stride, groups", [(1, 1), (2, 1), (1, 3), (2, 3)])
def test_gradcheck_float64_small_maps_and_depthwise(stride, groups):
    """The batch-innermost columns (8 images, small maps) and the depthwise kernels."""
    x = glassnet.tensor(randn((8, 3, 5, 4), 1), requires_grad=True)
    w = glassnet.tensor(randn((3, 3 // groups, 3, 2), 2), requires_grad=True)
    assert gradcheck(lambda x, w: F.conv2d(x, w, stride=stride, padding=1, groups=groups), (x, w))


def test_same_shapes_twice_before_backward():
    """The padded-input scratch buffer is shared by convolutions of the same shape: two of them
    in one graph (as in a ResNet block) must not see each other's data."""
    x = randn((2, 3, 8, 8), 1)
    w1, w2 = randn((3, 3, 3, 3), 2), randn((3, 3, 3, 3), 3)
    both(
        lambda x, a, b: (
            F.conv2d(F.conv2d(x, a, padding=1), b, padding=1) + F.conv2d(x, b, padding=1)
        ),
        lambda x, a, b: (
            TF.conv2d(TF.conv2d(x, a, padding=1), b, padding=1) + TF.conv2d(x, b, padding=1)
        ),
        [x, w1, w2],
    )


def test_no_grad_for_input_when_not_required():
    x = glassnet.tensor(randn((2, 1, 6, 6), 1))
    w = glassnet.tensor(randn((2, 1, 3, 3), 2), requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad is not None


W3 = glassnet.zeros(4, 3, 3, 3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.conv2d(glassnet.zeros(1, 2, 5, 5), glassnet.zeros(4, 3, 3, 3)),
         r"expects input with 3 channels, got input of shape \(1, 2, 5, 5\)"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), W3, padding="full"),
         "padding must be 'valid', 'same'"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), W3, stride=2, padding="same"),
         "not supported for strided"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 2, 2), glassnet.zeros(4, 3, 3, 3)),
         "smaller than the dilated kernel"),
        (lambda: F.conv2d(glassnet.zeros(1, 4, 5, 5), glassnet.zeros(3, 2, 3, 3), groups=2),
         "not divisible by groups"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), W3, glassnet.zeros(3)),
         r"bias shape \(3,\) should be \(4,\)"),
        (lambda: F.conv2d(glassnet.zeros(3, 5), glassnet.zeros(4, 3, 3, 3)),
         "expected a 4-d input"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), glassnet.zeros(4, 3, 3)),
         "weight must have 4 dimensions"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), glassnet.zeros(4, 3, 3, 3), padding=-1),
         "non-negative"),
        (lambda: F.conv2d(glassnet.zeros(1, 3, 5, 5), glassnet.zeros(4, 3, 3, 3), stride=0),
         "stride and dilation must be >= 1"),
        (lambda: F.conv_transpose2d(glassnet.zeros(1, 3, 5, 5), glassnet.zeros(4, 2, 3, 3)),
         "expects input with 4 channels"),
        (lambda: F.conv_transpose2d(glassnet.zeros(1, 4, 5, 5), W3[:, :2], output_padding=1),
         "output_padding"),
        (lambda: F.fold(glassnet.zeros(1, 8, 5), (3, 4), 2), r"expected \(N, C\*4, 6\)"),
        (lambda: F.unfold(glassnet.zeros(1, 1, 2, 2), 3), "smaller than the kernel"),
    ],
)  # fmt: skip
def test_value_errors(call, message):
    """Each message names the op, the argument and the shapes involved."""
    with pytest.raises(ValueError, match=message):
        call()


def test_type_errors():
    with pytest.raises(TypeError, match="kernel_size must be an int or a tuple of 2 ints"):
        F.unfold(glassnet.zeros(1, 1, 4, 4), (2, 2, 2))
    with pytest.raises(TypeError, match="input is float64 but weight is float32"):
        F.conv2d(glassnet.zeros(1, 1, 4, 4, dtype=glassnet.float64), glassnet.zeros(1, 1, 2, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.conv2d(x, glassnet.zeros(2, 1, 2, 2)),
        lambda x: F.conv_transpose2d(x, glassnet.zeros(1, 2, 2, 2)),
        lambda x: F.conv1d(x[0], glassnet.zeros(2, 1, 2)),
        lambda x: F.conv_transpose1d(x[0], glassnet.zeros(1, 2, 2)),
    ],
)
def test_unbatched_input_of_another_dtype_than_the_weight_is_refused(call):
    """As torch (and as batched inputs already were): a float64 (C, H, W) input with a float32
    weight is an error, not a silent float64 result."""
    with pytest.raises(TypeError, match="input is float64 but weight is float32"):
        call(glassnet.zeros(1, 4, 4, dtype=glassnet.float64))


def test_outputs_held_across_calls_are_not_overwritten():
    # results live in recycled buffers: ones still referenced must keep their values
    rng = np.random.default_rng(0)
    w = glassnet.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), requires_grad=True)
    xs = [glassnet.tensor(rng.standard_normal((2, 3, 6, 6)).astype(np.float32)) for _ in range(3)]
    ys = [F.conv2d(x, w, padding=1) for x in xs]
    expected = [TF.conv2d(torch.tensor(x._data), torch.tensor(w._data), padding=1) for x in xs]
    for _ in range(3):
        F.conv2d(xs[0], w, padding=1).sum().backward()
    for y, t in zip(ys, expected):
        np.testing.assert_allclose(y._data, t.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("config", [CONV2D_GRID[0], CONV2D_GRID[1], CONV2D_GRID[2]])
@pytest.mark.parametrize("chunk", [1, 200])  # one image per chunk; several, the last one partial
def test_columns_made_a_few_images_at_a_time_match_torch(config, chunk, monkeypatch):
    """conv_gemm, conv_weight_grad and the same-size input gradient all go chunk by chunk: with
    a tiny chunk every path runs over many chunks and must still equal torch."""
    from glassnet.kernels import im2col as im2col_ops

    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", chunk)
    monkeypatch.setattr(im2col_ops, "WIDE_GRAD_CHUNK", 4 * chunk)
    N, C, H, W, O, k, s, p, d, g = config
    N = 5  # not a multiple of the chunk's image count
    arrays = [randn((N, C, H, W), 1), randn((O, C // g, k, k), 2), randn((O,), 3)]
    kwargs = dict(stride=s, padding=p, dilation=d, groups=g)
    both(
        lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv2d(x, w, b, **kwargs),
        arrays,
    )


@pytest.mark.parametrize("k, g", [(1, 1), (5, 1), (3, 2)])
def test_wide_rows_of_an_unpadded_input_read_a_copy_with_slack(k, g, monkeypatch):
    """Without padding the input itself has no slack past its last plane: it is copied into the
    padded-input workspace first (1x1, valid 5x5 and grouped 3x3 convolutions over several
    chunks; their input gradients also go by wide rows)."""
    from glassnet.kernels import im2col as im2col_ops

    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", 300)
    monkeypatch.setattr(im2col_ops, "WIDE_GRAD_CHUNK", 1200)
    arrays = [randn((3, 4, 9, 11), 1), randn((6, 4 // g, k, k), 2), randn((6,), 3)]
    both(
        lambda x, w, b: F.conv2d(x, w, b, groups=g),
        lambda x, w, b: TF.conv2d(x, w, b, groups=g),
        arrays,
    )


@pytest.mark.parametrize("wants", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("channel_major", [False, True])
@pytest.mark.parametrize("junk_limit", [256, 0])  # wide rows, and narrow columns
def test_same_size_backward_shares_its_columns(wants, channel_major, junk_limit, monkeypatch):
    """A size-keeping convolution takes dL/dx and dL/dW from one set of columns of the padded
    gradient; each gradient alone, an input laid out channel-major (as a convolution's output
    is) or not, over several chunks, in wide rows and in narrow columns, must equal torch's."""
    from glassnet.kernels import im2col as im2col_ops

    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", 400)
    monkeypatch.setattr(im2col_ops, "WIDE_GRAD_CHUNK", 1600)
    monkeypatch.setattr(im2col_ops, "WIDE_JUNK_LIMIT", junk_limit)
    x_np, w_np = randn((5, 3, 7, 6), 1), randn((4, 3, 3, 3), 2)
    if channel_major:
        x_np = np.ascontiguousarray(x_np.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    gy = randn((5, 4, 7, 6), 3)
    x = glassnet.tensor(x_np, requires_grad=wants[0])
    w = glassnet.tensor(w_np, requires_grad=wants[1])
    F.conv2d(x, w, padding=1).backward(glassnet.tensor(gy))
    tx = torch.tensor(x_np, requires_grad=wants[0])
    tw = torch.tensor(w_np, requires_grad=wants[1])
    TF.conv2d(tx, tw, padding=1).backward(torch.tensor(gy))
    for g, t in ((x, tx), (w, tw)):
        if t.requires_grad:
            np.testing.assert_allclose(g.grad._data, t.grad.numpy(), rtol=1e-9, atol=1e-10)
        else:
            assert g.grad is None


@pytest.mark.parametrize("padding, stride", [(1, 1), (0, 1), (1, 2)])  # the three backward paths
def test_empty_batch_gives_zero_weight_gradient(padding, stride):
    """No images: the weight and bias gradients are zeros of their shapes, as in torch."""
    w_np, b_np = randn((4, 3, 3, 3), 1), randn((4,), 2)
    grads = []
    for lib, F_ in ((glassnet, F), (torch, TF)):
        x = lib.tensor(np.zeros((0, 3, 5, 5)), requires_grad=True)
        w, b = lib.tensor(w_np, requires_grad=True), lib.tensor(b_np, requires_grad=True)
        F_.conv2d(x, w, b, padding=padding, stride=stride).sum().backward()
        grads.append([np.asarray(t.grad._data if lib is glassnet else t.grad) for t in (x, w, b)])
    for ours, theirs in zip(*grads):
        assert ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)
