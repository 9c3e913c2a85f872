"""Loss functions against PyTorch: values and gradients (input and, where PyTorch has one, the
target) for every reduction and option, float64 finite differences, stability, errors."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
from glassnet.autograd import gradcheck
from glassnet.ops import loss as L

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


def compare(ours, theirs, arrays, wrt, rtol=1e-10, atol=1e-12, **kwargs):
    """Run ours(*tensors, **kwargs) and theirs(*torch_tensors, **kwargs) on the same arrays;
    compare values and the gradients of the inputs listed in `wrt`."""
    gs = [glassnet.tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    y, yt = ours(*gs, **kwargs), theirs(*ts, **kwargs)
    assert y.dtype == arrays[0].dtype
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=rtol, atol=atol)
    if not wrt:
        return y
    gy = np.random.default_rng(5).uniform(0.5, 1.5, y._data.shape).astype(y.dtype)
    y.backward(glassnet.tensor(gy))
    yt.backward(torch.tensor(gy))
    for i in wrt:
        assert gs[i].grad.dtype == arrays[i].dtype
        np.testing.assert_allclose(gs[i].grad._data, ts[i].grad.numpy(), rtol=rtol, atol=atol)
    return y


# ----------------------------------------------------------------------------- regression
REGRESSION = {
    "mse": (L.mse_loss, TF.mse_loss, {}),
    "l1": (L.l1_loss, TF.l1_loss, {}),
    "huber_05": (L.huber_loss, TF.huber_loss, {"delta": 0.5}),
    "huber_2": (L.huber_loss, TF.huber_loss, {"delta": 2.0}),
    "smooth_l1": (L.smooth_l1_loss, TF.smooth_l1_loss, {}),
    "smooth_l1_b03": (L.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.3}),
    "smooth_l1_b0": (L.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.0}),
}


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(), (6,), (3, 4), (2, 3, 2)])
def test_regression_losses(name, reduction, shape):
    ours, theirs, kw = REGRESSION[name]
    x, y = rng.normal(0, 2, shape), rng.normal(0, 2, shape)
    compare(ours, theirs, [x, y], wrt=(0, 1), reduction=reduction, **kw)


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_float32_and_gradcheck(name):
    ours, theirs, kw = REGRESSION[name]
    x, y = rng.normal(0, 2, (3, 5)), rng.normal(0, 2, (3, 5))
    compare(ours, theirs, [x.astype(np.float32), y.astype(np.float32)], (0, 1), 1e-5, 1e-6, **kw)
    xs = glassnet.tensor(x, requires_grad=True)
    ys = glassnet.tensor(y, requires_grad=True)
    assert gradcheck(lambda a, b: ours(a, b, reduction="none", **kw), (xs, ys))


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_broadcast_target_warns_and_matches_torch():
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(3,))
    with pytest.warns(UserWarning, match=r"mse_loss: target shape \(3,\) differs from input"):
        with warnings.catch_warnings():
            compare(L.mse_loss, TF.mse_loss, [x, y], wrt=(0, 1))


def test_gaussian_nll():
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    var = rng.uniform(0.1, 2, (4, 3))
    var[0, 0] = 1e-8  # below eps: clamped, the gradient passes as PyTorch's does
    for reduction in REDUCTIONS:
        for full in (False, True):
            compare(
                L.gaussian_nll_loss,
                TF.gaussian_nll_loss,
                [x, y, var],
                (0, 1, 2),
                full=full,
                reduction=reduction,
            )
    compare(L.gaussian_nll_loss, TF.gaussian_nll_loss, [x, y, var[:, 0]], (0, 1, 2))
    compare(L.gaussian_nll_loss, TF.gaussian_nll_loss, [x, y, var[:, :1]], (0, 1, 2))
    args = [glassnet.tensor(a, requires_grad=True) for a in (x, y, var[:, :1] + 0.5)]
    assert gradcheck(lambda a, b, v: L.gaussian_nll_loss(a, b, v, reduction="sum"), args)


# ----------------------------------------------------------------------------- binary
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    x = rng.uniform(0.02, 0.98, (5, 3))
    x[0, :2] = [0.0, 1.0]  # the logs clamp at -100
    y = rng.uniform(0, 1, (5, 3))
    w = rng.uniform(0.5, 2, (3,)) if weighted else None

    def ours(a, b, **kw):
        return L.binary_cross_entropy(a, b, None if w is None else glassnet.tensor(w), **kw)

    def theirs(a, b, **kw):
        return TF.binary_cross_entropy(a, b, None if w is None else torch.tensor(w), **kw)

    # at x = 0 and 1 the gradient divides by max(x (1 - x), 1e-12); PyTorch rounds that 1e-12
    # to float32 (relative error 4e-9) even in float64. The target's gradient -ln(x / (1 - x))
    # is not clamped, as PyTorch's: +inf at x = 0 and -inf at x = 1
    compare(ours, theirs, [x, y], (0, 1), rtol=1e-8, reduction=reduction)


def test_binary_cross_entropy_target_gradient_is_infinite_at_0_and_1_as_torch():
    x = np.array([0.0, 1.0, 0.25], dtype=np.float32)
    y = np.array([0.3, 0.6, 0.5], dtype=np.float32)
    compare(L.binary_cross_entropy, TF.binary_cross_entropy, [x, y], (0, 1), rtol=1e-6)
    t = glassnet.tensor(y, requires_grad=True)
    L.binary_cross_entropy(glassnet.tensor(x), t, reduction="sum").backward()
    assert t.grad.tolist()[:2] == [np.inf, -np.inf]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", ["none", "weight", "pos_weight", "both"])
def test_bce_with_logits(reduction, weights):
    x, y = rng.normal(0, 3, (6, 4)), rng.uniform(0, 1, (6, 4))
    w = rng.uniform(0.5, 2, (6, 1)) if weights in ("weight", "both") else None
    p = rng.uniform(0.5, 3, (4,)) if weights in ("pos_weight", "both") else None

    def call(fn, lib, a, b, **kw):
        wrap = lambda v: None if v is None else lib.tensor(v)
        return fn(a, b, wrap(w), pos_weight=wrap(p), **kw)

    compare(
        lambda a, b, **kw: call(L.binary_cross_entropy_with_logits, glassnet, a, b, **kw),
        lambda a, b, **kw: call(TF.binary_cross_entropy_with_logits, torch, a, b, **kw),
        [x, y],
        (0, 1),
        reduction=reduction,
    )


def test_binary_gradcheck():
    x = glassnet.tensor(rng.uniform(0.1, 0.9, (3, 2)), requires_grad=True)
    y = glassnet.tensor(rng.uniform(0, 1, (3, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: L.binary_cross_entropy(a, b, reduction="none"), (x, y))
    z = glassnet.tensor(rng.normal(0, 2, (3, 2)), requires_grad=True)
    pw = glassnet.tensor([0.5, 3.0])
    assert gradcheck(
        lambda a, b: L.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction="none"),
        (z, y),
    )


# ----------------------------------------------------------------------------- kl_div
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    x = np.log(rng.dirichlet(np.ones(5), size=4))
    t = rng.dirichlet(np.ones(5), size=4)
    if log_target:
        t = np.log(t)
    else:
        t[0, 1] = 0.0  # 0 ln 0 = 0
    wrt = (0, 1) if log_target else (0,)
    compare(L.kl_div, TF.kl_div, [x, t], wrt, reduction=reduction, log_target=log_target)


def test_kl_div_target_gradient_and_gradcheck():
    x, t = rng.normal(size=(3, 4)), rng.uniform(0.1, 1, (3, 4))
    compare(L.kl_div, TF.kl_div, [x, t], (0, 1), reduction="sum")
    args = [glassnet.tensor(a, requires_grad=True) for a in (x, t)]
    assert gradcheck(lambda a, b: L.kl_div(a, b, reduction="batchmean"), args)


def test_kl_div_of_nan_negative_and_infinite_targets_matches_torch():
    """l = xlogy(t, t) - t x, as torch computes it: a NaN or negative target gives NaN, and so
    does t = 0 against x = -inf (0 * -inf); the target's gradient is NaN at t = 0 (t / t)."""
    x = np.array([0.5, -1.0, -np.inf, 0.3, 0.2, np.nan, 0.1])
    t = np.array([np.nan, 0.0, 0.0, -0.5, 0.3, 0.0, np.inf])
    with np.errstate(all="ignore"):
        y = compare(L.kl_div, TF.kl_div, [x, t], (0, 1), reduction="none")
    assert np.isnan(y._data[[0, 2, 3, 5, 6]]).all() and y._data[1] == 0


