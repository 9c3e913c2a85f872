"""Configs by name: shipped inside the package, the repository's configs/ the same files, and a
run folder's config.json read back to repeat the run."""

import json
from pathlib import Path

import pytest

from glassnet.config import (
    DEFAULT_RUN,
    ConfigError,
    config_summary,
    find_config,
    resolve,
    shipped_configs,
)

ROOT = Path(__file__).resolve().parents[1]


def test_packaged_configs_match_the_repository_folder():
    shipped = shipped_configs()
    repo = {p.stem: p for p in (ROOT / "configs").glob("*.toml")}
    assert set(shipped) == set(repo) and "mnist-lenet5" in shipped
    for name, path in shipped.items():
        assert path.read_bytes() == repo[name].read_bytes(), f"configs/{name}.toml differs"
        assert config_summary(path), f"{name}: no first comment line"


def test_default_run_is_the_shipped_digits_mlp():
    assert resolve("digits-mlp") == resolve(None, DEFAULT_RUN)


def test_config_by_name_and_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not beside configs/, as after pip install
    config = resolve("iris-perceptron")
    assert config["model"]["name"] == "perceptron" and config["data"]["dataset"] == "iris"
    assert resolve("mnist-lenet5.toml")["model"]["name"] == "lenet5"
    with pytest.raises(ConfigError, match=r"mnist-lenet \(did you mean 'mnist-lenet5'\?\)"):
        resolve("mnist-lenet")


def test_a_run_folder_config_repeats_the_run(tmp_path):
    config = resolve("iris-perceptron", {"train.epochs": 7})
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps(config, indent=2))
    assert resolve(run / "config.json") == config
    assert resolve(run) == config
    assert find_config(run) == run / "config.json"
    assert resolve(run, {"train.epochs": 2})["train"]["epochs"] == 2
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="without config.json"):
        resolve(tmp_path / "empty")
    (run / "config.json").write_text(
        '{"model": {"name": "mlp"}, "data": {}, "train": {"epochs": 0}}'
    )
    with pytest.raises(ConfigError, match="train.epochs must be >= 1"):
        resolve(run)


@pytest.mark.parametrize(
    "key, value",
    [
        ("model.hidden_sizes", [0]),
        ("model.hidden_sizes", [16, -1]),
        ("model.hidden_sizes", [1.5]),
    ],
)
def test_invalid_sizes_name_the_key(key, value):
    from glassnet.train import builders

    config = resolve(None, {key: value})
    data = builders.build_data(config)
    with pytest.raises(ConfigError, match="model.hidden_sizes must hold positive integers"):
        builders.build_model(config, data)


def test_invalid_gpt_and_resnet_sizes():
    from glassnet.train import builders

    with pytest.raises(ConfigError, match="model.n_embd must hold positive integers, got 0"):
        builders.check_sizes({"n_embd": 0})
    with pytest.raises(
        ConfigError, match=r"model.layers must hold positive integers, got \[2, 0\]"
    ):
        builders.check_sizes({"layers": [2, 0]})
    builders.check_sizes({"hidden_sizes": [], "width": 8})  # no hidden layer is a linear model
