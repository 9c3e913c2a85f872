"""One-file checkpoints: round trips, the safetensors layout other readers see, checksums that
catch every flipped bit, atomic and crash-safe writes, and the old two-file format."""

import io
import json
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.io import CheckpointError, load, load_checkpoint, save, save_checkpoint
from glassnet.io.checkpoint import read
from glassnet.train import fit

ROOT = Path(__file__).resolve().parents[2]


def test_nested_state_round_trips(tmp_path):
    state = {
        "model": {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.zeros(3)},
        "opt": {"state": {0: {"step": 3, "m": np.ones(2)}}, "groups": [{"betas": (0.9, 0.99)}]},
        "epoch": 4,
        "name": "x",
        "none": None,
        "flag": True,
        "lr": 1e-3,
        "nan": float("nan"),
        "inf": [float("inf"), -float("inf")],
        "tensor": glassnet.tensor([1.0, 2.0]),
        "scalar": np.array(7, dtype=np.int64),
        "strided": np.arange(12.0).reshape(3, 4)[:, ::2],
        "big_endian": np.arange(3, dtype=">i4"),
        "empty": np.zeros((0, 5), dtype=np.float16),
        "bools": np.array([True, False]),
        "uint64": np.array([2**64 - 1], dtype=np.uint64),
        "np_number": np.float32(0.5),
        "marker_named": {"__tensor__": "not an array"},
        "keys": {(1, "a"): 1, None: 2, 2.5: 3},
        "rng": {"bit_generator": "PCG64", "state": {"state": 2**127 + 5, "inc": 7}},
    }
    path = save(tmp_path / "ck", state)
    assert path == tmp_path / "ck.safetensors" and sorted(os.listdir(tmp_path)) == [path.name]
    back = load(tmp_path / "ck")
    assert back["model"]["w"].dtype == np.float32
    np.testing.assert_array_equal(back["model"]["w"], state["model"]["w"])
    assert back["model"]["b"].dtype == np.float64
    assert back["opt"]["state"][0]["step"] == 3  # integer keys survive JSON
    assert back["opt"]["groups"][0]["betas"] == (0.9, 0.99)  # tuples too
    assert (back["epoch"], back["name"], back["none"], back["flag"]) == (4, "x", None, True)
    assert np.isnan(back["nan"]) and back["inf"] == [float("inf"), -float("inf")]
    assert isinstance(back["tensor"], np.ndarray)  # checkpoint.load gives NumPy arrays
    np.testing.assert_array_equal(back["tensor"], [1.0, 2.0])
    assert back["scalar"].shape == () and back["scalar"] == 7  # 0-d stays 0-d
    np.testing.assert_array_equal(back["strided"], state["strided"])
    np.testing.assert_array_equal(back["big_endian"], [0, 1, 2])
    assert back["empty"].shape == (0, 5) and back["empty"].dtype == np.float16
    assert back["bools"].tolist() == [True, False] and back["uint64"][0] == 2**64 - 1
    assert back["np_number"] == 0.5
    assert back["marker_named"] == {"__tensor__": "not an array"}
    assert back["keys"] == {(1, "a"): 1, None: 2, 2.5: 3}
    assert back["rng"]["state"]["state"] == 2**127 + 5  # big integers stay exact


def _header(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), 8 + n


def test_other_readers_see_the_weights_under_the_model_prefix(tmp_path):
    import safetensors.numpy
    import safetensors.torch

    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(glassnet.randn(2, 3)).sum().backward()
    opt.step()
    path = save_checkpoint(tmp_path / "best", model, opt, epoch=1)
    header, start = _header(path)
    assert start % 8 == 0  # the data area is aligned, as the safetensors writer does it
    meta = header["__metadata__"]
    assert meta["glassnet"] == "2" and len(meta["sha256"]) == 64
    weights = safetensors.numpy.load_file(path)
    sd = model.state_dict()
    for key, value in sd.items():
        np.testing.assert_array_equal(weights["model." + key], value.numpy())
    torch_sd = {
        k.removeprefix("model."): v
        for k, v in safetensors.torch.load_file(path).items()
        if k.startswith("model.")
    }
    assert sorted(torch_sd) == sorted(sd)
    np.testing.assert_array_equal(torch_sd["0.weight"].numpy(), sd["0.weight"].numpy())
    assert "optimizer.state.0.exp_avg" in weights


def test_every_single_bit_flip_is_caught(tmp_path):
    """Flip each bit of a small checkpoint in turn: not one flip loads silently."""
    path = save(tmp_path / "ck", {"w": np.arange(6, dtype=np.float32), "epoch": 2})
    good = path.read_bytes()
    _, start = _header(path)
    assert len(good) - start == 24
    silent = []
    for i in range(len(good)):
        for bit in range(8):
            bad = bytearray(good)
            bad[i] ^= 1 << bit
            try:
                read(io.BytesIO(bad))  # what load(path) does after opening the file
            except CheckpointError:
                continue
            silent.append((i, bit))
    assert silent == []


