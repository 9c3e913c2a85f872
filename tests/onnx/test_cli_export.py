"""`glassnet export RUN_DIR` on a tiny run, as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

import glassnet
from glassnet.runs import load_run


def glassnet_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "glassnet.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=os.environ.copy(), timeout=300,
    )  # fmt: skip


def test_export_a_run_to_onnx(tmp_path):
    train = glassnet_cli(
        "train", "--dataset", "iris", "--epochs", "1", "--out", tmp_path, "--quiet", cwd=tmp_path
    )
    assert train.returncode == 0, train.stderr
    run_dir = Path(re.search(r"^run folder: (.+)$", train.stdout, re.M).group(1))

    result = glassnet_cli("export", run_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (run_dir / "model.onnx").exists()

    out = tmp_path / "iris.onnx"
    result = glassnet_cli("export", run_dir, "--format", "onnx", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout

    X = np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (got,) = session.run(["output"], {"input": X})
    _, model, _ = load_run(run_dir)
    with glassnet.no_grad():
        want = model(glassnet.tensor(X)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_export_of_a_folder_that_is_not_a_run(tmp_path):
    result = glassnet_cli("export", tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("glassnet export: error:")