# ----------------------------------------------------------------------------- classification
def _labels(shape, num_classes, ignore=None):
    t = rng.integers(0, num_classes, shape)
    if ignore is not None and t.size > 1:
        t.reshape(-1)[::3] = ignore
    return t


CE_SHAPES = [(5,), (4, 5), (3, 5, 4), (2, 5, 3, 2)]  # (C,), (N, C), (N, C, d1), (N, C, d1, d2)


@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_indices(shape, reduction, weighted, smoothing):
    x = rng.normal(0, 2, shape)
    class_shape = shape[:1] if len(shape) == 1 else shape[:1] + shape[2:]
    t = _labels(() if len(shape) == 1 else class_shape, 5, ignore=3 if len(shape) > 1 else None)
    w = rng.uniform(0.5, 2, 5) if weighted else None

    def run(fn, lib, a, b):
        w_ = None if w is None else lib.tensor(w)
        return fn(
            a,
            b,
            w_,
            ignore_index=3 if len(shape) > 1 else -100,
            reduction=reduction,
            label_smoothing=smoothing,
        )

    compare(
        lambda a, b: run(L.cross_entropy, glassnet, a, b),
        lambda a, b: run(TF.cross_entropy, torch, a, b),
        [x, t],
        (0,),
    )


@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_probabilities(shape, reduction, weighted, smoothing):
    x = rng.normal(0, 2, shape)
    axis = 0 if len(shape) == 1 else 1
    t = np.moveaxis(rng.dirichlet(np.ones(5), size=shape[:axis] + shape[axis + 1 :]), -1, axis)
    w = rng.uniform(0.5, 2, 5) if weighted else None

    def run(fn, lib, a, b):
        w_ = None if w is None else lib.tensor(w)
        return fn(a, b, w_, reduction=reduction, label_smoothing=smoothing)

    compare(
        lambda a, b: run(L.cross_entropy, glassnet, a, b),
        lambda a, b: run(TF.cross_entropy, torch, a, b),
        [x, t],
        (0, 1),
    )


