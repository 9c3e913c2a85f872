"""The Optimizer base: param groups, zero_grad, state_dict layout, flat buffers, errors."""

import json

import numpy as np
import pytest
import torch

import glassnet
from glassnet.optim import SGD, Adam, AdamW, Optimizer
from tests.optim.harness import (
    SHAPES,
    glass_loss,
    make_params,
    make_problem,
    serialise,
    torch_loss,
    train_side_by_side,
)


def _params(dtype=glassnet.float64):
    w = glassnet.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=dtype, requires_grad=True)
    b = glassnet.tensor([0.1, -0.2], dtype=dtype, requires_grad=True)
    return w, b


def _loss(w, b):
    return ((w @ glassnet.tensor([1.0, 2.0], dtype=w.dtype) + b) ** 2).sum()


# ---------------------------------------------------------------- construction errors
def test_empty_parameter_list():
    with pytest.raises(ValueError, match="SGD: optimizer got an empty parameter list"):
        SGD([], lr=0.1)


def test_a_single_tensor_is_refused():
    w, _ = _params()
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        SGD(w, lr=0.1)


def test_a_set_is_refused():
    w, b = _params()
    with pytest.raises(TypeError, match="ordered collections"):
        Adam({w, b})
    with pytest.raises(TypeError, match="ordered collections"):
        Adam([{"params": {w, b}}])


def test_non_tensor_parameter():
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the"):
        Adam([np.zeros(3)])


def test_non_leaf_parameter():
    w, _ = _params()
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        Adam([w * 2])


def test_integer_parameter():
    with pytest.raises(
        TypeError, match="can only optimize floating point tensors, got dtype int64"
    ):
        Adam([glassnet.tensor([1, 2])])


def test_duplicate_parameter_in_a_group():
    w, _ = _params()
    with pytest.raises(ValueError, match="contains the same parameter twice"):
        Adam([w, w])


def test_parameter_in_two_groups():
    w, b = _params()
    opt = Adam([w])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [b, w]})
    with pytest.raises(ValueError, match="more than one parameter group"):
        Adam([{"params": [w]}, {"params": [w]}])


def test_group_errors():
    w, b = _params()
    opt = Adam([w])
    with pytest.raises(TypeError, match="a param group must be a dict, got list"):
        opt.add_param_group([b])
    with pytest.raises(ValueError, match="a param group needs a 'params' entry"):
        opt.add_param_group({"lr": 0.1})
    with pytest.raises(ValueError, match="Adam: Invalid learning rate: -0.5"):
        opt.add_param_group({"params": [b], "lr": -0.5})


# ---------------------------------------------------------------- groups
def test_groups_take_defaults_and_keep_their_own():
    w, b = _params()
    opt = Adam([{"params": [w]}, {"params": b, "lr": 0.1}], lr=0.01, betas=(0.8, 0.9))
    assert opt.param_groups[0]["lr"] == 0.01
    assert opt.param_groups[1]["lr"] == 0.1
    assert opt.param_groups[1]["betas"] == (0.8, 0.9)
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is b
    assert "Parameter Group 1" in repr(opt) and "lr: 0.1" in repr(opt)


def test_add_param_group_mid_run_matches_torch():
    arrays = make_problem(1)
    gp, tp = make_params(arrays)
    X, Y = glassnet.tensor(arrays["X"]), glassnet.tensor(arrays["Y"])
    tX, tY = torch.tensor(arrays["X"]), torch.tensor(arrays["Y"])
    gopt = Adam([gp["W1"], gp["b1"]], lr=0.01)
    topt = torch.optim.Adam([tp["W1"], tp["b1"]], lr=0.01)
    for step in range(60):
        if step == 30:  # unfreeze the second layer with its own lr
            gopt.add_param_group({"params": [gp["W2"], gp["b2"]], "lr": 0.002})
            topt.add_param_group({"params": [tp["W2"], tp["b2"]], "lr": 0.002})
        gopt.zero_grad()
        topt.zero_grad()
        glass_loss(gp, X, Y).backward()
        torch_loss(tp, tX, tY).backward()
        gopt.step()
        topt.step()
        for k in SHAPES:
            np.testing.assert_allclose(gp[k]._data, tp[k].detach().numpy(), rtol=1e-10)


def test_named_parameters_are_accepted():
    w, b = _params()
    opt = Adam([("layer.weight", w), ("layer.bias", b)], lr=0.1)
    assert opt.param_groups[0]["params"][1] is b
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["layer.weight", "layer.bias"]
    _loss(w, b).backward()
    opt.step()
    assert opt.state[w]["step"] == 1


def test_changing_lr_in_a_group_takes_effect():
    train_side_by_side(
        SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9), steps=20, group_kwargs=[{}, {"lr": 0.0}]
    )


# ---------------------------------------------------------------- zero_grad
def test_zero_grad_set_to_none():
    w, b = _params()
    opt = SGD([w, b], lr=0.1)
    _loss(w, b).backward()
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_zero_grad_in_place_keeps_the_array():
    w, b = _params()
    opt = SGD([w, b], lr=0.1)
    _loss(w, b).backward()
    grad = w.grad
    array = grad._data
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad._data is array
    assert not array.any() and not b.grad._data.any()
    _loss(w, b).backward()  # accumulates into the same zeroed array
    assert w.grad._data is array and array.any()


