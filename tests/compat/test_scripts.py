"""Each script in ``scripts/`` runs under real PyTorch and under glassnet, with the same losses.

A script prints one JSON line last (its logged losses and a few other values); both runs start
from the same NumPy-drawn weights and data in float64, so every number must agree to 1e-5
(relative to its size when above 1), lists element by element; strings and ints exactly.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

HERE = Path(__file__).parent
SCRIPTS = sorted(p for p in (HERE / "scripts").glob("*.py") if not p.name.startswith("_"))
TOL = 1e-5


def _start(framework: str, script: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HERE / "run_script.py"), framework, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(proc: subprocess.Popen, framework: str, script: Path) -> dict:
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"{script.name} failed under {framework}:\n{err[-4000:]}")
    return json.loads(out.strip().splitlines()[-1])


def _assert_same(name: str, got, want) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{name}: {got} vs {want}"
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(f"{name}[{i}]", g, w)
    elif isinstance(want, float):
        assert abs(got - want) <= TOL * max(1.0, abs(want)), f"{name}: glassnet {got}, torch {want}"
    else:
        assert got == want, f"{name}: glassnet {got!r}, torch {want!r}"


def test_there_are_at_least_ten_scripts():
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_matches_pytorch(script: Path):
    runs = {fw: _start(fw, script) for fw in ("torch", "glassnet")}
    want = _result(runs["torch"], "torch", script)
    got = _result(runs["glassnet"], "glassnet", script)
    assert set(got) == set(want) and want["losses"]
    for key in want:
        _assert_same(key, got[key], want[key])
