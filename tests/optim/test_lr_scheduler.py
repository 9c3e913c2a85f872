"""Every scheduler's lr sequence against torch.optim.lr_scheduler (2.13) over 100+ steps, with a
state_dict round trip (through JSON) in the middle, and every error message."""

import json
import math
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as T

import glassnet
from glassnet.optim import SGD, Adam
from glassnet.optim import lr_scheduler as G


def _opts(kind="sgd"):
    """The same two-group optimizer in glassnet and torch (no gradients needed)."""
    gw, gb = glassnet.zeros(3, requires_grad=True), glassnet.zeros(1, requires_grad=True)
    tw, tb = torch.zeros(3, requires_grad=True), torch.zeros(1, requires_grad=True)
    if kind == "sgd":
        g = SGD([{"params": [gw]}, {"params": [gb], "lr": 0.05}], lr=0.1, momentum=0.9)
        t = torch.optim.SGD([{"params": [tw]}, {"params": [tb], "lr": 0.05}], lr=0.1, momentum=0.9)
    else:
        g = Adam([{"params": [gw]}, {"params": [gb], "lr": 0.05}], lr=0.1)
        t = torch.optim.Adam([{"params": [tw]}, {"params": [tb], "lr": 0.05}], lr=0.1)
    return g, t


def _json(sd):
    return json.loads(json.dumps(sd))


FACTORIES = {
    "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 1.0 / (1 + 0.1 * e)),
    "LambdaLR-per-group": lambda L, o: L.LambdaLR(o, [lambda e: 0.97**e, lambda e: 1 + e % 7]),
    "StepLR": lambda L, o: L.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[10, 30, 30, 80], gamma=0.3),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.97),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=12),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
    "CosineAnnealingWarmRestarts-T_mult-1": lambda L, o: L.CosineAnnealingWarmRestarts(
        o, T_0=9, eta_min=0.01
    ),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=40),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=130),
    "OneCycleLR-linear-3phase": lambda L, o: L.OneCycleLR(
        o,
        max_lr=0.3,
        epochs=13,
        steps_per_epoch=10,
        anneal_strategy="linear",
        three_phase=True,
        pct_start=0.25,
        div_factor=10.0,
        final_div_factor=100.0,
    ),  # fmt: skip
    "OneCycleLR-no-momentum": lambda L, o: L.OneCycleLR(
        o, max_lr=0.3, total_steps=130, cycle_momentum=False
    ),
    "SequentialLR": lambda L, o: L.SequentialLR(
        o,
        [L.LinearLR(o, start_factor=0.1, total_iters=10), L.CosineAnnealingLR(o, T_max=50)],
        milestones=[10],
    ),
    "SequentialLR-three": lambda L, o: L.SequentialLR(
        o,
        [
            L.ConstantLR(o, factor=0.5, total_iters=5),
            L.ExponentialLR(o, gamma=0.9),
            L.StepLR(o, step_size=10, gamma=0.5),
        ],
        milestones=[5, 40],
    ),
}


def _moment(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_lr_sequence_matches_torch(name, kind):
    gopt, topt = _opts(kind)
    make = FACTORIES[name]
    gs, ts = make(G, gopt), make(T, topt)
    for step in range(1, 130):
        assert gs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15), step
        for gg, tg in zip(gopt.param_groups, topt.param_groups):
            assert gg["lr"] == pytest.approx(tg["lr"], rel=1e-12, abs=1e-15)
            assert _moment(gg) == pytest.approx(_moment(tg), rel=1e-12)
        gopt.step()
        topt.step()
        gs.step()
        ts.step()
        if step == 60:  # resume: a fresh optimizer and scheduler, then both state_dicts
            osd, ssd = _json(gopt.state_dict()), _json(gs.state_dict())
            params = [p for g in gopt.param_groups for p in g["params"]]
            fresh = type(gopt)([{"params": [params[0]]}, {"params": [params[1]]}])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gs = make(G, fresh)
            fresh.load_state_dict(osd)
            gs.load_state_dict(ssd)
            gopt = fresh
    assert gs.last_epoch == ts.last_epoch


@pytest.mark.parametrize(
    "name, epochs",
    [
        ("StepLR", [3, 7, 8, 20, 14]),
        ("MultiStepLR", [5, 10, 31, 90, 0]),
        ("ExponentialLR", [4, 9, 2]),
        ("CosineAnnealingLR", [10, 30, 45, 60]),
        ("LinearLR", [0, 20, 50, 10]),
        ("ConstantLR", [0, 5, 12, 30, 3]),
        ("CosineAnnealingWarmRestarts", [0, 3.5, 7, 15.25, 40, 2]),
    ],
)
def test_step_with_an_epoch_uses_the_closed_form(name, epochs):
    gopt, topt = _opts()
    gs, ts = FACTORIES[name](G, gopt), FACTORIES[name](T, topt)
    gopt.step()
    topt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in epochs:
            gs.step(epoch)
            ts.step(epoch)
            assert gs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)


def test_closed_form_formulas():
    gopt, _ = _opts()
    s = G.CosineAnnealingLR(gopt, T_max=20, eta_min=0.0)
    for _ in range(7):
        gopt.step()
        s.step()
    assert s.get_last_lr()[0] == pytest.approx(0.1 * (1 + math.cos(math.pi * 7 / 20)) / 2)
    gopt, _ = _opts()
    s = G.StepLR(gopt, step_size=3, gamma=0.5)
    for _ in range(7):
        gopt.step()
        s.step()
    assert s.get_last_lr() == pytest.approx([0.1 * 0.25, 0.05 * 0.25])


@pytest.mark.parametrize("mode, threshold_mode", [("min", "rel"), ("min", "abs"), ("max", "rel"),
                                                  ("max", "abs")])  # fmt: skip
