"""Tutorial 2's activation grid: relu6's clip at 6 is inside the x range, and every curve stays
inside the shared y range (logsigmoid included)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np

TUTORIALS = Path(__file__).resolve().parents[2] / "docs" / "tutorials"


def _tutorial():
    sys.path.insert(0, str(TUTORIALS))
    try:
        spec = importlib.util.spec_from_file_location("t02", TUTORIALS / "02_activations.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(TUTORIALS))
    return module


def test_grid_shows_relu6_clip_and_keeps_curves_on_the_axis():
    t = _tutorial()
    x, (low, high) = t.GRID_X, t.GRID_YLIM
    relu6 = next(a for a in t.elementwise_activations() if a.name == "relu6")
    y = relu6.fn(x)
    assert x.max() > 6 and np.isclose(y.max(), 6.0) and np.sum(np.isclose(y, 6.0)) > 5
    for a in t.elementwise_activations():
        values = np.concatenate([a.fn(x), a.derivative(x)])
        assert low <= values.min() and values.max() <= high, a.name
