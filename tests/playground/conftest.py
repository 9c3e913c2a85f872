"""Fixtures of the playground tests: a live server in a thread, and headless Chromium."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving the playground app in a background thread of the test process, so
    tests can look at the sessions the page drives."""

    def __init__(self, runs_dir: Path, max_sessions: int = 4) -> None:
        import uvicorn

        from glassnet.playground.app import create_app

        self.app = create_app(max_sessions=max_sessions, runs_dir=runs_dir)
        self.port = _free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the playground server did not start in 10 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served on a free local port for the tests of one module."""
    pytest.importorskip("fastapi", reason="the playground extra is not installed")
    pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    with LiveServer(tmp_path_factory.mktemp("runs")) as server:
        yield server


def _find(paths: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    for p in paths:
        if Path(p).is_file():
            return p
    for n in names:
        found = shutil.which(n)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Selenium (skips where no browser is installed)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    binary = _find(CHROMIUM, ("chromium", "chromium-browser", "google-chrome"))
    driver_path = _find(DRIVERS, ("chromedriver",))
    if binary is None or driver_path is None:
        pytest.skip("no Chromium and chromedriver found (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="glassnet-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
