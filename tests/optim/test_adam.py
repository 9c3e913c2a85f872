"""Adam against torch.optim.Adam: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import Adam
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.01),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, amsgrad=True),
    dict(lr=0.01, maximize=True, weight_decay=0.05),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(Adam, torch.optim.Adam, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{"amsgrad": True}, {"lr": 0.03, "betas": (0.5, 0.9), "weight_decay": 0.1}]
    train_side_by_side(Adam, torch.optim.Adam, dict(lr=0.01), group_kwargs=groups, reload_at=100)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Adam: Invalid learning rate: -1"),
        (dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
        (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
        (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        (dict(betas=(0.9,)), "betas must be a pair"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    w = glassnet.zeros(3, requires_grad=True)
    with pytest.raises(ValueError, match=message):
        Adam([w], **kwargs)
