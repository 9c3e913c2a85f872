"""Adadelta against torch.optim.Adadelta: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import Adadelta
from tests.optim.harness import train_side_by_side

CASES = [
    dict(),
    dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.01),
    dict(lr=1.0, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(Adadelta, torch.optim.Adadelta, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{}, {"lr": 0.3, "rho": 0.5}]
    train_side_by_side(Adadelta, torch.optim.Adadelta, dict(lr=1.0), group_kwargs=groups)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(rho=1.5), "Invalid rho value: 1.5"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adadelta([glassnet.zeros(3, requires_grad=True)], **kwargs)
