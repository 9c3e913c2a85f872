"""Adamax against torch.optim.Adamax: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import Adamax
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.01),
    dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    dict(lr=0.01, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(Adamax, torch.optim.Adamax, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{}, {"lr": 0.005, "betas": (0.8, 0.99)}]
    train_side_by_side(Adamax, torch.optim.Adamax, dict(lr=0.01), group_kwargs=groups)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1.0), "Invalid epsilon value: -1.0"),
        (dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adamax([glassnet.zeros(3, requires_grad=True)], **kwargs)
