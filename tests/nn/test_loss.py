"""Loss layers against torch.nn (same arguments: values, gradients, buffers), construction
errors, and the LOSSES registry: describe(name).fn / .derivative against torch autograd."""

import warnings

import numpy as np
import pytest
import torch

import glassnet
import glassnet.nn as nn
import glassnet.nn.functional as F
from glassnet.nn.loss import LOSSES, describe

rng = np.random.default_rng(0)


def _pm1(shape):
    return rng.choice([-1.0, 1.0], shape)


def _probs(shape):
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])


X = rng.normal(0, 2, (6, 4))
# name -> (constructor kwargs as numpy, arrays; the first array is the prediction)
CASES = [
    ("MSELoss", {}, [X, rng.normal(size=(6, 4))]),
    ("L1Loss", {"reduction": "sum"}, [X, rng.normal(size=(6, 4))]),
    ("HuberLoss", {"delta": 0.7, "reduction": "none"}, [X, rng.normal(size=(6, 4))]),
    ("SmoothL1Loss", {"beta": 0.4}, [X, rng.normal(size=(6, 4))]),
    ("GaussianNLLLoss", {"full": True}, [X, rng.normal(size=(6, 4)), rng.uniform(0.5, 2, (6, 1))]),
    (
        "BCELoss",
        {"weight": rng.uniform(0.5, 2, 4)},
        [rng.uniform(0.05, 0.95, (6, 4)), rng.uniform(0, 1, (6, 4))],
    ),
    (
        "BCEWithLogitsLoss",
        {"pos_weight": rng.uniform(0.5, 3, 4), "reduction": "sum"},
        [X, rng.uniform(0, 1, (6, 4))],
    ),
    (
        "CrossEntropyLoss",
        {"weight": rng.uniform(0.5, 2, 4), "ignore_index": 1, "label_smoothing": 0.15},
        [X, rng.integers(0, 4, 6)],
    ),
    ("CrossEntropyLoss", {"reduction": "none"}, [X, _probs((6, 4))]),
    (
        "NLLLoss",
        {"weight": rng.uniform(0.5, 2, 4)},
        [np.log(_probs((6, 4))), rng.integers(0, 4, 6)],
    ),
    ("KLDivLoss", {"reduction": "batchmean"}, [np.log(_probs((6, 4))), _probs((6, 4))]),
    ("KLDivLoss", {"log_target": True}, [np.log(_probs((6, 4))), np.log(_probs((6, 4)))]),
    ("HingeEmbeddingLoss", {"margin": 0.5}, [X, _pm1((6, 4))]),
    (
        "CosineEmbeddingLoss",
        {"margin": 0.2, "reduction": "sum"},
        [X, rng.normal(size=(6, 4)), _pm1((6,))],
    ),
]


