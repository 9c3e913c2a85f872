"""Shared checks for the ONNX tests: export, run in onnxruntime, load back into glassnet."""

from __future__ import annotations

import io

import numpy as np
import onnx
import onnxruntime as ort

import glassnet
import glassnet.onnx as gx


def outputs(value) -> list[np.ndarray]:
    """A model's result(s) as arrays (None entries dropped)."""
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in outputs(v)]
    return [] if value is None else [value.detach().numpy()]


def export_bytes(model, args: tuple, dynamic: bool = True, **kwargs) -> tuple[bytes, list[str]]:
    """Export to memory with inputs x0, x1, ... whose axis 0 is dynamic (when asked)."""
    names = [f"x{i}" for i in range(len(args))]
    f = io.BytesIO()
    dynamic_axes = {n: {0: f"batch{i}"} for i, n in enumerate(names)} if dynamic else None
    proto = gx.export(model, args, f, input_names=names, dynamic_axes=dynamic_axes, **kwargs)
    onnx.checker.check_model(proto, full_check=True)
    return f.getvalue(), names


def check_roundtrip(model, args: tuple, *others: tuple, dynamic: bool = True, **kwargs):
    """onnxruntime and the re-imported glassnet model match glassnet's own outputs on the
    example inputs and on each of `others` (other batch sizes when `dynamic`)."""
    data, names = export_bytes(model, args, dynamic, **kwargs)
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    back = gx.load(data)
    model.eval()
    for inputs in (args, *others):
        with glassnet.no_grad():
            want = outputs(model(*inputs))
        got = session.run(None, {n: a.numpy() for n, a in zip(names, inputs)})
        assert len(got) == len(want)
        for w, g in zip(want, got):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
        for w, g in zip(want, outputs(back(*inputs))):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    return data
