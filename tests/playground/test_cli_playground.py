"""`glassnet playground`: the server starts from the command line, on localhost by default."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_playground_command_serves_the_page_on_localhost(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "glassnet.cli",
        "playground",
        "--port",
        str(port),
        "--out",
        str(tmp_path),
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                    page = r.read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError(f"server did not start: {proc.stdout.read()}") from None
                time.sleep(0.1)
        assert "glassnet playground" in page
        # bound to the loopback interface only
        others = [a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
        for address in {a for a in others if not a.startswith("127.")}:
            with socket.socket() as s, pytest.raises(OSError):
                s.settimeout(1)
                s.connect((address, port))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out


def test_playground_command_rejects_a_bad_port():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "glassnet.cli", "playground", "--port", "-3"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "--port" in r.stderr