def test_cross_entropy_gradcheck_and_float32():
    x = glassnet.tensor(rng.normal(size=(3, 4, 2)), requires_grad=True)
    t = glassnet.tensor(np.array([[0, 3], [1, -100], [2, 2]]))
    w = glassnet.tensor([1.0, 2.0, 0.5, 1.5], dtype=glassnet.float64)
    assert gradcheck(lambda a: L.cross_entropy(a, t, w, label_smoothing=0.1), (x,))
    p = glassnet.tensor(rng.dirichlet(np.ones(4), size=3), requires_grad=True)
    x2 = glassnet.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    assert gradcheck(lambda a, b: L.cross_entropy(a, b, label_smoothing=0.2), (x2, p))
    x32 = rng.normal(size=(6, 5)).astype(np.float32)
    compare(L.cross_entropy, TF.cross_entropy, [x32, _labels((6,), 5)], (0,), 1e-5, 1e-6)


def test_cross_entropy_everything_ignored_is_nan_like_torch():
    x = rng.normal(size=(2, 3))
    t = np.array([-100, -100])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = L.cross_entropy(glassnet.tensor(x), glassnet.tensor(t))
    assert np.isnan(y.item()) and np.isnan(
        TF.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (L.cross_entropy, TF.cross_entropy, {}),
        (L.cross_entropy, TF.cross_entropy, {"label_smoothing": 0.1}),
        (L.nll_loss, TF.nll_loss, {}),
    ],
)
def test_ignored_samples_are_absent_even_when_their_scores_are_nan(ours, theirs, kwargs, reduction):
    """An ignored sample's loss is 0, not 0 * NaN, as in PyTorch (which never reads it)."""
    x = rng.normal(size=(3, 4))
    x[0, 1], x[1, 2] = np.nan, np.inf
    t = np.array([-100, -100, 2])
    with np.errstate(invalid="ignore"):
        y = compare(ours, theirs, [x, t], (), reduction=reduction, **kwargs)
    assert np.isfinite(y._data).all()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (L.cross_entropy, TF.cross_entropy, {}),
        (L.cross_entropy, TF.cross_entropy, {"label_smoothing": 0.2}),
        (L.nll_loss, TF.nll_loss, {}),
    ],
)
def test_ignored_samples_get_zero_gradient_even_when_the_mean_is_nan(
    ours, theirs, kwargs, weighted
):
    """Every sample ignored: the 'mean' is 0 / 0 = nan, yet the ignored samples are absent and
    their gradient is 0, as in PyTorch; a counted sample of weight 0 gets nan, also as there."""
    x = rng.normal(size=(4, 5))
    weight = rng.uniform(0.5, 2, 5) if weighted else None
    zero_for_class_0 = np.r_[0.0, np.ones(4)]
    for t, w in ((np.array([3, 3, 3, 3]), weight), (np.array([0, 3, 0, 3]), zero_for_class_0)):

        def run(fn, lib, a, b, w=w):
            w_ = None if w is None else lib.tensor(w)
            return fn(a, b, w_, ignore_index=3, **kwargs)

        with np.errstate(invalid="ignore", divide="ignore"):
            compare(
                lambda a, b: run(ours, glassnet, a, b),
                lambda a, b: run(theirs, torch, a, b),
                [x, t],
                (0,),
            )


