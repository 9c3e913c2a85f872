import json
import os
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.io import CheckpointError, load, load_checkpoint, save, save_checkpoint
from glassnet.train import fit


def test_nested_state_round_trips(tmp_path):
    state = {
        "model": {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.zeros(3)},
        "opt": {"state": {0: {"step": 3, "m": np.ones(2)}}, "groups": [{"betas": (0.9, 0.99)}]},
        "epoch": 4,
        "name": "x",
        "none": None,
        "flag": True,
        "lr": 1e-3,
        "tensor": glassnet.tensor([1.0, 2.0]),
        "scalar": np.array(7, dtype=np.int64),
        "strided": np.arange(12.0).reshape(3, 4)[:, ::2],
    }
    save(tmp_path / "ck", state)
    back = load(tmp_path / "ck")
    assert back["model"]["w"].dtype == np.float32
    np.testing.assert_array_equal(back["model"]["w"], state["model"]["w"])
    assert back["model"]["b"].dtype == np.float64
    assert back["opt"]["state"][0]["step"] == 3  # integer keys survive JSON
    assert back["opt"]["groups"][0]["betas"] == (0.9, 0.99)  # tuples too
    assert (back["epoch"], back["name"], back["none"], back["flag"]) == (4, "x", None, True)
    np.testing.assert_array_equal(back["tensor"], [1.0, 2.0])
    assert back["scalar"].shape == () and back["scalar"] == 7  # 0-d stays 0-d
    np.testing.assert_array_equal(back["strided"], state["strided"])


def test_files_are_safetensors_and_json_written_atomically(tmp_path):
    tensors, header = save(tmp_path / "sub" / "ck", {"a": np.ones(3, dtype=np.float32)})
    assert tensors.name == "ck.safetensors" and header.name == "ck.json"
    assert json.loads(header.read_text())["format"] == "glassnet-checkpoint"
    assert sorted(os.listdir(tmp_path / "sub")) == ["ck.json", "ck.safetensors"]  # no temp left
    from safetensors.numpy import load_file

    np.testing.assert_array_equal(load_file(tensors)["a"], np.ones(3))


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(CheckpointError, match=r"nope\.json: checkpoint file not found"):
        load(tmp_path / "nope")
    save(tmp_path / "a", {"x": np.ones(2)})
    save(tmp_path / "b", {"y": np.ones(2)})
    # a JSON from one save next to the arrays of another
    (tmp_path / "b.json").replace(tmp_path / "a.json")
    with pytest.raises(CheckpointError, match=r"a\.safetensors: its arrays do not match a\.json"):
        load(tmp_path / "a")
    (tmp_path / "c.json").write_text("{not json")
    (tmp_path / "c.safetensors").write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"c\.json: not valid JSON"):
        load(tmp_path / "c")
    (tmp_path / "c.json").write_text('{"hello": 1}')
    with pytest.raises(CheckpointError, match="not a glassnet checkpoint"):
        load(tmp_path / "c")
    save(tmp_path / "d", {"x": np.ones(2)})
    (tmp_path / "d.safetensors").write_bytes(b"garbage!")
    with pytest.raises(CheckpointError, match=r"d\.safetensors: not a readable safetensors"):
        load(tmp_path / "d")


def test_unsupported_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match=r"cannot store a set at 'a/b'"):
        save(tmp_path / "x", {"a": {"b": {1, 2}}})
    with pytest.raises(TypeError, match="state must be a dict"):
        save(tmp_path / "x", [1])


def _setup(seed=0):
    g = glassnet.Generator(seed)
    model = nn.Sequential(nn.Linear(4, 8, generator=g), nn.Tanh(), nn.Linear(8, 3, generator=g))
    opt = optim.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    return model, opt, TensorDataset(X, y)


def test_model_and_optimizer_round_trip_and_resume(tmp_path):
    loss_fn = nn.CrossEntropyLoss()
    # three epochs straight
    model, opt, ds = _setup()
    fit(model, loss_fn, opt, DataLoader(ds, 16), epochs=3, quiet=True)
    straight = {k: v._data.copy() for k, v in model.state_dict().items()}
    # two epochs, save, load into fresh objects, one more epoch
    model, opt, ds = _setup()
    fit(model, loss_fn, opt, DataLoader(ds, 16), epochs=2, quiet=True)
    save_checkpoint(tmp_path / "last", model, opt, epoch=1, note="hi")
    model2, opt2, _ = _setup(seed=99)  # different initial weights
    extra = load_checkpoint(tmp_path / "last", model2, opt2)
    assert extra == {"epoch": 1, "note": "hi"}
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(model2.state_dict()[k]._data, v._data)
    fit(model2, loss_fn, opt2, DataLoader(ds, 16), epochs=3, initial_epoch=2, quiet=True)
    for k, v in model2.state_dict().items():
        np.testing.assert_allclose(v._data, straight[k], rtol=1e-6, atol=1e-7)


def test_load_checkpoint_into_wrong_model(tmp_path):
    model, opt, _ = _setup()
    save_checkpoint(tmp_path / "m", model)
    with pytest.raises(CheckpointError, match="holds no optimizer state"):
        load_checkpoint(tmp_path / "m", model, opt)
    other = nn.Linear(4, 2)
    with pytest.raises(CheckpointError, match=r"m\.json: cannot load the model state"):
        load_checkpoint(tmp_path / "m", other)


def test_no_pickle_anywhere_in_glassnet():
    root = Path(glassnet.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, path
