"""Random and mutated bytes (bit flips, byte overwrites, truncations, inserts, deletions) fed to
every reader of files: `glassnet.load`, the run-folder readers and the MNIST reader. Each either
raises its glassnet error or returns exactly what was saved — never a raw exception, a hang, or
silently different numbers."""

import gzip
import io
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet
from glassnet.config import ConfigError, read_run_config
from glassnet.data.mnist import IDXFormatError, read_idx

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

SAVED = {
    "model": {"0.weight": glassnet.tensor([[1.0, -2.0], [0.5, 3.0]]), "0.bias": np.zeros(2)},
    "optimizer": {"state": {0: {"step": 4, "m": np.ones(3, dtype=np.float16)}}},
    "extra": {"epoch": 3, "betas": (0.9, 0.999), "loss": float("nan"), "name": "run"},
}


def _saved_bytes() -> bytes:
    buf = io.BytesIO()
    glassnet.save(SAVED, buf)
    return buf.getvalue()


GOOD = _saved_bytes()


@st.composite
def mutated(draw, good: bytes) -> bytes:
    """`good` with one mutation at a random place."""
    raw = bytearray(good)
    kind = draw(st.sampled_from(["flip", "overwrite", "truncate", "insert", "delete", "splice"]))
    i = draw(st.integers(0, len(raw) - 1))
    if kind == "flip":
        raw[i] ^= 1 << draw(st.integers(0, 7))
    elif kind == "overwrite":
        raw[i] = draw(st.integers(0, 255))
    elif kind == "truncate":
        del raw[i:]
    elif kind == "insert":
        raw[i:i] = draw(st.binary(min_size=1, max_size=16))
    elif kind == "delete":
        del raw[i : i + draw(st.integers(1, 16))]
    else:
        raw[i : i + 8] = draw(st.binary(min_size=8, max_size=8))
    return bytes(raw)


def _same(a, b) -> bool:
    if isinstance(a, glassnet.Tensor):
        a = a.numpy()
    if isinstance(b, glassnet.Tensor):
        b = b.numpy()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and type(a) is type(b):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_give_a_checkpoint_error(data):
    with pytest.raises(glassnet.CheckpointError):
        glassnet.load(io.BytesIO(data))


@FUZZ
@given(mutated(GOOD))
def test_mutated_files_fail_cleanly_or_load_exactly(data):
    try:
        back = glassnet.load(io.BytesIO(data))
    except glassnet.CheckpointError:
        return
    assert _same(back, SAVED)  # e.g. a padding space overwritten with a newline


@FUZZ
@given(mutated(GOOD))
def test_mutated_files_on_disk(tmp_path, data):
    path = tmp_path / "ck.safetensors"
    path.write_bytes(data)
    try:
        back = glassnet.load(path)
    except glassnet.CheckpointError:
        return
    assert _same(back, SAVED)


CONFIG = json.dumps(
    {
        "name": "x",
        "seed": 0,
        "data": {"dataset": "digits", "batch_size": 64},
        "model": {"name": "mlp", "hidden_sizes": [16], "dropout": 0.0},
        "optimizer": {"name": "adam", "lr": 0.001},
        "scheduler": {"name": "none"},
        "train": {"epochs": 2, "metrics": ["accuracy"]},
    }
).encode()


@FUZZ
@given(st.one_of(mutated(CONFIG), st.binary(max_size=512)))
def test_run_config_reader_only_raises_config_errors(tmp_path, data):
    path = tmp_path / "config.json"
    path.write_bytes(data)
    try:
        config = read_run_config(path)
    except ConfigError as e:
        assert str(e).startswith(str(path)) and "\n" not in str(e)
        return
    assert isinstance(config["model"]["name"], str)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A run folder saved the way `glassnet train` saves one (without training)."""
    from glassnet.config import resolve
    from glassnet.io import save_checkpoint
    from glassnet.train import builders

    config = resolve(None, {"model.hidden_sizes": [16], "train.charts": False})
    data = builders.build_data(config)
    model = builders.build_model(config, data, generator=glassnet.Generator(0))
    run = tmp_path_factory.mktemp("run")
    (run / "config.json").write_text(json.dumps(config))
    save_checkpoint(run / "best", model, config=config, data=data.meta)
    return run


@settings(max_examples=60, deadline=None)
@given(which=st.sampled_from(["config.json", "best.safetensors"]), seed=st.integers(0, 2**32 - 1))
def test_load_run_on_mutated_run_folders(run_folder, tmp_path_factory, which, seed):
    import shutil

    from glassnet.runs import load_run

    run = tmp_path_factory.mktemp("mutated") / "run"
    shutil.copytree(run_folder, run)
    raw = bytearray((run / which).read_bytes())
    rng = np.random.default_rng(seed)
    for _ in range(int(rng.integers(1, 4))):
        raw[int(rng.integers(len(raw)))] ^= 1 << int(rng.integers(8))
    (run / which).write_bytes(raw)
    try:
        load_run(run)
    except (ConfigError, glassnet.CheckpointError) as e:
        assert "\n" not in str(e)
        return
    assert which == "config.json"  # a damaged checkpoint never loads


def _idx(dims: tuple, payload: bytes, magic: int) -> bytes:
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims) + payload


IMAGES = _idx((2, 28, 28), bytes(range(256)) * 6 + bytes(32), 2051)


@FUZZ
@given(st.one_of(mutated(IMAGES), mutated(gzip.compress(IMAGES)), st.binary(max_size=2048)))
def test_mnist_reader_only_raises_idx_errors(tmp_path, data):
    for name, raw in (("a-idx3-ubyte", data), ("b-idx3-ubyte.gz", data)):
        path = tmp_path / name
        path.write_bytes(raw)
        try:
            images = read_idx(path, max_count=10000, item_shape=(28, 28))
        except IDXFormatError:
            continue
        assert images.dtype == np.uint8 and images.shape[1:] in ((28, 28), ())
