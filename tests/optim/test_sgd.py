"""SGD against torch.optim.SGD: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import SGD
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    dict(lr=0.1, momentum=0.5, dampening=0.3, maximize=True),
    dict(lr=0.1, weight_decay=0.05, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(SGD, torch.optim.SGD, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{"momentum": 0.9}, {"lr": 0.01, "momentum": 0.5, "dampening": 0.1}]
    train_side_by_side(SGD, torch.optim.SGD, dict(lr=0.1), group_kwargs=groups, reload_at=100)


def test_no_momentum_keeps_no_state():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    assert opt.state_dict()["state"] == {}
    assert w._data.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(momentum=-0.5), "Invalid momentum value: -0.5"),
        (dict(weight_decay=-1e-4), "Invalid weight_decay value: -0.0001"),
        (dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (dict(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    w = glassnet.zeros(3, requires_grad=True)
    with pytest.raises(ValueError, match=message):
        SGD([w], **kwargs)