@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss(shape, reduction, weighted):
    axis = 0 if len(shape) == 1 else 1
    probabilities = rng.dirichlet(np.ones(5), size=shape[:axis] + shape[axis + 1 :])  # (..., C)
    x = np.ascontiguousarray(np.moveaxis(np.log(probabilities), -1, axis))
    class_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    t = _labels(class_shape, 5, ignore=-100 if len(shape) > 1 else None)
    w = rng.uniform(0.5, 2, 5) if weighted else None

    def run(fn, lib, a, b):
        return fn(a, b, None if w is None else lib.tensor(w), reduction=reduction)

    compare(
        lambda a, b: run(L.nll_loss, glassnet, a, b),
        lambda a, b: run(TF.nll_loss, torch, a, b),
        [x, t],
        (0,),
    )


def test_stable_for_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], dtype=np.float32)
    t = np.array([1, 1])
    y = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.5]], dtype=np.float32)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        compare(L.cross_entropy, TF.cross_entropy, [x, t], (0,), 1e-6, 1e-6)
        compare(
            L.cross_entropy,
            TF.cross_entropy,
            [x, y / y.sum(1, keepdims=True)],
            (0,),
            1e-6,
            1e-6,
            label_smoothing=0.1,
        )
        compare(
            L.binary_cross_entropy_with_logits,
            TF.binary_cross_entropy_with_logits,
            [x, y],
            (0, 1),
            1e-6,
            1e-6,
        )


# ----------------------------------------------------------------------------- margin losses
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding_loss(reduction):
    x, t = rng.normal(0, 2, (4, 3)), rng.choice([-1.0, 1.0], (4, 3))
    compare(
        L.hinge_embedding_loss,
        TF.hinge_embedding_loss,
        [x, t],
        (0,),
        margin=0.7,
        reduction=reduction,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 1.0])
def test_hinge_loss(reduction, margin):
    def theirs(a, b, reduction):
        l = torch.clamp(margin - b * a, min=0)
        return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]

    x, t = rng.normal(0, 2, (7,)), rng.choice([-1, 1], (7,))
    compare(
        lambda a, b, reduction: L.hinge_loss(a, b, margin, reduction),
        theirs,
        [x, t.astype(np.float64)],
        (0,),
        reduction=reduction,
    )
    # integer labels work too
    l = L.hinge_loss(glassnet.tensor(x), glassnet.tensor(t), margin, reduction)
    np.testing.assert_allclose(l._data, theirs(torch.tensor(x), torch.tensor(t), reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 3), (3,)])
