"""End to end in headless Chromium: a learner's session, start to saved run.

Screenshots go to a temporary folder, or to the folder GLASSNET_SCREENSHOTS names: the guide's
pictures (docs/playground.md) come from `GLASSNET_SCREENSHOTS=docs/images pytest
tests/playground/test_browser.py`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.runs import load_run

from .reference import reference_gradients

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SHOTS = Path(os.environ.get("GLASSNET_SCREENSHOTS") or tempfile.mkdtemp(prefix="glassnet-shots-"))


def wait(driver, condition, timeout: float = 20.0, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def number(driver, element_id: str) -> float | None:
    value = driver.find_element("id", element_id).get_attribute("data-value")
    return float(value) if value else None


def status(driver) -> str:
    return driver.find_element("id", "status").text


def choose(driver, element_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", element_id)).select_by_value(value)


def type_into(driver, element_id: str, text: str) -> None:
    box = driver.find_element("id", element_id)
    box.clear()
    box.send_keys(text)
    driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", box)


def shoot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / name))


def the_session(live_server):
    """The trainer of the page's session (the previous page's is closed by now)."""
    deadline = time.time() + 5
    while len(live_server.app.state.manager.sessions) != 1 and time.time() < deadline:
        time.sleep(0.02)
    sessions = list(live_server.app.state.manager.sessions.values())
    assert len(sessions) == 1, "one tab, one session"
    return sessions[0].trainer


def fresh_state(driver) -> None:
    """Wait until a new session's first update (step 0) is on the page."""
    wait(
        driver, lambda d: number(d, "step-count") == 0 and d.find_element("id", "error").text == ""
    )


def test_a_learners_session_on_moons(browser, live_server):
    d = browser
    d.get(live_server.url)
    wait(d, lambda d: d.find_element("id", "play").is_enabled(), message="page did not connect")
    choose(d, "dataset", "moons")
    fresh_state(d)
    d.find_element("id", "play").click()
    wait(d, lambda d: status(d).startswith("playing"), message="did not start playing")
    wait(d, lambda d: (number(d, "test-acc") or 0) > 0.9, message="test accuracy stayed <= 0.9")
    d.find_element("id", "play").click()  # Pause
    wait(d, lambda d: status(d).startswith("paused"), message="did not pause")
    shoot(d, "playground-moons.png")
    assert the_session(live_server).history[-1]["test_accuracy"] > 0.9

    choose(d, "activation", "relu")  # a new network with the new activation
    fresh_state(d)
    assert the_session(live_server).settings.activation == "relu"
    d.find_element("id", "step").click()
    wait(d, lambda d: number(d, "step-count") == 1)

    d.find_element("id", "explain-btn").click()
    wait(d, lambda d: d.find_elements("id", "grad-W-1"), message="no explanation shown")
    session = the_session(live_server)
    assert session.step_count == 1
    indices = list(range(8))  # the explained batch, as the page says:
    assert "training points 0, 1, 2, 3, 4, 5, 6, 7" in d.find_element("id", "explain-loss").text
    loss, grads = reference_gradients(session, indices)
    assert number(d, "explain-loss") == pytest.approx(loss, rel=1e-6)
    for k, g in enumerate(grads, start=1):
        cells = d.find_elements("css selector", f"#grad-W-{k} tr")
        shown = np.array(
            [
                [
                    float(td.get_attribute("data-value"))
                    for td in row.find_elements("tag name", "td")
                ]
                for row in cells
            ]
        )
        np.testing.assert_allclose(
            shown, g[: shown.shape[0], : shown.shape[1]], rtol=1e-5, atol=1e-9
        )
    assert "relu" in d.find_element("id", "explain-body").text
    shoot(d, "playground-explain.png")

    d.find_element("id", "save").click()
    wait(d, lambda d: d.find_element("id", "saved").is_displayed(), timeout=40, message="not saved")
    run_dir = d.find_element("id", "saved").text.split()[1]
    assert (Path(run_dir) / "report.html").is_file()
    config, model, meta = load_run(run_dir)
    assert config["model"]["activation"] == "relu" and meta["task"] == "binary"
    X = session.data.X_test
    with glassnet.no_grad():
        np.testing.assert_allclose(
            model(glassnet.tensor(X)).numpy(), session.scores(X), rtol=1e-5, atol=1e-6
        )
    assert json.loads((Path(run_dir) / "playground.json").read_text())["activation"] == "relu"


def test_bad_settings_are_shown_on_the_page(browser, live_server):
    d = browser
    d.get(live_server.url)
    wait(d, lambda d: d.find_element("id", "play").is_enabled())
    type_into(d, "hidden_sizes", "16,0")
    wait(d, lambda d: "hidden_sizes" in d.find_element("id", "error").text)
    assert "[1, 64]" in d.find_element("id", "error").text
    type_into(d, "hidden_sizes", "4")
    wait(d, lambda d: not d.find_element("id", "error").is_displayed())


def test_perceptron_converges_on_blobs_never_on_xor(browser, live_server):
    d = browser
    d.get(live_server.url)
    wait(d, lambda d: d.find_element("id", "play").is_enabled())
    choose(d, "mode", "perceptron")
    choose(d, "dataset", "blobs")
    fresh_state(d)
    type_into(d, "steps_per_update", "50")
    fresh_state(d)
    type_into(d, "n_samples", "100")
    fresh_state(d)
    d.find_element("id", "play").click()
    verdict = lambda d: d.find_element("id", "perceptron-verdict").text  # noqa: E731
    wait(d, lambda d: verdict(d).startswith("converged"), message="no convergence on blobs")
    choose(d, "dataset", "xor")
    fresh_state(d)
    d.find_element("id", "play").click()
    wait(d, lambda d: "no line separates" in verdict(d), message="xor verdict missing")
    d.find_element("id", "play").click()
    wait(d, lambda d: status(d).startswith("paused"), message="did not pause")
    shoot(d, "playground-perceptron-xor.png")
    assert the_session(live_server).converged_epoch is None
