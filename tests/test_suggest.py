"""The one "did you mean" helper, and that every place a user types a name uses it."""

import pytest

from glassnet._suggest import closest, did_you_mean
from glassnet.config import ConfigError, resolve
from glassnet.train import builders


def test_closest_and_hint():
    assert closest("adamm", ["sgd", "adam", "adamw"]) == "adam"
    assert closest("RELU", ["relu", "gelu"]) == "relu"
    assert closest("xyzzy", ["sgd", "adam"]) is None
    assert did_you_mean("adamm", ["sgd", "adam"]) == " (did you mean 'adam'?)"
    assert did_you_mean("xyzzy", ["sgd", "adam"]) == ""


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"optimizer.name": "adamm"}, "unknown optimizer 'adamm' (did you mean 'adam'?)"),
        ({"model.name": "lenet"}, "unknown model 'lenet' (did you mean 'lenet5'?)"),
        ({"data.dataset": "digit"}, "unknown data set 'digit' (did you mean 'digits'?)"),
        ({"train.loss": "mse_"}, "unknown loss 'mse_' (did you mean 'mse'?)"),
        ({"train.metrics": ["acuracy"]}, "unknown metric 'acuracy' (did you mean 'accuracy'?)"),
        ({"scheduler.name": "cosin"}, "unknown scheduler 'cosin' (did you mean 'cosine'?)"),
        ({"model.hiden_sizes": [8]}, "unknown key 'hiden_sizes' (did you mean 'hidden_sizes'?)"),
    ],
)
def test_builders_suggest(overrides, message):
    config = resolve(None, overrides)
    with pytest.raises(ConfigError) as info:
        data = builders.build_data(config)
        model = builders.build_model(config, data)
        builders.build_loss(config, data)
        builders.default_metrics(config, data)
        optimizer = builders.build_optimizer(config, model.parameters())
        builders.build_scheduler(config, optimizer, 10)
    assert message in str(info.value)


def test_config_keys_suggest():
    with pytest.raises(ConfigError, match=r"unknown key 'sed' \(did you mean 'seed'\?\)"):
        resolve(None, {"sed": 1})
    with pytest.raises(ConfigError, match=r"'train.epoch' \(did you mean 'epochs'\?\)"):
        resolve(None, {"train.epoch": 1})
