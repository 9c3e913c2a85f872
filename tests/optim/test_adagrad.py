"""Adagrad against torch.optim.Adagrad: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import Adagrad
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.1),
    dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01),
    dict(lr=0.05, eps=1e-6, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(Adagrad, torch.optim.Adagrad, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{"eps": 1e-3}, {"lr": 0.05, "lr_decay": 0.1}]
    train_side_by_side(Adagrad, torch.optim.Adagrad, dict(lr=0.1), group_kwargs=groups)


def test_initial_accumulator_value_of_a_group_is_used():
    # PyTorch fills every group's sum with the constructor's value and ignores the group's;
    # here the group's own value counts, as for every other hyper-parameter
    w = glassnet.zeros(2, requires_grad=True)
    b = glassnet.zeros(1, requires_grad=True)
    opt = Adagrad([{"params": [w], "initial_accumulator_value": 0.5}, {"params": [b]}])
    assert opt.state[w]["sum"]._data.tolist() == [0.5, 0.5]
    assert opt.state[b]["sum"]._data.tolist() == [0.0]


def test_state_exists_before_the_first_step_as_in_torch():
    w = glassnet.zeros(3, requires_grad=True)
    opt = Adagrad([w], initial_accumulator_value=0.25)
    assert opt.state[w]["step"] == 0
    assert opt.state[w]["sum"]._data.tolist() == [0.25, 0.25, 0.25]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(lr_decay=-0.5), "Invalid lr_decay value: -0.5"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adagrad([glassnet.zeros(3, requires_grad=True)], **kwargs)
