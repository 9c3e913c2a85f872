"""`glassnet export RUN_DIR`: a run folder's checkpoint as an ONNX file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from glassnet.config import ConfigError
from glassnet.onnx.exporter import export
from glassnet.tensor import Tensor


def example_input(config: dict, meta: dict) -> Tensor:
    """One sample shaped as the run's model takes it (batch of 1)."""
    if meta.get("task") == "language":
        return Tensor._wrap(np.zeros((1, int(meta["block_size"])), dtype=np.int64))
    if "input_shape" in meta:
        shape = tuple(int(n) for n in meta["input_shape"])
        if config["model"]["name"] == "mlp":
            shape = (int(np.prod(shape)),)
    elif "mean" in meta:
        shape = (len(np.atleast_1d(meta["mean"])),)
    elif meta.get("feature_names"):
        shape = (len(meta["feature_names"]),)
    else:
        raise ConfigError("export: the run's data meta gives no input shape")
    return Tensor._wrap(np.zeros((1, *shape), dtype=np.float32))


def export_run(
    run_dir: str | Path, format: str = "onnx", out: str | Path | None = None, which: str = "best"
) -> Path:
    """Export the `which` checkpoint of a run folder to `out` (default RUN_DIR/model.onnx).

    The graph takes the model's input (after the run's standardisation) with a dynamic batch
    axis, named "input", and returns "output".
    """
    from glassnet.train.saved_run import load_run

    if format != "onnx":
        raise ConfigError(f"export: unknown format {format!r} (onnx is the only one)")
    config, model, meta = load_run(run_dir, which)
    path = Path(out) if out is not None else Path(run_dir) / "model.onnx"
    export(
        model,
        (example_input(config, meta),),
        path,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
    )
    return path