def test_zero_grad_in_place_matches_torch_over_a_run():
    arrays = make_problem(2)
    gp, tp = make_params(arrays)
    X, Y = glassnet.tensor(arrays["X"]), glassnet.tensor(arrays["Y"])
    tX, tY = torch.tensor(arrays["X"]), torch.tensor(arrays["Y"])
    gopt = Adam(list(gp.values()), lr=0.01)
    topt = torch.optim.Adam(list(tp.values()), lr=0.01)
    for _ in range(50):
        gopt.zero_grad(set_to_none=False)
        topt.zero_grad(set_to_none=False)
        glass_loss(gp, X, Y).backward()
        torch_loss(tp, tX, tY).backward()
        gopt.step()
        topt.step()
    for k in SHAPES:
        np.testing.assert_allclose(gp[k]._data, tp[k].detach().numpy(), rtol=1e-10)


# ---------------------------------------------------------------- step
def test_step_runs_the_closure_with_grad_enabled_and_returns_its_loss():
    train_side_by_side(SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9), steps=30, closure=True)
    w, b = _params()
    opt = SGD([w, b], lr=0.1)
    with glassnet.no_grad():

        def closure():
            assert glassnet.is_grad_enabled()
            opt.zero_grad()
            loss = _loss(w, b)
            loss.backward()
            return loss

        loss = opt.step(closure)
    # the loss before the step: (1 - 4 + 0.1)² + (0.5 + 6 - 0.2)²
    assert loss.item() == pytest.approx(2.9**2 + 6.3**2, rel=1e-12)
    assert w._data[0, 0] != 1.0  # and the step happened


def test_gradient_of_the_wrong_shape():
    w, b = _params()
    opt = SGD([w, b], lr=0.1)
    w.grad = glassnet.zeros(4, dtype=glassnet.float64)
    with pytest.raises(ValueError, match=r"a gradient has shape \(4,\) but its parameter has"):
        opt.step()


def test_float32_stays_float32():
    w, b = _params(glassnet.float32)
    opt = Adam([w, b], lr=0.1)
    _loss(w, b).backward()
    opt.step()
    assert w.dtype == glassnet.float32 and b.dtype == glassnet.float32
    assert opt.state[w]["exp_avg"].dtype == glassnet.float32


def test_float32_matches_torch_float32():
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(50,)).astype(np.float32)
    w = glassnet.tensor(x0, requires_grad=True)
    tw = torch.tensor(x0, requires_grad=True)
    opt, topt = Adam([w], lr=0.05), torch.optim.Adam([tw], lr=0.05)
    for _ in range(100):
        opt.zero_grad()
        topt.zero_grad()
        (glassnet.tanh(w) ** 2).sum().backward()
        (torch.tanh(tw) ** 2).sum().backward()
        opt.step()
        topt.step()
    np.testing.assert_allclose(w._data, tw.detach().numpy(), rtol=1e-4, atol=1e-6)