def test_reduce_lr_on_plateau_matches_torch(mode, threshold_mode):
    gopt, topt = _opts()
    kw = dict(mode=mode, factor=0.5, patience=3, threshold=0.01, threshold_mode=threshold_mode,
              cooldown=2, min_lr=[0.001, 0.002])  # fmt: skip
    gs, ts = G.ReduceLROnPlateau(gopt, **kw), T.ReduceLROnPlateau(topt, **kw)
    rng = np.random.default_rng(0)
    metric = 1.0
    for step in range(150):
        # a metric that improves, stalls and wobbles, so reductions and cooldowns happen
        metric = metric * (0.97 if step % 25 < 8 else 1.0) + rng.normal(0, 0.003)
        fed = metric if mode == "min" else -metric
        value = glassnet.tensor(fed) if step % 2 else fed  # a one-element tensor works too
        gs.step(value)
        ts.step(fed)
        assert gs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
        assert gs.num_bad_epochs == ts.num_bad_epochs
        if step == 70:
            sd = _json(gs.state_dict())
            gs = G.ReduceLROnPlateau(gopt, **kw)
            gs.load_state_dict(sd)
    assert min(ts.get_last_lr()) < 0.05  # it did reduce
    assert gs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)


def test_reduce_lr_on_plateau_eps_and_min_lr():
    gopt, _ = _opts()
    # 0.1 -> max(0.01, 0.04) changes by 0.06; 0.05 -> 0.04 changes by 0.01 < eps: skipped
    s = G.ReduceLROnPlateau(gopt, factor=0.1, patience=0, min_lr=0.04, eps=0.02)
    for _ in range(5):
        s.step(1.0)
    assert s.get_last_lr() == pytest.approx([0.04, 0.05])


def test_warning_when_the_scheduler_steps_before_the_optimizer():
    gopt, _ = _opts()
    s = G.StepLR(gopt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        s.step()


def test_one_cycle_refuses_to_run_past_total_steps():
    gopt, _ = _opts()
    s = G.OneCycleLR(gopt, max_lr=0.1, total_steps=5)
    gopt.step()
    for _ in range(5):
        s.step()
    with pytest.raises(ValueError, match="Tried to step 6 times. The specified number of total"):
        s.step()


def test_scheduler_errors():
    gopt, _ = _opts()
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        G.StepLR([], step_size=1)
    with pytest.raises(
        KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"
    ):
        G.StepLR(gopt, step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        G.LambdaLR(gopt, [lambda e: 1.0])
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be greater"):
        G.LinearLR(gopt, start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor expected to be between"):
        G.LinearLR(gopt, end_factor=1.5)
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between"):
        G.ConstantLR(gopt, factor=1.5)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        G.CosineAnnealingWarmRestarts(gopt, T_0=0)
    with pytest.raises(ValueError, match="Expected integer T_mult >= 1, but got 0"):
        G.CosineAnnealingWarmRestarts(gopt, T_0=2, T_mult=0)
    with pytest.raises(ValueError, match="Expected float or int eta_min"):
        G.CosineAnnealingWarmRestarts(gopt, T_0=2, eta_min="0")
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        G.CosineAnnealingWarmRestarts(gopt, T_0=2).step(-1)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        G.OneCycleLR(gopt, max_lr=0.1)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        G.OneCycleLR(gopt, max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="Expected positive integer epochs, but got 0"):
        G.OneCycleLR(gopt, max_lr=0.1, epochs=0, steps_per_epoch=3)
    with pytest.raises(ValueError, match="Expected positive integer steps_per_epoch, but got -1"):
        G.OneCycleLR(gopt, max_lr=0.1, epochs=2, steps_per_epoch=-1)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start, but got 2"):
        G.OneCycleLR(gopt, max_lr=0.1, total_steps=10, pct_start=2)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        G.OneCycleLR(gopt, max_lr=0.1, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="max_lr must have the same length as optimizer.param"):
        G.OneCycleLR(gopt, max_lr=[0.1], total_steps=10)
    bare = glassnet.optim.Adagrad([glassnet.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        G.OneCycleLR(bare, max_lr=0.1, total_steps=10)


def test_sequential_and_plateau_errors():
    gopt, _ = _opts()
    other, _ = _opts()
    a = G.StepLR(gopt, step_size=2)
    with pytest.raises(ValueError, match="SequentialLR expects at least one scheduler"):
        G.SequentialLR(gopt, [], milestones=[])
    with pytest.raises(TypeError, match="SequentialLR at index 0 should have `optimizer`"):
        G.SequentialLR(gopt, [object()], milestones=[])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        G.SequentialLR(gopt, [G.ReduceLROnPlateau(gopt)], milestones=[])
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
        G.SequentialLR(gopt, [a, G.StepLR(other, step_size=2)], milestones=[3])
    with pytest.raises(ValueError, match="number of schedulers 1 and the number of milestones"):
        G.SequentialLR(gopt, [a], milestones=[3])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        G.ReduceLROnPlateau(gopt, factor=1.0)
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        G.ReduceLROnPlateau(3)
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        G.ReduceLROnPlateau(gopt, min_lr=[0.1])
    with pytest.raises(ValueError, match="mode avg is unknown"):
        G.ReduceLROnPlateau(gopt, mode="avg")
    with pytest.raises(ValueError, match="threshold mode percent is unknown"):
        G.ReduceLROnPlateau(gopt, threshold_mode="percent")
    s = G.ReduceLROnPlateau(gopt, min_lr=[0.0, 0.0], patience=0)
    gopt.add_param_group({"params": [glassnet.zeros(1, requires_grad=True)]})
    s.step(1.0)
    with pytest.raises(RuntimeError, match="the number of param groups in the optimizer \\(3\\)"):
        s.step(2.0)