def test_a_flip_in_the_arrays_names_the_checksum(tmp_path):
    path = save(tmp_path / "ck", {"w": np.ones(100, dtype=np.float32)})
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x10
    path.write_bytes(raw)
    with pytest.raises(CheckpointError, match=r"ck\.safetensors: SHA-256 mismatch in the array"):
        load(path)


def _rewrite_header(path, edit):
    header, start = _header(path)
    data = Path(path).read_bytes()[start:]
    edit(header)
    text = json.dumps(header).encode()
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + data)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda h: h["w"].update(dtype="F99"), "unknown dtype 'F99'"),
        (lambda h: h["w"].update(shape=[-1, 4]), "non-negative integers"),
        (lambda h: h["w"].update(shape=[3.0, 2]), "non-negative integers"),
        (lambda h: h["w"].update(shape=[7]), r"F32 x \[7\] needs 28 bytes"),
        (lambda h: h["w"].update(data_offsets=[20, 44]), "gap before it"),  # v is [0, 16]
        (lambda h: h["w"].update(data_offsets=[0]), "must be \\[begin, end\\]"),
        (lambda h: h["w"].update(extra=1), "exactly dtype, shape and data_offsets"),
        (lambda h: h["w"].update(data_offsets=[8, 32]), "overlaps the one before"),
        (lambda h: h["__metadata__"].update(glassnet="9"), "format version '9'"),
        (lambda h: h["__metadata__"].pop("sha256"), "glassnet metadata without sha256"),
        (lambda h: h["__metadata__"].update(epoch=3), "must map strings to strings"),
        (lambda h: h.pop("__metadata__"), "without glassnet's metadata"),
        (lambda h: h["__metadata__"].update(structure='{"w": 1}'), "header checksum mismatch"),
        (lambda h: h.update(w=h.pop("v"), v=h["w"]), "header checksum mismatch"),  # names swapped
    ],
)
def test_tampered_headers_are_refused(tmp_path, edit, message):
    path = save(tmp_path / "ck", {"w": np.ones(6, dtype=np.float32), "v": np.zeros(2)})
    _rewrite_header(path, edit)
    with pytest.raises(CheckpointError, match=message):
        load(path)


def test_truncations_and_inserts_are_refused(tmp_path):
    path = save(tmp_path / "ck", {"w": np.arange(10, dtype=np.float64), "note": "hi"})
    good = path.read_bytes()
    for cut in (0, 3, 8, 20, len(good) // 2, len(good) - 1):
        path.write_bytes(good[:cut])
        with pytest.raises(CheckpointError, match=r"ck\.safetensors: "):
            load(path)
    _, start = _header(path)
    for at in (4, 12, start, len(good) - 5, len(good)):
        path.write_bytes(good[:at] + b"\x00" + good[at:])
        with pytest.raises(CheckpointError, match=r"ck\.safetensors: "):
            load(path)


def test_a_16_kb_file_claiming_3_gb_is_refused_at_once_without_allocating(tmp_path):
    import time
    import tracemalloc

    header = {
        "__metadata__": {"glassnet": "2", "structure": "{}", "sha256": "0", "header_sha256": "0"},
        "w": {"dtype": "F32", "shape": [750_000_000], "data_offsets": [0, 3_000_000_000]},
    }
    text = json.dumps(header).encode()
    path = tmp_path / "huge.safetensors"
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        f.truncate(16 * 1024)  # sparse zeros up to 16 KB
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(CheckpointError, match="describes 3000000000 bytes of arrays but"):
        load(path)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 10_000_000
    # a header length that claims more than the file
    path.write_bytes(struct.pack("<Q", 3_000_000_000) + b"{}")
    with pytest.raises(CheckpointError, match="header length 3000000000 exceeds the file"):
        load(path)


def test_stale_temp_files_are_removed_by_the_next_save(tmp_path):
    save(tmp_path / "ck", {"a": np.ones(3)})
    stale = [
        tmp_path / ".ck.safetensors.999999999-abcd.tmp",  # a killed save (no such process)
        tmp_path / ".ck.safetensors.x1y2z3.tmp",  # the old format's mkstemp names
        tmp_path / ".ck.json.q9w8e7.tmp",
    ]
    for p in stale:
        p.write_bytes(b"partial")
    live = tmp_path / f".ck.safetensors.{os.getppid()}-beef.tmp"  # a live process's save
    live.write_bytes(b"in progress")
    save(tmp_path / "ck", {"a": np.zeros(3)})
    assert sorted(os.listdir(tmp_path)) == sorted(["ck.safetensors", live.name])
    np.testing.assert_array_equal(load(tmp_path / "ck")["a"], np.zeros(3))


def test_a_failed_save_leaves_the_old_checkpoint_and_no_temp(tmp_path, monkeypatch):
    save(tmp_path / "ck", {"epoch": 1, "w": np.ones(4)})

    class Interrupted(BaseException):  # as KeyboardInterrupt or SystemExit would
        pass

    def interrupted(src, dst):
        raise Interrupted

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(Interrupted):
        save(tmp_path / "ck", {"epoch": 2, "w": np.zeros(4)})
    assert os.listdir(tmp_path) == ["ck.safetensors"]
    assert load(tmp_path / "ck")["epoch"] == 1


KILLED_SAVE = """
import os, signal, sys
import numpy as np
from glassnet.io import save
os.replace = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)  # die just before the rename
save(sys.argv[1], {"epoch": 2, "w": np.zeros(1000)})
"""


def test_a_save_killed_before_its_rename_leaves_the_old_checkpoint(tmp_path):
    save(tmp_path / "ck", {"epoch": 1, "w": np.ones(1000)})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_SAVE, str(tmp_path / "ck")], env=env, timeout=120
    )
    assert done.returncode == -signal.SIGKILL
    temps = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert len(temps) == 1  # the killed save's complete temp file, never renamed
    state = load(tmp_path / "ck")
    assert state["epoch"] == 1 and state["w"].sum() == 1000
    save(tmp_path / "ck", {"epoch": 3, "w": np.ones(1000)})
    assert os.listdir(tmp_path) == ["ck.safetensors"]


