"""batch_norm, layer_norm, group_norm, rms_norm against torch 2.13 (values, gradients, running
statistics), gradcheck in float64 and every error message."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F
from tests.ops._torch_pair import both, randn


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (3, 4, 5, 6), (1, 2, 3, 1)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch(shape, training, affine):
    C = shape[1]
    x = randn(shape, 1) * 2 + 1
    rm, rv = randn((C,), 2), np.random.default_rng(3).uniform(0.5, 2, C)
    g_stats = glassnet.tensor(rm.copy()), glassnet.tensor(rv.copy())
    t_stats = torch.tensor(rm.copy()), torch.tensor(rv.copy())
    w, b = (randn((C,), 4), randn((C,), 5)) if affine else (None, None)
    kw = dict(training=training, momentum=0.3, eps=1e-4)
    both(
        lambda x, w, b: F.batch_norm(x, *g_stats, w, b, **kw),
        lambda x, w, b: TF.batch_norm(x, *t_stats, w, b, **kw),
        [x, w, b],
    )
    for g, t in zip(g_stats, t_stats):  # running statistics updated in place the same way
        np.testing.assert_allclose(g._data, t.numpy(), rtol=1e-12)


def test_batch_norm_without_running_stats_and_weight_only():
    both(
        lambda x, w: F.batch_norm(x, None, None, w, None, training=True),
        lambda x, w: TF.batch_norm(x, None, None, w, None, training=True),
        [randn((4, 3, 2, 2), 1), randn((3,), 2)],
    )


def test_batch_norm_float32_running_stats_stay_float32():
    rm, rv = glassnet.zeros(3), glassnet.ones(3)
    x = glassnet.tensor(randn((8, 3, 4, 4), 1, np.float32), requires_grad=True)
    y = F.batch_norm(x, rm, rv, training=True)
    y.sum().backward()
    assert y.dtype == rm.dtype == rv.dtype == x.grad.dtype == glassnet.float32
    w, b = glassnet.ones(3, requires_grad=True), glassnet.zeros(3, requires_grad=True)
    for training in (True, False):
        F.batch_norm(x, rm, rv, w, b, training=training).sum().backward()
        assert w.grad.dtype == b.grad.dtype == x.grad.dtype == rv.dtype == glassnet.float32


@pytest.mark.parametrize("normalized_shape", [(6,), (5, 6), (4, 5, 6)])
def test_layer_norm_matches_torch(normalized_shape):
    x = randn((3, 4, 5, 6), 1) * 3 + 2
    w, b = randn(normalized_shape, 2), randn(normalized_shape, 3)
    both(
        lambda x, w, b: F.layer_norm(x, normalized_shape, w, b),
        lambda x, w, b: TF.layer_norm(x, normalized_shape, w, b),
        [x, w, b],
    )
    both(
        lambda x: F.layer_norm(x, normalized_shape),
        lambda x: TF.layer_norm(x, normalized_shape),
        [x],
    )
    both(
        lambda x, w: F.layer_norm(x, normalized_shape, w, eps=0.1),
        lambda x, w: TF.layer_norm(x, normalized_shape, w, eps=0.1),
        [x, w],
    )


@pytest.mark.parametrize("eps", [None, 0.1])
@pytest.mark.parametrize("normalized_shape", [6, (5, 6)])
def test_rms_norm_matches_torch(normalized_shape, eps):
    x = randn((3, 4, 5, 6), 1)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    w = randn(shape, 2)
    both(
        lambda x, w: F.rms_norm(x, normalized_shape, w, eps),
        lambda x, w: TF.rms_norm(x, shape, w, eps),
        [x, w],
    )
    both(lambda x: F.rms_norm(x, normalized_shape), lambda x: TF.rms_norm(x, shape), [x])


@pytest.mark.parametrize("groups", [1, 2, 4])
@pytest.mark.parametrize("shape", [(3, 4, 5, 6), (2, 4, 7), (2, 4)])
def test_group_norm_matches_torch(groups, shape):
    x = randn(shape, 1) * 2 - 1
    both(
        lambda x, w, b: F.group_norm(x, groups, w, b),
        lambda x, w, b: TF.group_norm(x, groups, w, b),
        [x, randn((4,), 2), randn((4,), 3)],
    )
    both(lambda x: F.group_norm(x, groups), lambda x: TF.group_norm(x, groups), [x])


@pytest.mark.parametrize("shape", [(0, 4), (0, 4, 3), (0, 4, 2, 2)])
def test_group_norm_of_an_empty_batch_matches_torch(shape):
    both(
        lambda x, w, b: F.group_norm(x, 2, w, b),
        lambda x, w, b: TF.group_norm(x, 2, w, b),
        [np.zeros(shape), randn((4,), 2), randn((4,), 3)],
    )


def test_gradcheck_float64():
    x = glassnet.tensor(randn((4, 3, 2, 3), 1), requires_grad=True)
    w = glassnet.tensor(randn((3,), 2), requires_grad=True)
    b = glassnet.tensor(randn((3,), 3), requires_grad=True)
    stats = glassnet.zeros(3, dtype=glassnet.float64), glassnet.ones(3, dtype=glassnet.float64)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, *stats, w, b, training=True), (x, w, b))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, *stats, w, b, training=False), (x, w, b))
    assert gradcheck(lambda x, w, b: F.group_norm(x, 3, w, b), (x, w, b))
    w2 = glassnet.tensor(randn((2, 3), 4), requires_grad=True)
    assert gradcheck(lambda x, w: F.layer_norm(x, (2, 3), w, w), (x, w2))
    assert gradcheck(lambda x, w: F.rms_norm(x, (2, 3), w), (x, w2))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.batch_norm(glassnet.zeros(4, 3), glassnet.zeros(2), glassnet.ones(2)),
         r"running_mean has shape \(2,\), expected \(3,\) for input of shape \(4, 3\)"),
        (lambda: F.batch_norm(glassnet.zeros(4, 3), None, None), "needed when not training"),
        (lambda: F.batch_norm(glassnet.zeros(1, 3), None, None, training=True),
         "more than 1 value per channel"),
        (lambda: F.batch_norm(glassnet.zeros(4), None, None, training=True), r"\(N, C, \*\)"),
        (lambda: F.layer_norm(glassnet.zeros(4, 3), (4,)), "does not end with normalized_shape"),
        (lambda: F.layer_norm(glassnet.zeros(4, 3), 3, glassnet.ones(4)),
         r"weight has shape \(4,\), expected \(3,\)"),
        (lambda: F.group_norm(glassnet.zeros(2, 6, 3), 4), "must divide the 6 channels"),
        (lambda: F.rms_norm(glassnet.zeros(2, 6), 5), "does not end with normalized_shape"),
    ],
)  # fmt: skip
def test_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
