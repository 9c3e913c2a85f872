"""Data parallel over MPI: 2 ranks with batch B each end where 1 process with batch 2B does."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet
from tests.distributed import ddp_worker

pytest.importorskip("mpi4py")
MPIEXEC = shutil.which("mpiexec") or shutil.which("mpirun")
pytestmark = pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec (pip install glassnet[mpi])")
WORKER = Path(ddp_worker.__file__)
ROOT = WORKER.parents[2]


def mpiexec(n: int, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [MPIEXEC, "-n", str(n), sys.executable, str(WORKER), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


@pytest.mark.parametrize("name", ["mlp", "batchnorm"])
def test_two_ranks_match_one_process_with_the_whole_batch(tmp_path, name):
    result = mpiexec(2, name, str(tmp_path), "--")
    assert result.returncode == 0, result.stderr
    # one process, batch 2B: the same examples in the same order
    ddp_worker.BATCH, saved = 2 * ddp_worker.BATCH, ddp_worker.BATCH
    try:
        reference = ddp_worker.train(name, ddp_worker.make_model(name), ranks=1, rank=0)
    finally:
        ddp_worker.BATCH = saved
    expected = {k: v.numpy() for k, v in reference.state_dict().items()}
    for r in range(2):
        got = np.load(tmp_path / f"rank{r}.npz")
        assert got["__buckets__"] > 1
        assert got["__launched__"].any()  # reductions started while backward still ran
        for key, value in expected.items():
            np.testing.assert_allclose(got[key], value, rtol=1e-6, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("how", ["raise", "kill", "config"])
def test_a_failing_rank_ends_the_whole_job_quickly(tmp_path, how):
    start = time.monotonic()
    result = mpiexec(2, "mlp", str(tmp_path), "--", how, timeout=60)
    assert result.returncode != 0
    assert time.monotonic() - start < 10
    if how == "raise":
        assert "rank 1" in result.stderr and "a deliberate failure on rank 1" in result.stderr
    if how == "config":  # every rank raises it: rank 0 says it once, no abort loses it
        message = "the configuration differs across ranks: rank(s) [1] disagree"
        assert result.stderr.count(message) == 1 and "Abort" not in result.stderr


def test_a_single_process_runs_the_same_code_without_mpiexec():
    model = glassnet.distributed.DistributedDataParallel(ddp_worker.make_model("mlp"))
    ddp_worker.train("mlp", model, ranks=1, rank=0)
    assert glassnet.distributed.world_size() == 1 and glassnet.distributed.is_main()
