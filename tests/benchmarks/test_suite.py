"""The benchmark suite runs (its --quick numbers are not judged, only that it works end to end)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(module: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_quick_run_prints_a_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    done = _run(
        "benchmarks", "--quick", "--no-memory", "--only", "b_mlp_digits_train", "--json", str(out)
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "GEMM" in done.stdout and "/torch" in done.stdout and "of GEMM" in done.stdout
    report = json.loads(out.read_text())
    rows = {r["framework"]: r for r in report["results"]}
    assert set(rows) == {"glassnet", "torch", "sklearn"}
    for r in rows.values():
        assert r["workload"] == "b_mlp_digits_train"
        assert r["median_s"] > 0 and r["samples_per_s"] > 0
        # achieved GFLOP/s, and as a fraction of the measured NumPy GEMM rate
        assert r["gflops"] > 0 and r["gemm_fraction"] == r["gflops"] / report["gemm_gflops"]
        assert r["ratio"] == r["median_s"] / rows["torch"]["median_s"]
        assert r["peak_ratio"] is None  # --no-memory
    assert rows["torch"]["ratio"] == 1.0
    assert report["gemm_gflops"] > 0 and report["machine"]["blas"]


def test_peak_memory_probe_reports_growth_in_a_fresh_process():
    done = _run("benchmarks.memory", "b_mlp_digits_train", "glassnet", "--quick")
    assert done.returncode == 0, done.stderr[-2000:]
    peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]
    assert 0 <= peak < 500


def test_unknown_workload_is_refused():
    done = _run("benchmarks", "--only", "no_such_workload")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_quick_run_probes_memory_of_the_first_workload_only(monkeypatch, tmp_path):
    """Each memory probe is a fresh process (~3-8 s with its imports): --quick probes the first
    workload's frameworks only, so the whole quick run stays well under a minute."""
    import torch

    from benchmarks import run

    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # keep this worker's 1 thread
    probed = []
    monkeypatch.setattr(run, "_peak_memory", lambda w, fw, quick: probed.append((w, fw)) or 1.0)
    out = tmp_path / "bench.json"
    only = ["b_mlp_digits_train", "f_mlp_mnist_infer"]
    assert run.main(["--quick", "--only", *only, "--json", str(out)]) == 0
    assert probed == [("b_mlp_digits_train", fw) for fw in ("glassnet", "torch", "sklearn")]
    peaks = {
        (r["workload"], r["framework"]): r["peak_mb"]
        for r in json.loads(out.read_text())["results"]
    }
    assert peaks[("b_mlp_digits_train", "torch")] == 1.0
    rows = {(r["workload"], r["framework"]): r for r in json.loads(out.read_text())["results"]}
    assert rows[("b_mlp_digits_train", "glassnet")]["peak_ratio"] == 1.0  # 1.0 MB / 1.0 MB
    assert rows[("f_mlp_mnist_infer", "glassnet")]["peak_ratio"] is None
    assert peaks[("f_mlp_mnist_infer", "glassnet")] is None


def test_run_py_works_as_a_script_from_another_directory(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--no-memory",
         "--only", "b_mlp_digits_train"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "b_mlp_digits_train" in done.stdout and "/torch" in done.stdout


def test_conv_layer_table_runs_and_writes_json(tmp_path):
    out = tmp_path / "conv.json"
    done = _run("benchmarks.conv_layers", "--quick", "--only", "lenet c2", "depthwise 3x3/2",
                "--json", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fwd+bwd median" in done.stdout
    rows = json.loads(out.read_text())["conv_layers"]
    assert [r["layer"] for r in rows] == ["lenet c2 5x5 valid", "depthwise 3x3/2"]
    for r in rows:
        assert r["fwd_ratio"] == r["glassnet_fwd_s"] / r["torch_fwd_s"]
        assert r["train_ratio"] == r["glassnet_train_s"] / r["torch_train_s"]
        assert r["glassnet_train_gflops"] == 3 * r["forward_flops"] / r["glassnet_train_s"] / 1e9
    assert rows[1]["shape"]["groups"] == rows[1]["shape"]["C"] == 64