def test_cosine_embedding_loss(reduction, shape):
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    t = rng.choice([-1.0, 1.0], shape[:-1])
    compare(
        L.cosine_embedding_loss,
        TF.cosine_embedding_loss,
        [a, b, t],
        (0, 1),
        margin=0.1,
        reduction=reduction,
    )


def test_margin_gradchecks():
    x = glassnet.tensor(rng.normal(0, 2, (5,)), requires_grad=True)
    t = glassnet.tensor([1.0, -1.0, 1.0, -1.0, -1.0], dtype=glassnet.float64)
    assert gradcheck(lambda a: L.hinge_loss(a, t, reduction="none"), (x,))
    assert gradcheck(lambda a: L.hinge_embedding_loss(a, t, reduction="none"), (x,))
    a, b = (glassnet.tensor(rng.normal(size=(5, 3)), requires_grad=True) for _ in range(2))
    assert gradcheck(lambda p, q: L.cosine_embedding_loss(p, q, t, reduction="none"), (a, b))


# ----------------------------------------------------------------------------- errors
def _t(*shape, dtype=glassnet.float32):
    return glassnet.zeros(*shape, dtype=dtype)


def test_error_messages():
    x = _t(4, 3)
    with pytest.raises(
        ValueError, match="mse_loss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"
    ):
        L.mse_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="kl_div: reduction must be one of .*'batchmean'"):
        L.kl_div(x, x, reduction="batch")
    with pytest.raises(
        ValueError,
        match=r"l1_loss: target shape \(4, 2\) does not broadcast "
        r"with input shape \(4, 3\)",
    ):
        L.l1_loss(x, _t(4, 2))
    with pytest.raises(TypeError, match="mse_loss: input is float32 but target is float64"):
        L.mse_loss(x, _t(4, 3, dtype=glassnet.float64))
    with pytest.raises(
        TypeError, match="mse_loss: target must be a floating point tensor, got int64"
    ):
        L.mse_loss(x, glassnet.zeros(4, 3, dtype=glassnet.int64))
    with pytest.raises(TypeError, match="huber_loss: input must be a glassnet Tensor, got ndarray"):
        L.huber_loss(np.zeros(3), x)
    with pytest.raises(ValueError, match="huber_loss: delta must be positive, got 0"):
        L.huber_loss(x, x, delta=0)
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be non-negative, got -1"):
        L.smooth_l1_loss(x, x, beta=-1)
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: target shape \(4,\) must be "
        r"the same as input shape \(4, 3\)",
    ):
        L.binary_cross_entropy(x, _t(4))
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: all elements of input must be "
        r"probabilities in \[0, 1\] \(found values in \[0.0, 1.5",
    ):
        L.binary_cross_entropy(glassnet.tensor([0.0, 1.5]), glassnet.tensor([0.0, 1.0]))
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy_with_logits: pos_weight shape "
        r"\(2,\) does not broadcast to input shape \(4, 3\)",
    ):
        L.binary_cross_entropy_with_logits(x, x, pos_weight=_t(2))
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: weight shape \(2, 4, 3\) does not broadcast to input "
        r"shape \(4, 3\)",
    ):
        L.binary_cross_entropy(x, x, _t(2, 4, 3))
    with pytest.raises(
        ValueError, match=r"binary_cross_entropy_with_logits: weight shape \(5, 1\) does not"
    ):
        L.binary_cross_entropy_with_logits(x, x, _t(5, 1))
    with pytest.raises(TypeError, match="binary_cross_entropy: weight must be a numeric tensor"):
        L.binary_cross_entropy(x, x, glassnet.tensor([True, False, True]))
    with pytest.raises(
        ValueError,
        match=r"gaussian_nll_loss: var shape \(4, 2\) does not fit "
        r"input shape \(4, 3\)",
    ):
        L.gaussian_nll_loss(x, x, _t(4, 2))
    with pytest.raises(ValueError, match="gaussian_nll_loss: var has negative entries"):
        L.gaussian_nll_loss(x, x, glassnet.full((4, 3), -1.0))