def test_old_two_file_checkpoints_still_load(tmp_path):
    import safetensors.numpy

    arrays = {"model/w": np.arange(4.0), "optimizer/state/0/m": np.ones(2)}
    (tmp_path / "old.safetensors").write_bytes(
        safetensors.numpy.save(arrays, metadata={"format": "glassnet-checkpoint"})
    )
    tree = {
        "model": {"w": {"__tensor__": "model/w"}},
        "optimizer": {"state": {"__items__": [[0, {"m": {"__tensor__": "optimizer/state/0/m"}}]]}},
        "extra": {"epoch": 3, "loss": float("nan"), "betas": {"__tuple__": [0.9, 0.999]}},
    }
    head = {"format": "glassnet-checkpoint", "version": 1, "arrays": sorted(arrays), "state": tree}
    (tmp_path / "old.json").write_text(json.dumps(head))
    state = load(tmp_path / "old")
    np.testing.assert_array_equal(state["model"]["w"], np.arange(4.0))
    assert state["optimizer"]["state"][0]["m"].tolist() == [1.0, 1.0]
    assert state["extra"]["epoch"] == 3 and state["extra"]["betas"] == (0.9, 0.999)
    # the pair from different saves
    head["arrays"] = ["model/w"]
    (tmp_path / "old.json").write_text(json.dumps(head))
    with pytest.raises(CheckpointError, match=r"old\.safetensors: its arrays do not match old"):
        load(tmp_path / "old")
    (tmp_path / "old.json").unlink()
    with pytest.raises(CheckpointError, match=r"old two-file format, but its other half old\.json"):
        load(tmp_path / "old")
    (tmp_path / "only.json").write_text(json.dumps(head))
    with pytest.raises(CheckpointError, match=r"only\.safetensors: not found \(only\.json"):
        load(tmp_path / "only")


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(CheckpointError, match=r"nope\.safetensors: checkpoint file not found"):
        load(tmp_path / "nope")
    (tmp_path / "d.safetensors").write_bytes(b"garbage!")
    with pytest.raises(CheckpointError, match=r"d\.safetensors: header length"):
        load(tmp_path / "d")
    (tmp_path / "e.safetensors").write_bytes(struct.pack("<Q", 2) + b"[]")
    with pytest.raises(CheckpointError, match=r"e\.safetensors: not a safetensors file"):
        load(tmp_path / "e")
    import safetensors.numpy

    safetensors.numpy.save_file({"w": np.ones(2)}, tmp_path / "f.safetensors")
    with pytest.raises(CheckpointError, match="not a glassnet checkpoint"):
        load(tmp_path / "f")


def test_unsupported_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match=r"cannot store a set at 'a\.b'"):
        save(tmp_path / "x", {"a": {"b": {1, 2}}})
    with pytest.raises(TypeError, match="state must be a dict"):
        save(tmp_path / "x", [1])
    with pytest.raises(TypeError, match="arrays of dtype complex128 cannot be stored"):
        save(tmp_path / "x", {"z": np.ones(2, dtype=complex)})
    deep: list = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(ValueError, match="nested deeper than 100 levels"):
        save(tmp_path / "x", {"deep": deep})
    assert not any(tmp_path.iterdir())  # nothing written by a refused save


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
    with pytest.raises(CheckpointError, match=r"m\.safetensors: cannot load the model state"):
        load_checkpoint(tmp_path / "m", other)
    save(tmp_path / "n", {"model": {"0.weight": 3}})
    with pytest.raises(CheckpointError, match="'0.weight' is a int, not an array"):
        load_checkpoint(tmp_path / "n", model)


def test_no_pickle_anywhere_in_glassnet():
    root = Path(glassnet.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, path


def test_the_file_and_its_folder_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save(tmp_path / "ck", {"w": np.ones(2)})
    assert [c[0] for c in calls] == ["fsync", "replace", "fsync"]
    assert calls[0][1].startswith(str(tmp_path / ".ck.safetensors.")) and calls[0][1].endswith(
        ".tmp"
    )
    assert calls[1][1] == str(tmp_path / "ck.safetensors") and calls[2][1] == str(tmp_path)
