"""The language-model curves and the ROC / precision-recall charts write real images."""

import numpy as np
import pytest

from glassnet.viz.lm import plot_lm_curves
from glassnet.viz.roc import plot_pr_curve, plot_roc_curve
from tests.viz._png import assert_png


def test_plot_lm_curves_against_steps_and_tokens(tmp_path):
    evals = [
        {"steps": s, "tokens": s * 4096, "train_loss": 3.0 / s**0.2, "val_loss": 3.1 / s**0.2}
        for s in (100, 200, 300)
    ]
    steps = [{"step": i, "loss": 3.5 - i / 200} for i in range(0, 300, 10)]
    assert_png(plot_lm_curves(evals, tmp_path / "lm.png", steps, title="gpt"))
    assert (tmp_path / "lm.svg").exists() is False
    assert plot_lm_curves(evals, tmp_path / "lm.svg").read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(ValueError, match="plot_lm_curves: no evaluations"):
        plot_lm_curves([], tmp_path / "none.png")


def test_plot_roc_and_pr_curves(tmp_path):
    x = np.linspace(0, 1, 20)
    assert_png(plot_roc_curve(x, np.sqrt(x), 0.667, tmp_path / "roc.png"))
    assert_png(plot_pr_curve(x[::-1], 0.5 + 0.5 * x, 0.75, 0.5, tmp_path / "pr.png"))