def test_classification_error_messages():
    x = _t(4, 3)
    labels = glassnet.tensor([0, 1, 2, 0])
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: input of shape \(4, 3\) needs a target "
        r"of shape \(4,\) \(class indices\) or \(4, 3\) \(class "
        r"probabilities\), got \(5,\)",
    ):
        L.cross_entropy(x, glassnet.tensor([0, 1, 2, 0, 1]))
    with pytest.raises(
        TypeError,
        match=r"cross_entropy: class-index targets must be integers "
        r"\(int64\), got float32 \(shape \(4,\)\)",
    ):
        L.cross_entropy(x, _t(4))
    with pytest.raises(IndexError, match="cross_entropy: target 3 is out of bounds for 3 classes"):
        L.cross_entropy(x, glassnet.tensor([0, 1, 3, 0]))
    with pytest.raises(IndexError, match="nll_loss: target -1 is out of bounds for 3 classes"):
        L.nll_loss(x, glassnet.tensor([0, 1, -1, 0]))
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: weight must have one entry per class, "
        r"shape \(3,\), got \(4,\)",
    ):
        L.cross_entropy(x, labels, _t(4))
    with pytest.raises(
        ValueError, match="cross_entropy: label_smoothing must be between 0 and 1, got 1.5"
    ):
        L.cross_entropy(x, labels, label_smoothing=1.5)
    with pytest.raises(
        ValueError,
        match="cross_entropy: ignore_index is not supported for class-probability targets",
    ):
        L.cross_entropy(x, x, ignore_index=0)
    with pytest.raises(ValueError, match="cross_entropy: input must have a class axis"):
        L.cross_entropy(_t(), glassnet.tensor(0))
    with pytest.raises(
        TypeError, match="nll_loss: input must be a floating point tensor of scores, got int64"
    ):
        L.nll_loss(labels, labels)
    with pytest.raises(
        ValueError,
        match=r"nll_loss: input of shape \(4, 3\) needs a target of "
        r"shape \(4,\) \(class indices\), got \(4, 3\)",
    ):
        L.nll_loss(x, x)
    with pytest.raises(
        TypeError, match="cross_entropy: input is float32 but the probability target is float64"
    ):
        L.cross_entropy(x, _t(4, 3, dtype=glassnet.float64))


