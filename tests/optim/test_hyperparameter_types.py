"""Every optimizer checks its hyper-parameters' types on construction (issue 13): a string
learning rate is a TypeError naming the optimizer and the argument, not a failed comparison."""

import pytest

import glassnet
from glassnet import optim

OPTIMIZERS = [
    optim.SGD, optim.Adam, optim.AdamW, optim.Adamax, optim.NAdam, optim.RAdam, optim.RMSprop,
    optim.Adagrad, optim.Adadelta, optim.Lion, optim.LBFGS,
]  # fmt: skip


def _params():
    return [glassnet.zeros(2, requires_grad=True)]


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("lr", ["0.1", None, [0.1], True])
def test_a_learning_rate_that_is_not_a_number_is_a_type_error(cls, lr):
    with pytest.raises(TypeError, match=f"{cls.__name__}: lr must be a number, got"):
        cls(_params(), lr=lr)


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW, optim.NAdam, optim.Lion])
def test_betas_must_be_a_pair_of_numbers(cls):
    with pytest.raises(TypeError, match=f"{cls.__name__}: betas must be a pair of numbers"):
        cls(_params(), betas=("0.9", 0.99))


@pytest.mark.parametrize(
    "cls, kwargs, words",
    [
        (optim.SGD, {"momentum": "0.9"}, "momentum must be a number"),
        (optim.SGD, {"nesterov": "yes"}, "nesterov must be True or False"),
        (optim.Adam, {"amsgrad": 1}, "amsgrad must be True or False"),
        (optim.RMSprop, {"alpha": None}, "alpha must be a number"),
        (optim.LBFGS, {"max_iter": 2.5}, "max_iter must be an integer"),
        (optim.LBFGS, {"line_search_fn": 3}, "line_search_fn must be a string or None"),
        (optim.Adagrad, {"eps": "1e-10"}, "eps must be a number"),
    ],
)
def test_each_hyper_parameter_is_checked(cls, kwargs, words):
    with pytest.raises(TypeError, match=f"{cls.__name__}: {words}"):
        cls(_params(), **kwargs)


def test_numbers_of_any_kind_are_accepted():
    import numpy as np

    optim.SGD(_params(), lr=1, momentum=np.float32(0.5), nesterov=True)
    optim.Adam(_params(), lr=np.float64(1e-3), betas=[0.9, 0.99])
    optim.LBFGS(_params(), max_iter=np.int64(3), max_eval=None, line_search_fn="strong_wolfe")


def test_a_param_group_is_checked_too():
    opt = optim.SGD(_params(), lr=0.1)
    with pytest.raises(TypeError, match="SGD: lr must be a number, got str"):
        opt.add_param_group({"params": _params(), "lr": "fast"})
