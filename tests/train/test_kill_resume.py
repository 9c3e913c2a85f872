"""SIGKILL `glassnet train` at random moments (some during checkpoint saves), resume with
`glassnet train --resume RUN_DIR` until it finishes, and hold the result to an uninterrupted
run's: the model's and optimizer's arrays bit for bit, the scheduler state, the metrics log
(no duplicated rows), the history and the test metrics (wall times aside)."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from glassnet.io.checkpoint import load, save
from glassnet.train.history import TIMING_KEYS

DATA = os.environ.get("GLASSNET_DATA", "")
FULL = bool(os.environ.get("GLASSNET_FULL"))
long_run = pytest.mark.skipif(not FULL, reason="long kill-and-resume runs: GLASSNET_FULL=1")
needs_data = pytest.mark.skipif(
    not DATA or not Path(DATA).is_dir(), reason="needs GLASSNET_DATA (mnist/, tinyshakespeare/)"
)


def _one_file_checkpoints(tmp: Path) -> bool:
    save(tmp / "probe", {"a": np.zeros(2)})
    return not (tmp / "probe.json").exists()


@pytest.fixture
def tmp(tmp_path):
    if not _one_file_checkpoints(tmp_path):
        pytest.skip("a kill between the two files of the legacy checkpoint format can mix saves")
    return tmp_path


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "glassnet.cli", "train", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(p: subprocess.Popen) -> tuple[int, str]:
    _, err = p.communicate(timeout=600)
    return p.returncode, err


def _run_dir(out: Path) -> Path | None:
    found = sorted(out.glob("*/config.json"))
    return found[0].parent if found else None


def _kill_at_random(p: subprocess.Popen, out: Path, rng: random.Random, spread: float) -> None:
    """Wait until this process has trained (a new `last` checkpoint), then kill it within
    `spread` seconds: checkpoints come every few steps, so some kills land inside a save."""
    run = _run_dir(out)
    last = run / "last.safetensors" if run else None
    before = last.stat().st_mtime_ns if last is not None and last.exists() else None
    while p.poll() is None:
        run = _run_dir(out)
        last = run / "last.safetensors" if run else None
        if last is not None and last.exists() and last.stat().st_mtime_ns != before:
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, spread))
    p.send_signal(signal.SIGKILL)


def _rows(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in rows]


def _history(path: Path) -> dict:
    h = json.loads(path.read_text())
    for e in h["epochs"]:
        for key in TIMING_KEYS:
            e.pop(key)
    return h


def _arrays(tree, prefix=""):
    if isinstance(tree, dict):
        return {
            k: v for key, sub in tree.items() for k, v in _arrays(sub, f"{prefix}/{key}").items()
        }
    if isinstance(tree, list | tuple):
        return {
            k: v for i, sub in enumerate(tree) for k, v in _arrays(sub, f"{prefix}/{i}").items()
        }
    return {prefix: tree}


def _kill_and_resume(tmp: Path, args: list[str], seed: int, kills: int, spread: float) -> None:
    full = tmp / "full"
    rc, err = _finish(_start([*args, "--out", str(full), "--name", "x"]))
    assert rc == 0, err
    out, rng, done, restarts = tmp / "killed", random.Random(seed), 0, 0
    while True:
        run = _run_dir(out)
        p = _start(["--resume", str(run)] if run else [*args, "--out", str(out), "--name", "x"])
        if done < kills:
            _kill_at_random(p, out, rng, spread)
        rc, err = _finish(p)
        if rc == 0 and done == 0 and restarts < 5:  # it finished before the kill (a fast
            shutil.rmtree(out)  # machine): start again and kill sooner
            spread, restarts = spread / 4, restarts + 1
            continue
        if rc == 0:
            break
        assert rc == -signal.SIGKILL, err
        done += 1
    assert done >= 1, "the run ended before it could be killed"
    a, b = _run_dir(full), _run_dir(out)
    want, got = load(a / "last"), load(b / "last")
    for part in ("model", "optimizer", "scheduler"):
        x, y = _arrays(want.get(part)), _arrays(got.get(part))
        assert x.keys() == y.keys()
        for key in x:
            if isinstance(x[key], np.ndarray):
                assert x[key].dtype == y[key].dtype and x[key].tobytes() == y[key].tobytes(), key
            else:
                assert x[key] == y[key], key
    assert _rows(b / "metrics.jsonl") == _rows(a / "metrics.jsonl")
    assert _history(b / "history.json") == _history(a / "history.json")
    assert json.loads((b / "test_metrics.json").read_text()) == json.loads(
        (a / "test_metrics.json").read_text()
    )
    charts = sorted(p.name for p in a.glob("*.png"))
    assert charts == sorted(p.name for p in b.glob("*.png"))
    for name in charts:  # drawn from the same history: the same pixels
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


MLP = [
    "--set", "model.dropout=0.3", "--epochs", "2", "--set", "train.checkpoint_every=2",
    "--set", "scheduler.name=cosine", "--set", "train.charts=false",
]  # fmt: skip
LENET = [
    "--model", "lenet5", "--dataset", "mnist", "--epochs", "2", "--batch-size", "32",
    "--set", "data.max_train_samples=400", "--set", "data.max_test_samples=200",
    "--set", "train.checkpoint_every=1", "--set", "train.charts=false",
]  # fmt: skip
GPT = [
    "--model", "gpt", "--dataset", "shakespeare", "--epochs", "2", "--batch-size", "8",
    "--set", "model.n_layer=1", "--set", "model.n_head=2", "--set", "model.n_embd=16",
    "--set", "model.dropout=0.2", "--set", "data.block_size=16",
    "--set", "data.max_train_samples=4000", "--set", "train.max_steps_per_epoch=12",
    "--set", "train.eval_batches=2", "--set", "train.checkpoint_every=2",
    "--set", "train.eval_every=5",
    "--set", "optimizer.name=adamw", "--set", "train.clip_grad_norm=1.0",
    "--set", "scheduler.name=cosine", "--set", "scheduler.interval=step",
    "--set", "train.charts=false",
]  # fmt: skip


def test_mlp_digits_killed_and_resumed(tmp):
    _kill_and_resume(tmp, MLP, seed=0, kills=2, spread=0.6)


@needs_data
def test_lenet_mnist_killed_and_resumed(tmp):
    _kill_and_resume(tmp, [*LENET, "--data-dir", DATA], seed=1, kills=2, spread=0.4)


@needs_data
def test_gpt_shakespeare_killed_and_resumed(tmp):
    _kill_and_resume(tmp, [*GPT, "--data-dir", DATA], seed=2, kills=2, spread=0.4)


@pytest.mark.slow
@long_run
@pytest.mark.parametrize("seed", [10, 11, 12])
def test_mlp_digits_killed_often_with_charts(tmp, seed):
    args = [*MLP[:-2], "--epochs", "6", "--set", "train.checkpoint_every=1"]  # charts on
    _kill_and_resume(tmp, args, seed=seed, kills=5, spread=1.0)


@pytest.mark.slow
@long_run
@needs_data
@pytest.mark.parametrize("seed", [20, 21])
def test_lenet_and_gpt_killed_often(tmp, seed):
    _kill_and_resume(tmp / "lenet", [*LENET, "--data-dir", DATA], seed=seed, kills=5, spread=0.8)
    _kill_and_resume(tmp / "gpt", [*GPT, "--data-dir", DATA], seed=seed, kills=5, spread=0.8)