def test_margin_error_messages():
    x = _t(3)
    with pytest.raises(
        ValueError,
        match=r"hinge_loss: target must contain only 1 and -1, got "
        r"values \[0\.? 1\.?\]",
    ):
        L.hinge_loss(x, glassnet.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(
        ValueError,
        match=r"hinge_loss: target shape \(1,\) must be the same as "
        r"input shape \(3,\)",
    ):
        L.hinge_loss(x, glassnet.tensor([1.0]))
    with pytest.raises(
        TypeError, match="hinge_embedding_loss: target must hold 1 and -1, got dtype bool"
    ):
        L.hinge_embedding_loss(x, glassnet.tensor([True, False, True]))
    with pytest.raises(
        ValueError,
        match=r"cosine_embedding_loss: input1 and input2 must both be "
        r"\(N, D\) or \(D,\), got \(2, 3\) and \(2, 4\)",
    ):
        L.cosine_embedding_loss(_t(2, 3), _t(2, 4), glassnet.tensor([1, -1]))
    with pytest.raises(
        ValueError,
        match=r"cosine_embedding_loss: target shape \(3,\) does not "
        r"match the inputs \(2, 3\) \(expected \(2,\)\)",
    ):
        L.cosine_embedding_loss(_t(2, 3), _t(2, 3), glassnet.tensor([1, -1, 1]))


# ----------------------------------------------------------------------------- float32 throughout
def _float32_case(name):
    x = rng.normal(size=(4, 3)).astype(np.float32)
    y = rng.uniform(0.1, 0.9, (4, 3)).astype(np.float32)
    labels = glassnet.tensor([0, 2, 1, -100])
    pw = glassnet.tensor(np.float32([1.0, 2.0, 0.5]))
    cases = {
        "mse": lambda a, b: L.mse_loss(a, b),
        "l1": lambda a, b: L.l1_loss(a, b),
        "huber": lambda a, b: L.huber_loss(a, b, delta=0.3),
        "smooth_l1": lambda a, b: L.smooth_l1_loss(a, b, beta=0.3),
        "gaussian_nll": lambda a, b: L.gaussian_nll_loss(a, b, b, full=True),
        "bce": lambda a, b: L.binary_cross_entropy(b, a.sigmoid()),
        "bce_logits": lambda a, b: L.binary_cross_entropy_with_logits(a, b, pos_weight=pw),
        "kl_div": lambda a, b: L.kl_div(a, b, reduction="batchmean"),
        "kl_div_log": lambda a, b: L.kl_div(a, b, log_target=True),
        "ce": lambda a, b: L.cross_entropy(a, labels, label_smoothing=0.1),
        "ce_weight": lambda a, b: L.cross_entropy(a, labels, pw, label_smoothing=0.1),
        "ce_probs": lambda a, b: L.cross_entropy(a, b, label_smoothing=0.1),
        "nll": lambda a, b: L.nll_loss(a, labels),
        "hinge": lambda a, b: L.hinge_loss(a, glassnet.tensor(np.sign(x - 0.1))),
        "hinge_embedding": lambda a, b: L.hinge_embedding_loss(a, glassnet.tensor(np.sign(x))),
        "cosine": lambda a, b: L.cosine_embedding_loss(a, b, glassnet.tensor([1, -1, 1, -1])),
    }
    return cases[name], x, y


@pytest.mark.parametrize(
    "name",
    [
        "mse",
        "l1",
        "huber",
        "smooth_l1",
        "gaussian_nll",
        "bce",
        "bce_logits",
        "kl_div",
        "kl_div_log",
        "ce",
        "ce_weight",
        "ce_probs",
        "nll",
        "hinge",
        "hinge_embedding",
        "cosine",
    ],
)
def test_float32_never_upcast_inside_backward(name):
    """Every gradient passed between ops stays float32 (leaf grads are cast anyway, so the check
    watches the engine's hand-offs)."""
    from glassnet.autograd import engine

    fn, x, y = _float32_case(name)
    seen = []

    def observe(t, ctx, g, input_grads):
        seen.append((type(ctx).__name__, t._data.dtype, g.dtype))
        seen.extend(
            (type(ctx).__name__, gi.dtype, gi.dtype)
            for gi in input_grads
            if gi is not None and gi.dtype.kind == "f"
        )

    a = glassnet.tensor(x, requires_grad=True)
    b = glassnet.tensor(y, requires_grad=True)
    engine.OBSERVERS.append(observe)
    try:
        loss = fn(a, b)
        loss.backward()
    finally:
        engine.OBSERVERS.remove(observe)
    assert loss.dtype == np.float32 and seen
    assert all(d1 == np.float32 and d2 == np.float32 for _, d1, d2 in seen), seen


def test_nll_gradcheck_and_empty_batches():
    x = glassnet.tensor(rng.normal(size=(3, 4, 2)), requires_grad=True)
    t = glassnet.tensor(np.array([[0, 3], [1, -100], [2, 2]]))
    w = glassnet.tensor([1.0, 2.0, 0.5, 1.5], dtype=glassnet.float64)
    assert gradcheck(lambda a: L.nll_loss(a, t, w), (x,))
    for reduction in REDUCTIONS:
        for fn, tfn in ((L.cross_entropy, TF.cross_entropy), (L.nll_loss, TF.nll_loss)):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                ours = fn(
                    glassnet.zeros(0, 4),
                    glassnet.zeros(0, dtype=glassnet.int64),
                    reduction=reduction,
                )
            theirs = tfn(torch.zeros(0, 4), torch.zeros(0, dtype=torch.long), reduction=reduction)
            np.testing.assert_array_equal(ours._data, theirs.numpy())
