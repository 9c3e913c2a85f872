"""Comparisons export at the type glassnet compares in: an integer tensor against 1.5 is
compared in float32 (not against the constant truncated to 1), a float32 tensor against a
float64 0-d tensor in float32."""

import numpy as np
import pytest

import glassnet as G
import glassnet.nn as nn
import glassnet.onnx

ort = pytest.importorskip("onnxruntime")


class Mixed(nn.Module):
    def forward(self, x):
        as_int = (x.long() < 1.5).float() + (x.long() >= G.tensor(2.5)).float()
        return as_int + (x > G.tensor(0.25, dtype=G.float64)).float() + (x.long() == 1).float()


def test_mixed_dtype_comparisons_match_onnxruntime(tmp_path):
    model = Mixed()
    x = G.tensor(np.float32([[0.2, 1.0, 1.7, 3.0, -2.5]]))
    path = tmp_path / "mixed.onnx"
    glassnet.onnx.export(model, (x,), str(path))
    session = ort.InferenceSession(str(path))
    (got,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    np.testing.assert_array_equal(got, model(x).numpy())
    np.testing.assert_array_equal(got, [[1.0, 3.0, 3.0, 2.0, 1.0]])
