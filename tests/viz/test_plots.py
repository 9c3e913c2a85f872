import base64
import re

import numpy as np
import pytest

from glassnet.train.history import History
from glassnet.viz import classification, curves
from glassnet.viz.report import write_report
from glassnet.viz.surfaces import (
    SURFACES,
    optimizer_paths,
    path_losses,
    plot_optimizer_paths,
)
from tests.viz._png import assert_png


def _history():
    h = History()
    for e in range(4):
        h.epochs.append(
            {
                "epoch": e,
                "train_loss": 1 / (e + 1),
                "val_loss": 1.2 / (e + 1),
                "train_accuracy": 0.5 + e / 10,
                "val_accuracy": 0.45 + e / 10,
                "lr": 0.1,
                "time": 0.1,
            }
        )
        for i in range(5):
            step = e * 5 + i
            h.steps.append(
                {"step": step, "epoch": e, "loss": 1 / (step + 1), "lr": 0.1 * 0.9**step}
            )
            h.grad_norms.append(
                {
                    "step": step,
                    "epoch": e,
                    "norms": {"0 (Linear)": 1e-3 * (step + 1), "2 (Linear)": 1.0},
                }
            )
    return h


def test_curve_charts(tmp_path):
    h = _history()
    charts = [
        curves.plot_history(h, tmp_path / "curves.png", title="test"),
        curves.plot_history(h.to_dict(), tmp_path / "curves2.png"),
        curves.plot_learning_rate(h, tmp_path / "lr.png"),
        curves.plot_gradient_flow(h.grad_norms, tmp_path / "gf.png"),
    ]
    for path in charts:
        assert_png(path)


def test_classification_charts(tmp_path):
    rng = np.random.default_rng(0)
    cm = rng.integers(0, 30, (10, 10))
    assert_png(
        classification.plot_confusion_matrix(cm, [str(i) for i in range(10)], tmp_path / "cm.png")
    )
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    assert_png(
        classification.plot_decision_boundary(
            lambda p: (p.sum(1) > 0).astype(int), X, y, tmp_path / "db.png", ["neg", "pos"]
        )
    )
    with pytest.raises(ValueError, match="X must have 2 features"):
        classification.plot_decision_boundary(lambda p: p, np.zeros((3, 3)), y[:3], tmp_path / "x")
    images = rng.random((30, 8, 8))
    labels = rng.integers(0, 10, 30)
    assert_png(
        classification.plot_image_predictions(
            images, labels, labels[::-1].copy(), tmp_path / "pred.png"
        )
    )
    truth = rng.standard_normal(50)
    assert_png(
        classification.plot_regression(
            truth, truth + 0.3 * rng.standard_normal(50), tmp_path / "reg.png"
        )
    )
    ws = [np.array([1.0, 0.5 * t + 0.1]) for t in range(5)]
    assert_png(
        classification.plot_perceptron_lines(
            ws, [0.1 * t for t in range(5)], X, y, tmp_path / "lines.png"
        )
    )


@pytest.mark.parametrize("surface", list(SURFACES))
def test_optimizer_paths_use_glassnet_optimizers(surface, tmp_path):
    paths = optimizer_paths({"SGD": ("SGD", {"lr": 1e-3}), "Adam": "Adam"}, surface, steps=40)
    assert set(paths) == {"SGD", "Adam"}
    for path in paths.values():
        assert path.shape[1] == 2 and 2 <= len(path) <= 41
        np.testing.assert_array_equal(path[0], SURFACES[surface].start)
    losses = path_losses(paths, surface)
    assert losses["Adam"][-1] < losses["Adam"][0]  # it descends
    assert_png(plot_optimizer_paths(paths, surface, tmp_path / "p.png"))


def test_optimizer_path_follows_the_update_rule_exactly():
    # plain gradient descent on (x^2 + 25 y^2)/2: x <- x (1 - lr), y <- y (1 - 25 lr)
    paths = optimizer_paths({"gd": ("SGD", {"lr": 0.01})}, "quadratic", steps=3)
    x0, y0 = SURFACES["quadratic"].start
    expected = [(x0 * 0.99**k, y0 * 0.75**k) for k in range(4)]
    np.testing.assert_allclose(paths["gd"], expected, rtol=1e-12)


def test_report_embeds_every_chart(tmp_path):
    h = _history()
    charts = [
        (curves.plot_history(h, tmp_path / "a.png"), "curves"),
        (curves.plot_learning_rate(h, tmp_path / "b.png"), "lr <&>"),
    ]
    page = write_report(
        tmp_path / "report.html",
        "run <x>",
        {"lr": 0.1},
        {"test accuracy": 0.98},
        charts,
        texts={"sample": "to be <or> not"},
    ).read_text()
    blobs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(blobs) == 2
    assert base64.b64decode(blobs[0]) == (tmp_path / "a.png").read_bytes()
    assert "run &lt;x&gt;" in page and "lr &lt;&amp;&gt;" in page and "0.9800" in page
    assert "to be &lt;or&gt; not" in page
    assert "<script" not in page  # self-contained, static
