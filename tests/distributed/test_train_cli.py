"""`mpiexec -n 2 glassnet train`: a data-parallel run, its resume under MPI and on one rank."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("mpi4py")
MPIEXEC = shutil.which("mpiexec") or shutil.which("mpirun")
pytestmark = pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec (pip install glassnet[mpi])")
ROOT = Path(__file__).resolve().parents[2]
DIGITS = ["--set", "model.hidden_sizes=[16]", "--set", "optimizer.lr=0.01", "--quiet"]
DIGITS += ["--set", "train.charts=false"]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


def glassnet(
    ranks: int, *args: str, cwd: Path, timeout: float = 240
) -> subprocess.CompletedProcess:
    launch = [MPIEXEC, "-n", str(ranks)] if ranks > 1 else []
    return subprocess.run(
        [*launch, sys.executable, "-m", "glassnet.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
        cwd=cwd,
    )


def _rows(run: Path, kind: str) -> list[dict]:
    """The rows of one kind ("epoch" or "step") of a run's metrics.jsonl."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [r for r in rows if r["type"] == kind]


def _epochs(run: Path) -> list[dict]:
    return _rows(run, "epoch")


def test_two_ranks_share_each_epoch_and_rank_0_writes_the_run(tmp_path):
    one = glassnet(1, "train", "--set", "train.epochs=2", *DIGITS, "--out", "one", cwd=tmp_path)
    two = glassnet(2, "train", "--set", "train.epochs=2", *DIGITS, "--out", "two", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert two.stdout.count("run folder:") == 1  # printed by rank 0 alone
    (run_one,), (run_two,) = (list((tmp_path / d).iterdir()) for d in ("one", "two"))
    assert (run_two / "best.safetensors").is_file() and (run_two / "test_metrics.json").is_file()
    steps = [r["step"] for r in _rows(run_two, "step")]
    steps_one = [r["step"] for r in _rows(run_one, "step")]
    # global batch 2 x 64: half the steps of one process with batch 64
    assert abs(max(steps) + 10 - (max(steps_one) + 10) / 2) <= 10
    assert len(_epochs(run_two)) == 2 and _epochs(run_two)[-1]["val_accuracy"] > 0.8


def _killed_run(tmp_path: Path, epochs: int) -> Path:
    """A 2-rank run killed once its first checkpoint is written; returns its folder."""
    proc = subprocess.Popen(
        [
            MPIEXEC,
            "-n",
            "2",
            sys.executable,
            "-m",
            "glassnet.cli",
            "train",
            "--set",
            f"train.epochs={epochs}",
            *DIGITS,
            "--out",
            "runs",
        ],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob("runs/*/last.safetensors")):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    (run,) = list((tmp_path / "runs").iterdir())
    assert (run / "last.safetensors").is_file()
    return run


@pytest.mark.parametrize("ranks", [2, 1])
def test_a_killed_two_rank_run_resumes_on_two_ranks_or_one(tmp_path, ranks):
    run = _killed_run(tmp_path, epochs=12)
    done_before = len(_epochs(run))
    assert done_before < 12
    result = glassnet(ranks, "train", "--resume", str(run), "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    epochs = [r["epoch"] for r in _epochs(run)]
    assert epochs == list(range(12))  # each epoch logged once, continuing where it stopped
    assert json.loads((run / "test_metrics.json").read_text())["accuracy"] > 0.8


def test_a_rank_stopping_on_an_error_ends_the_job(tmp_path):
    start = time.monotonic()
    result = glassnet(2, "train", "--set", "optimizer.name=adamm", *DIGITS, cwd=tmp_path)
    assert result.returncode != 0 and "adamm" in result.stderr
    assert time.monotonic() - start < 30


def test_ranks_with_different_configurations_stop_with_one_clear_error(tmp_path):
    # each rank asks for a different number of epochs (its rank, as the launcher sets it)
    rank = "${PMI_RANK:-$OMPI_COMM_WORLD_RANK}"
    command = f"exec {sys.executable} -m glassnet.cli train --set train.epochs=$(({rank} + 1))"
    result = subprocess.run(
        [MPIEXEC, "-n", "2", "sh", "-c", f"{command} --quiet --out runs"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        cwd=tmp_path,
    )
    message = "the configuration differs across ranks: rank(s) [1] disagree with rank 0"
    assert result.returncode == 2, result.stderr
    assert result.stderr.count(message) == 1  # said once, by rank 0, and never lost to an abort
    assert not (tmp_path / "runs").exists()