def test_mixed_dtypes_in_one_group():
    w = glassnet.tensor([1.0, 2.0], dtype=glassnet.float32, requires_grad=True)
    v = glassnet.tensor([1.0, 2.0], dtype=glassnet.float64, requires_grad=True)
    tw = torch.tensor([1.0, 2.0], dtype=torch.float32, requires_grad=True)
    tv = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    opt, topt = Adam([w, v], lr=0.1), torch.optim.Adam([tw, tv], lr=0.1)
    for _ in range(20):
        opt.zero_grad()
        topt.zero_grad()
        ((w * w).sum() + (v * v * v).sum()).backward()
        ((tw * tw).sum() + (tv * tv * tv).sum()).backward()
        opt.step()
        topt.step()
    assert w.dtype == glassnet.float32 and v.dtype == glassnet.float64
    np.testing.assert_allclose(w._data, tw.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(v._data, tv.detach().numpy(), rtol=1e-10)


# ---------------------------------------------------------------- flat buffers
def test_parameters_become_views_of_one_buffer():
    w, b = _params()
    opt = Adam([w, b], lr=0.1)
    _loss(w, b).backward()
    opt.step()
    assert w._data.base is not None and w._data.base is b._data.base
    assert np.shares_memory(opt.state[w]["exp_avg"]._data, opt.state[b]["exp_avg"]._data.base)


def test_state_is_live_and_state_dict_is_a_copy():
    w, b = _params()
    opt = Adam([w, b], lr=0.1)
    _loss(w, b).backward()
    opt.step()
    sd = opt.state_dict()
    saved = sd["state"][0]["exp_avg"]._data.copy()
    live = opt.state[w]["exp_avg"]
    _loss(w, b).backward()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"]._data, saved)
    assert not np.array_equal(live._data, saved)  # the view in optimizer.state moved on
    assert sd["state"][0]["step"] == 1 and opt.state[w]["step"] == 2


def test_rebinding_a_parameter_data_is_noticed():
    arrays = make_problem(3)
    gp, tp = make_params(arrays)
    X, Y = glassnet.tensor(arrays["X"]), glassnet.tensor(arrays["Y"])
    tX, tY = torch.tensor(arrays["X"]), torch.tensor(arrays["Y"])
    gopt = Adam(list(gp.values()), lr=0.01)
    topt = torch.optim.Adam(list(tp.values()), lr=0.01)
    for step in range(40):
        if step == 20:  # e.g. a module's load_state_dict assigning new arrays
            gp["W1"]._data = gp["W1"]._data * 0.5
            with torch.no_grad():
                tp["W1"].mul_(0.5)
        if step == 30:  # a dtype change rebuilds the buffers, keeping the state
            for p in gp.values():
                p._data = p._data.astype(np.float32).astype(np.float64)
                p._data = p._data.astype(np.float32)
            with torch.no_grad():
                for p in tp.values():
                    p.copy_(p.float().double())
        gopt.zero_grad()
        topt.zero_grad()
        glass_loss(gp, X.astype(gp["W1"].dtype), Y.astype(gp["W1"].dtype)).backward()
        torch_loss(tp, tX, tY).backward()
        gopt.step()
        topt.step()
        for k in SHAPES:
            np.testing.assert_allclose(gp[k]._data, tp[k].detach().numpy(), rtol=2e-4, atol=1e-5)
    assert gp["W1"].dtype == glassnet.float32
    assert gopt.state[gp["W1"]]["exp_avg"].dtype == glassnet.float32
    assert gopt.state[gp["W1"]]["step"] == 40


# ---------------------------------------------------------------- state_dict
def test_state_dict_layout_is_pytorchs():
    w, b = _params()
    opt = Adam([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, amsgrad=True)
    _loss(w, b).backward()
    opt.step()
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.5
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]
    assert isinstance(sd["state"][0]["exp_avg"], glassnet.Tensor)
    assert sd["state"][0]["exp_avg"].shape == (2, 2)
    json.dumps(sd["param_groups"])  # plain values only
    json.dumps({i: {k: v for k, v in s.items() if k == "step"} for i, s in sd["state"].items()})


def test_state_dict_of_an_unstepped_parameter_is_absent():
    w, b = _params()
    opt = Adam([w, b], lr=0.1)
    w.grad = glassnet.tensor(np.ones((2, 2)))
    opt.step()
    assert list(opt.state_dict()["state"]) == [0]


def test_load_state_dict_errors():
    w, b = _params()
    opt = Adam([w, b], lr=0.1)
    _loss(w, b).backward()
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="has 1 parameter groups, this optimizer has 2"):
        Adam([{"params": [w]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="loaded parameter group 0 has 2 parameters"):
        Adam([w]).load_state_dict(sd)
    bad = serialise(sd)
    bad["state"]["1"]["exp_avg"] = np.zeros(5)
    with pytest.raises(ValueError, match=r"state 'exp_avg' of parameter 1 has 5 elements"):
        Adam([w, b]).load_state_dict(bad)


def test_load_state_dict_restores_hyperparameters():
    w, b = _params()
    opt = Adam([w, b], lr=0.1, betas=(0.8, 0.9))
    sd = serialise(opt.state_dict())  # through JSON: betas come back as a list
    new = Adam([w, b], lr=0.5)
    new.load_state_dict(sd)
    assert new.param_groups[0]["lr"] == 0.1
    assert new.param_groups[0]["betas"] == (0.8, 0.9)
    assert new.param_groups[0]["params"][0] is w


def test_load_a_torch_state_dict_and_continue():
    arrays = make_problem(4)
    gp, tp = make_params(arrays)
    X, Y = glassnet.tensor(arrays["X"]), glassnet.tensor(arrays["Y"])
    tX, tY = torch.tensor(arrays["X"]), torch.tensor(arrays["Y"])
    topt = torch.optim.AdamW(list(tp.values()), lr=0.01, amsgrad=True)
    for _ in range(30):
        topt.zero_grad()
        torch_loss(tp, tX, tY).backward()
        topt.step()
    for k in SHAPES:
        gp[k]._data[...] = tp[k].detach().numpy()
    gopt = AdamW(list(gp.values()), lr=0.01, amsgrad=True)
    gopt.load_state_dict(topt.state_dict())
    assert gopt.state[gp["W1"]]["step"] == 30
    for _ in range(30):
        gopt.zero_grad()
        topt.zero_grad()
        glass_loss(gp, X, Y).backward()
        torch_loss(tp, tX, tY).backward()
        gopt.step()
        topt.step()
    for k in SHAPES:
        np.testing.assert_allclose(gp[k]._data, tp[k].detach().numpy(), rtol=1e-10)


def test_subclass_must_define_the_rule():
    class NoRule(Optimizer):
        pass

    w, b = _params()
    opt = NoRule([w], {"lr": 0.1})
    _loss(w, b).backward()
    with pytest.raises(NotImplementedError):
        opt.step()
