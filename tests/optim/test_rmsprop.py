"""RMSprop against torch.optim.RMSprop: 200 steps in float64, state_dict reload at step 100.

Plain RMSprop at lr=0.01 on this problem is chaotic (rounding differences of 1e-16 grow to 1e-6
by step 160 in both directions), so the plain case uses a smaller lr."""

import pytest
import torch

import glassnet
from glassnet.optim import RMSprop
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.002),
    dict(lr=0.002, centered=True),
    dict(lr=0.002, momentum=0.9),
    dict(lr=0.01, centered=True, momentum=0.9, weight_decay=0.01),
    dict(lr=0.002, alpha=0.9, eps=1e-6, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(RMSprop, torch.optim.RMSprop, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{"centered": True}, {"lr": 0.001, "momentum": 0.5}]
    train_side_by_side(RMSprop, torch.optim.RMSprop, dict(lr=0.002), group_kwargs=groups)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
        (dict(momentum=-1), "Invalid momentum value: -1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (dict(alpha=-0.5), "Invalid alpha value: -0.5"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RMSprop([glassnet.zeros(3, requires_grad=True)], **kwargs)
