"""RAdam against torch.optim.RAdam: 200 steps in float64, state_dict reload at step 100.

With β2 = 0.999 the rectification starts at step 6 (ρ_t > 5); β2 = 0.99 moves it, so both the
momentum-only and the rectified branch run."""

import pytest
import torch

import glassnet
from glassnet.optim import RAdam
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.01),
    dict(lr=0.01, betas=(0.9, 0.99), weight_decay=0.1),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    dict(lr=0.01, maximize=True, eps=1e-6),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(RAdam, torch.optim.RAdam, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{}, {"lr": 0.005, "betas": (0.8, 0.99)}]
    train_side_by_side(RAdam, torch.optim.RAdam, dict(lr=0.01), group_kwargs=groups)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
        (dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RAdam([glassnet.zeros(3, requires_grad=True)], **kwargs)