def _build(lib, name, kwargs):
    kw = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    return getattr(lib.nn, name)(**kw)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("name, kwargs, arrays", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_torch(name, kwargs, arrays):
    ours, theirs = _build(glassnet, name, kwargs), _build(torch, name, kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())  # weight / pos_weight buffers
    labels = name.startswith(("Hinge", "Cosine"))  # their +-1 target is a label, no gradient
    is_float = [
        a.dtype.kind == "f" and not (labels and i == len(arrays) - 1) for i, a in enumerate(arrays)
    ]
    gs = [glassnet.tensor(a, requires_grad=f) for a, f in zip(arrays, is_float)]
    ts = [torch.tensor(a, requires_grad=f) for a, f in zip(arrays, is_float)]
    y, yt = ours(*gs), theirs(*ts)
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    gy = rng.uniform(0.5, 1.5, y.shape)
    y.backward(glassnet.tensor(gy))
    yt.backward(torch.tensor(gy))
    for g, t, f in zip(gs, ts, is_float):
        if f:
            np.testing.assert_allclose(g.grad._data, t.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_hinge_loss_layer():
    x = glassnet.tensor([2.0, 0.5, -1.0, 0.2], requires_grad=True)
    y = glassnet.tensor([1, 1, 1, -1])
    loss = nn.HingeLoss()(x, y)  # max(0, 1 - y x) = [0, 0.5, 2, 1.2]
    np.testing.assert_allclose(loss.item(), 3.7 / 4, rtol=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad._data, [0, -0.25, -0.25, 0.25])
    assert repr(nn.HingeLoss(margin=0.0, reduction="sum")) == "HingeLoss(margin=0.0)"


def test_legacy_size_average_and_reduce():
    x, y = glassnet.tensor(X), glassnet.tensor(X + 1)
    for kwargs, reduction in [
        ({"reduce": False}, "none"),
        ({"size_average": False}, "sum"),
        ({"size_average": True, "reduce": True}, "mean"),
    ]:
        with pytest.warns(DeprecationWarning, match="size_average and reduce are deprecated"):
            layer = nn.MSELoss(**kwargs)
        assert layer.reduction == reduction
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = torch.nn.MSELoss(**kwargs)(torch.tensor(X), torch.tensor(X + 1))
        np.testing.assert_allclose(layer(x, y)._data, expected.numpy())


def test_float32_stays_float32():
    x = glassnet.tensor(X.astype(np.float32), requires_grad=True)
    loss = nn.CrossEntropyLoss(weight=glassnet.tensor([1.0, 2.0, 1.0, 1.0]))(
        x, glassnet.tensor([0, 1, 2, 3, 0, 1])
    )
    loss.backward()
    assert loss.dtype == x.grad.dtype == np.float32


def test_construction_errors():
    with pytest.raises(
        ValueError, match="MSELoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"
    ):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be one of"):
        nn.CrossEntropyLoss(reduction="batchmean")
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.raises(ValueError, match="HuberLoss: delta must be positive, got 0"):
        nn.HuberLoss(delta=0)
    with pytest.raises(ValueError, match="SmoothL1Loss: beta must be non-negative, got -0.5"):
        nn.SmoothL1Loss(beta=-0.5)
    with pytest.raises(
        ValueError, match="CrossEntropyLoss: label_smoothing must be between 0 and 1, got 1.2"
    ):
        nn.CrossEntropyLoss(label_smoothing=1.2)
    with pytest.raises(ValueError, match="GaussianNLLLoss: eps must be positive, got 0"):
        nn.GaussianNLLLoss(eps=0)
    with pytest.raises(
        ValueError, match=r"CosineEmbeddingLoss: margin must be in \[-1, 1\], got 2"
    ):
        nn.CosineEmbeddingLoss(margin=2)
    with pytest.raises(
        TypeError, match="CrossEntropyLoss: weight must be a glassnet Tensor or None, got list"
    ):
        nn.CrossEntropyLoss(weight=[1.0, 2.0])
    with pytest.raises(
        TypeError,
        match="BCEWithLogitsLoss: pos_weight must be a glassnet Tensor or None, got ndarray",
    ):
        nn.BCEWithLogitsLoss(pos_weight=np.ones(3))


def test_docstrings_state_formula_and_when():
    import glassnet.nn.loss as module
    from glassnet.nn.doc_formulas import formula_fields

    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, nn.Module):
            fields = formula_fields(obj)  # the "Formula" and "When to use" sections
            assert {"l =", "gradient:", "LaTeX:", "When to use"} <= set(fields), name
            assert "Example" in obj.__doc__ and "Shape" in obj.__doc__, name


# ----------------------------------------------------------------------------- the registry
REGISTRY_ARGS = {
    "mse": [X, X[::-1].copy()],
    "l1": [X, X[::-1].copy()],
    "huber": [X, X[::-1].copy()],
    "smooth_l1": [X, X[::-1].copy()],
    "gaussian_nll": [X, X[::-1].copy(), np.abs(X) + 0.1],
    "bce": [rng.uniform(0.05, 0.95, (6, 4)), rng.uniform(0, 1, (6, 4))],
    "bce_with_logits": [X, rng.uniform(0, 1, (6, 4))],
    "cross_entropy": [X, rng.integers(0, 4, 6)],
    "nll": [np.log(_probs((6, 4))), rng.integers(0, 4, 6)],
    "kl_div": [np.log(_probs((6, 4))), _probs((6, 4))],
    "hinge": [X, _pm1((6, 4))],
    "hinge_embedding": [X, _pm1((6, 4))],
    "cosine_embedding": [X, X[::-1].copy(), _pm1((6,))],
}


def _torch_loss(info):
    if info.name == "hinge":
        return lambda x, y, reduction: torch.clamp(1 - y * x, min=0)
    return getattr(torch.nn.functional, info.functional)


def test_registry_lists_every_layer_and_function():
    assert set(REGISTRY_ARGS) == set(LOSSES)
    for info in LOSSES.values():
        assert issubclass(getattr(nn, info.module), nn.Module)
        assert callable(getattr(F, info.functional))
        assert info.formula and info.derivative_formula and info.latex and info.when_to_use
        assert info.formula in str(info)


@pytest.mark.parametrize("name", LOSSES)
def test_describe_fn_and_derivative_match_torch(name):
    info, arrays = describe(name), REGISTRY_ARGS[name]
    ts = [torch.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    terms = _torch_loss(info)(*ts, reduction="none")
    np.testing.assert_allclose(info.fn(*arrays), terms.detach().numpy(), rtol=1e-10)
    terms.sum().backward()
    np.testing.assert_allclose(info.derivative(*arrays), ts[0].grad.numpy(), rtol=1e-8)


def test_describe_lookup_and_errors():
    assert describe("MSELoss") is describe("mse_loss") is describe("MSE") is LOSSES["mse"]
    assert describe("CrossEntropyLoss") is describe("ce") is LOSSES["cross_entropy"]
    assert describe("binary_cross_entropy_with_logits") is LOSSES["bce_with_logits"]
    assert describe("huber").fn([0.5, 3.0], [0.0, 0.0]).tolist() == [0.125, 2.5]
    np.testing.assert_allclose(
        describe("huber").derivative([0.5, 3.0], [0, 0], delta=2.0), [0.5, 2.0]
    )
    with pytest.raises(ValueError, match=r"describe: unknown loss 'mse_los' \(did you mean"):
        describe("mse_los")
    with pytest.raises(
        TypeError,
        match=r"cosine_embedding: takes 3 arrays \(input1, input2, "
        r"target\), got 2",
    ):
        describe("cosine_embedding").fn(X, X)


def test_every_loss_layer_is_in_the_registry():
    import glassnet.nn.loss as module

    layers = {n for n in module.__all__ if isinstance(getattr(module, n), type)} - {"LossInfo"}
    assert layers == {info.module for info in LOSSES.values()}
