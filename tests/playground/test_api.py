"""The playground's HTTP and WebSocket endpoints, driven directly (no browser)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the playground extra is not installed")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
from fastapi.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from glassnet.playground.app import create_app  # noqa: E402
from glassnet.runs import evaluate_run, load_run  # noqa: E402

from .reference import reference_gradients, torch_gradients  # noqa: E402

SMALL = {"dataset": "moons", "n_samples": 120, "hidden_sizes": [8, 8], "steps_per_update": 2}


@pytest.fixture
def app(tmp_path):
    return create_app(max_sessions=2, runs_dir=tmp_path)


def configure(ws, settings):
    ws.send_json({"type": "configure", "settings": settings})
    ready = ws.receive_json()
    assert ready["type"] == "ready", ready
    state = ws.receive_json()
    assert state["type"] == "state"
    return ready, state


def test_page_and_static_files(app):
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "glassnet playground" in page.text
        for name in ("app.js", "draw.js", "explain.js", "style.css"):
            assert client.get(f"/static/{name}").status_code == 200
        assert "http" not in page.text.replace("http-equiv", "")  # nothing from a CDN
        options = client.get("/api/options").json()
        assert "tanh" in options["activations"] and "moons" in options["datasets"]


def test_check_endpoint_names_the_bad_field(app):
    with TestClient(app) as client:
        ok = client.post("/api/check", json={"noise": 0.2})
        assert ok.status_code == 200 and ok.json()["settings"]["noise"] == 0.2
        bad = client.post("/api/check", json={"hidden_sizes": [16, 100]})
        assert bad.status_code == 422
        assert bad.json()["field"] == "hidden_sizes" and "[1, 64]" in bad.json()["error"]
        assert client.post("/api/check", content=b"{not json").status_code == 422


def test_websocket_errors_are_messages_not_crashes(app):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "play"})
        assert "configure" in ws.receive_json()["message"]
        ws.send_text("{oops")
        assert ws.receive_json()["message"] == "message: not valid JSON"
        ws.send_json({"type": "fly"})
        assert ws.receive_json()["field"] == "type"
        ws.send_json(
            {"type": "configure", "settings": {"optimizer": "sgd", "optimizer_params": {"lr": -1}}}
        )
        error = ws.receive_json()
        assert error["type"] == "error" and error["field"] == "optimizer_params"
        assert error["message"].startswith("optimizer_params: SGD") and "-1" in error["message"]
        ws.send_json({"type": "configure", "settings": {"activation": "nope"}})
        assert ws.receive_json()["field"] == "activation"
        ready, state = configure(ws, SMALL)  # the session still works after the errors
        assert ready["layers"] == [2, 8, 8, 1] and state["point"]["step"] == 0


def test_step_play_pause(app):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        configure(ws, SMALL)
        ws.send_json({"type": "step"})
        state = ws.receive_json()
        assert state["point"]["step"] == 1 and len(state["boundary"]) == 40 * 40
        assert len(state["neurons"]) == 2 and len(state["neurons"][0]) == 8
        assert len(state["grad_norms"]) == 3 and all(g > 0 for g in state["grad_norms"])
        ws.send_json({"type": "play"})
        steps = []
        for _ in range(3):
            steps.append(ws.receive_json()["point"]["step"])
            ws.send_json({"type": "drawn"})  # the page drew it: the next update may come
        assert steps == sorted(steps) and steps[-1] >= 5
        ws.send_json({"type": "pause"})
        while (msg := ws.receive_json())["playing"]:
            pass
        assert msg["type"] == "state" and not msg["playing"]


def test_too_many_sessions_and_cleanup_on_disconnect(app):
    manager = app.state.manager
    with TestClient(app) as client:
        with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
            configure(a, SMALL)
            configure(b, SMALL)
            assert client.get("/api/sessions").json() == {"active": 2, "max": 2}
            with client.websocket_connect("/ws") as c:
                refused = c.receive_json()
                assert refused["field"] == "session" and "full" in refused["message"]
                with pytest.raises(WebSocketDisconnect) as info:
                    c.receive_json()
                assert info.value.code == 1013
            a.send_json({"type": "play"})
            a.receive_json()
        # both tabs closed, one while playing: their sessions are gone
        assert client.get("/api/sessions").json()["active"] == 0
        assert manager.sessions == {}
        with client.websocket_connect("/ws") as d:
            configure(d, SMALL)


def test_explain_numbers_are_glassnets_backward_pass(app):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        configure(ws, {**SMALL, "activation": "relu", "loss": "cross_entropy"})
        ws.send_json({"type": "step"})
        ws.receive_json()
        ws.send_json({"type": "explain"})
        msg = ws.receive_json()
        assert msg["type"] == "explain"
        (slot,) = app.state.manager.sessions.values()
        loss, grads = reference_gradients(slot.trainer, msg["indices"])
        assert msg["loss"] == pytest.approx(loss, rel=1e-6)
        for layer, g in zip(msg["layers"], grads):
            shown = np.array(layer["grad_W"])
            np.testing.assert_allclose(
                shown, g[: shown.shape[0], : shown.shape[1]], rtol=1e-5, atol=1e-9
            )
            assert layer["grad_W_norm"] == pytest.approx(float(np.linalg.norm(g)), rel=1e-5)
        torch_loss, torch_grads = torch_gradients(slot.trainer, msg["indices"])
        assert msg["loss"] == pytest.approx(torch_loss, rel=1e-5)
        for layer, g in zip(msg["layers"], torch_grads):
            shown = np.array(layer["grad_W"])
            np.testing.assert_allclose(shown, g[: shown.shape[0], : shown.shape[1]], atol=1e-6)
        assert "relu" in msg["activation_text"] and "cross_entropy" in msg["loss_text"]
        assert "Adam" in msg["optimizer_text"] and "Linear" in msg["trace"]
        # the explanation changed nothing: the next step is the step it would have been
        assert slot.trainer.step_count == 1


def test_save_reopens_with_load_run_and_evaluate(app, tmp_path):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        ready, state = configure(
            ws,
            {
                "dataset": "digits",
                "loss": "cross_entropy",
                "hidden_sizes": [16],
                "steps_per_update": 20,
            },
        )
        assert ready["layers"] == [64, 16, 10] and len(ready["points"]["images"]) == 24
        assert len(state["predictions"]) == 24 and "boundary" not in state
        for _ in range(3):
            ws.send_json({"type": "step"})
            ws.receive_json()
        ws.send_json({"type": "save"})
        saved = ws.receive_json()
        assert saved["type"] == "saved"
        (slot,) = app.state.manager.sessions.values()
        run_dir = saved["run_dir"]
        for name in ("config.json", "report.html", "curves.png", "playground.json"):
            assert (tmp_path / run_dir.split("/")[-1] / name).is_file()
        config, model, meta = load_run(run_dir)
        X = slot.trainer.data.X_test
        expected = slot.trainer.scores(X)
        import glassnet

        with glassnet.no_grad():
            np.testing.assert_allclose(
                model(glassnet.tensor(X)).numpy(), expected, rtol=1e-5, atol=1e-6
            )
        metrics = evaluate_run(run_dir)
        _, acc = slot.trainer.evaluate(X, slot.trainer.data.y_test)
        assert metrics["accuracy"] == pytest.approx(acc)
        assert json.loads((tmp_path / run_dir.split("/")[-1] / "playground.json").read_text())[
            "hidden_sizes"
        ] == [16]


def test_perceptron_session_over_the_socket(app):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        ready, state = configure(
            ws, {"mode": "perceptron", "dataset": "blobs", "noise": 0.05, "n_samples": 60}
        )
        assert ready["layers"] == [2, 1] and state["last"] is None
        ws.send_json({"type": "step"})
        state = ws.receive_json()
        assert state["last"]["y_hat"] == 0 and state["index"] == 1
        ws.send_json({"type": "explain"})
        assert "perceptron" in ws.receive_json()["message"]


@pytest.mark.parametrize("optimizer", ["adamw", "sgd", "rmsprop"])
def test_explained_update_is_the_optimizers_next_step(app, optimizer):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        params = {"lr": 0.05, "momentum": 0.9} if optimizer != "adamw" else {"lr": 0.05}
        configure(ws, {**SMALL, "optimizer": optimizer, "optimizer_params": params, "l2": 0.01})
        for _ in range(2):  # optimizer state (moments, momentum) that the update must use
            ws.send_json({"type": "step"})
            ws.receive_json()
        ws.send_json({"type": "explain"})
        msg = ws.receive_json()
        trainer = next(iter(app.state.manager.sessions.values())).trainer
        before = [m.weight.detach().numpy().copy() for m in trainer.linears]
        trainer.optimizer.zero_grad()
        trainer.model.eval()
        trainer.loss_on(
            trainer.data.X_train[msg["indices"]], trainer.data.y_train[msg["indices"]]
        ).backward()
        trainer.optimizer.step()
        for layer, m, w in zip(msg["layers"], trainer.linears, before):
            shown = np.array(layer["update_W"])
            change = (m.weight.detach().numpy() - w)[: shown.shape[0], : shown.shape[1]]
            np.testing.assert_allclose(shown, change, rtol=1e-4, atol=1e-7)


def test_a_server_failure_is_reported_and_the_session_survives(app, monkeypatch):
    import glassnet.playground.app as app_module

    def broken(session):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(app_module, "explain_step", broken)
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        configure(ws, SMALL)
        ws.send_json({"type": "explain"})
        error = ws.receive_json()
        assert error == {
            "type": "error",
            "field": "server",
            "message": "server: ZeroDivisionError: a bug",
        }
        ws.send_json({"type": "step"})
        assert ws.receive_json()["point"]["step"] == 1


@pytest.mark.parametrize(
    "dataset, loss, outputs",
    [("moons", "bce_with_logits", 1), ("circles", "cross_entropy", 2), ("xor", "mse", 1)],
)
def test_a_saved_2d_session_evaluates_as_it_was(app, tmp_path, dataset, loss, outputs):
    settings = {"dataset": dataset, "loss": loss, "hidden_sizes": [8], "n_samples": 120}
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        ready, _ = configure(ws, {**settings, "noise": 0.2, "steps_per_update": 10})
        assert ready["layers"] == [2, 8, outputs]
        for _ in range(3):
            ws.send_json({"type": "step"})
            ws.receive_json()
        ws.send_json({"type": "save"})
        saved = ws.receive_json()
        (slot,) = app.state.manager.sessions.values()
        _, acc = slot.trainer.evaluate(slot.trainer.data.X_test, slot.trainer.data.y_test)
    metrics = evaluate_run(saved["run_dir"])  # the points are drawn again from the config
    assert metrics["accuracy"] == pytest.approx(acc)
