from pathlib import Path

import pytest

from glassnet.config import DEFAULT_RUN, DEFAULTS, ConfigError, parse_assignment, resolve

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def test_defaults_and_overrides():
    config = resolve(None, {"train.epochs": 3, "optimizer.lr": 0.01, "seed": 5})
    assert config["train"]["epochs"] == 3 and config["optimizer"]["lr"] == 0.01
    assert config["seed"] == 5 and config["name"] == "digits-mlp"
    assert config["data"] == DEFAULTS["data"]


def test_builtin_default_run_is_the_digits_config():
    from_file = resolve(CONFIGS / "digits-mlp.toml")
    built_in = resolve(None, DEFAULT_RUN)
    assert from_file == built_in


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_config_file_resolves(path):
    config = resolve(path)
    assert config["name"] == path.stem


def test_changing_the_model_drops_the_old_model_arguments():
    config = resolve(CONFIGS / "digits-mlp.toml", {"model.name": "logistic"})
    assert config["model"] == {"name": "logistic"}
    config = resolve(CONFIGS / "digits-mlp.toml", {"optimizer.name": "sgd"})
    assert config["optimizer"] == {"name": "sgd"}  # SGD's own default lr


def test_unknown_keys_list_the_valid_ones(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[train]\nepoch = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"bad.toml: unknown key 'train.epoch' \(did you mean 'epochs'\?\) \(valid in "
        r"\[train\]: epochs, loss",
    ):
        resolve(bad)
    bad.write_text("learning_rate = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"unknown key 'learning_rate' \(valid: name, seed, "
        r"\[data\]",
    ):
        resolve(bad)


def test_bad_values_and_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[data]\nbatch_size = "big"\n')
    with pytest.raises(ConfigError, match="data.batch_size must be an integer, got 'big'"):
        resolve(bad)
    bad.write_text("[data\n")
    with pytest.raises(ConfigError, match="bad.toml: invalid TOML"):
        resolve(bad)
    with pytest.raises(ConfigError, match="config file not found"):
        resolve(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="train.epochs must be >= 1"):
        resolve(None, {"train.epochs": 0})
    with pytest.raises(ConfigError, match="data.val_fraction must be in"):
        resolve(None, {"data.val_fraction": 1.5})
    with pytest.raises(ConfigError, match="optimizer.lr must be a positive number"):
        resolve(None, {"optimizer.lr": 0})
    with pytest.raises(ConfigError, match=r"\[train\] must be a table"):
        resolve(None, {"train": 3})


def test_parse_assignment():
    assert parse_assignment("train.epochs=5") == ("train.epochs", 5)
    assert parse_assignment("model.hidden_sizes=[32, 16]") == ("model.hidden_sizes", [32, 16])
    assert parse_assignment("optimizer.name=adam") == ("optimizer.name", "adam")
    assert parse_assignment("data.standardize=false") == ("data.standardize", False)
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        parse_assignment("train.epochs")
    with pytest.raises(ConfigError, match="keys are NAME or TABLE.NAME"):
        resolve(None, {"a.b.c": 1})


# ----------------------------------------------------------------------------- run folders
@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
        ('{"seed": 1' + "0" * 5000 + "}", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object, got list"),
        ('{"data": {}, "train": {}}', "missing key 'model'"),
        ('{"model": 3, "data": {}, "train": {}}', "missing key 'model.name'"),
        ('{"model": {"name": "mlp"}, "data": {}}', "missing key 'train'"),
        ('{"model": {"name": 5}, "data": {}, "train": {}}', "model.name must be a string, got 5"),
        ('{"model": {"name": "mlp"}, "data": 7, "train": {}}', "[data] must be a table, got 7"),
        (
            '{"model": {"name": "mlp"}, "data": {"batch_size": "x"}, "train": {}}',
            "data.batch_size must be an integer, got 'x'",
        ),
        (
            '{"model": {"name": "mlp"}, "data": {}, "train": {"epochs": 1e400}}',
            "train.epochs must be an integer, got inf",
        ),
        ('{"model": {"name": "mlp"}, "data": {}, "train": {"epochs": 0}}', "train.epochs must be"),
        ('{"model": {"name": "mlp"}, "data": {}, "train": {}, "x": 1}', "unknown key 'x'"),
    ],
)
def test_hostile_run_config_json_names_the_file_and_key(tmp_path, text, message):
    from glassnet.config import read_run_config

    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        read_run_config(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_run_config_fills_defaults_for_missing_fixed_keys(tmp_path):
    from glassnet.config import read_run_config

    path = tmp_path / "config.json"
    path.write_text('{"model": {"name": "mlp", "hidden_sizes": [8]}, "data": {}, "train": {}}')
    config = read_run_config(path)
    assert config["model"]["hidden_sizes"] == [8] and config["data"] == DEFAULTS["data"]


@pytest.mark.parametrize(
    "model, message",
    [
        ({"name": "mlp", "hidden_sizes": [1_000_000_000]}, "would have 75,000,000,010 parameters"),
        ({"name": "mlp", "hidden_sizes": [100_000, 100_000]}, "(40.0 GB as float32)"),
        ({"name": "resnet", "width": 10**6}, "resnet {'width': 1000000}"),
        ({"name": "resnet", "layers": [10**9]}, "parameters"),
    ],
)
def test_absurd_model_sizes_are_refused_before_allocating(model, message):
    import tracemalloc

    from glassnet.train.builders import RunData, build_model

    data = RunData("classification", None, None, None, num_features=64, num_outputs=10)
    tracemalloc.start()
    with pytest.raises(ConfigError, match="the limit is 2,000,000,000") as info:
        build_model({"model": model}, data)
    assert tracemalloc.get_traced_memory()[1] < 10_000_000
    tracemalloc.stop()
    assert message in str(info.value)
