"""Server-side checks of the playground's settings: every bad value is named."""

import pytest

from glassnet.playground.settings import SettingsError, options, parse_settings


def test_defaults_and_options():
    s = parse_settings({})
    assert s.dataset == "moons" and s.hidden_sizes == [16, 16]
    o = options()
    assert "relu" in o["activations"] and "softmax" not in o["activations"]
    assert "adam" in o["optimizers"] and "lbfgs" not in o["optimizers"]
    assert o["optimizers"]["sgd"]["momentum"] == 0


@pytest.mark.parametrize(
    "raw, message",
    [
        ([1, 2], "settings: must be a JSON object"),
        ({"noize": 0.1}, "noize: unknown setting"),
        ({"dataset": "mnist"}, "dataset: unknown value 'mnist'"),
        ({"noise": 2.0}, "noise: must be in [0.0, 1.0]"),
        ({"noise": "a lot"}, "noise: must be a number"),
        ({"n_samples": 10.5}, "n_samples: must be an integer"),
        ({"hidden_sizes": [16, 0]}, "hidden_sizes: each width: must be in [1, 64]"),
        ({"hidden_sizes": "16"}, "hidden_sizes: must be a list"),
        ({"activation": "relux"}, "activation: unknown value 'relux'"),
        ({"loss": "mse", "dataset": "digits"}, "loss: mse needs two classes"),
        ({"optimizer": "lbfgs"}, "optimizer: unknown value 'lbfgs'"),
        ({"optimizer": "sgd", "optimizer_params": {"betas": [0.9, 0.99]}}, "unknown hyper"),
        ({"optimizer_params": {"betas": [0.9]}}, "optimizer_params.betas: must be a list of 2"),
        ({"optimizer_params": {"lr": float("nan")}}, "optimizer_params.lr: must be a number"),
        ({"scheduler": "step", "scheduler_params": {"gamma": "x"}}, "scheduler_params.gamma"),
        ({"mode": "perceptron", "dataset": "moons"}, "dataset: unknown value 'moons'"),
        ({"batch_size": -1}, "batch_size: must be in [0, 2000]"),
        ({"dropout": True}, "dropout: must be a number"),
    ],
)
def test_bad_settings_are_named(raw, message):
    with pytest.raises(SettingsError) as info:
        parse_settings(raw)
    assert message in str(info.value)


def test_values_are_converted():
    s = parse_settings(
        {"noise": 0, "optimizer": "sgd", "optimizer_params": {"lr": 1, "momentum": 0.9}}
    )
    assert s.noise == 0.0 and isinstance(s.noise, float)
    assert s.optimizer_params == {"lr": 1.0, "momentum": 0.9}
