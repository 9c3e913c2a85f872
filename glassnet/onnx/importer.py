"""`glassnet.onnx.load`: an ONNX file as a trainable glassnet Module.

The file is read as data only (a protobuf; external data files are refused, nothing in it is
executed), checked (`onnx.checker`, size limits, every op known) before anything runs, and its
graph is run node by node with glassnet ops (`import_ops`, `import_layers`), so the result has
gradients: float initializers become Parameters under their ONNX names (batch-norm statistics
become buffers), and the model trains with glassnet.optim like any other.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from glassnet.nn.module import Module, Parameter
from glassnet.onnx import import_layers, import_ops
from glassnet.tensor import Tensor

OPS: dict = {**import_ops.OPS, **import_layers.OPS}
MAX_NODES = 200_000
MAX_INITIALIZER_ELEMENTS = 2**31  # all initializers together (8 GiB of float32)
MAX_FILE_BYTES = 2**31


class OnnxImportError(ValueError):
    """An ONNX file that `glassnet.onnx.load` cannot or will not run."""


def _check(model: onnx.ModelProto) -> None:
    """Validate structure, size and op coverage before anything runs; raise OnnxImportError."""
    graph = model.graph
    if len(graph.node) > MAX_NODES:
        raise OnnxImportError(f"onnx.load: {len(graph.node)} nodes (at most {MAX_NODES})")
    total = 0
    for init in graph.initializer:
        if init.data_location == TensorProto.EXTERNAL:
            raise OnnxImportError(
                f"onnx.load: initializer {init.name!r} keeps its data in an external file; "
                f"only self-contained models are loaded"
            )
        if any(d < 0 for d in init.dims):
            raise OnnxImportError(f"onnx.load: initializer {init.name!r} has dims {init.dims}")
        total += int(np.prod(init.dims, dtype=np.int64))
    if total > MAX_INITIALIZER_ELEMENTS:
        raise OnnxImportError(f"onnx.load: {total} initializer elements is too many")
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as err:
        raise OnnxImportError(f"onnx.load: not a valid ONNX model: {err}") from None
    unknown = sorted(
        {
            n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}::{n.op_type}"
            for n in graph.node
            if n.domain not in ("", "ai.onnx") or n.op_type not in OPS
        }
    )
    if unknown:
        raise OnnxImportError(
            f"onnx.load: the graph uses ONNX ops glassnet does not run: {', '.join(unknown)}"
        )


def _buffer_names(graph: Any) -> set[str]:
    """Initializers read only as batch-norm statistics (inputs 3 and 4): state, not learned."""
    stats, other = set(), set()
    for node in graph.node:
        for i, name in enumerate(node.input):
            if node.op_type == "BatchNormalization" and i in (3, 4):
                stats.add(name)
            else:
                other.add(name)
    return stats - other


class OnnxModule(Module):
    """A glassnet Module running an ONNX graph with glassnet ops.

    Float initializers are Parameters named as in the ONNX file (so `state_dict()` keys are the
    initializer names); integer ones and Constant nodes are fixed. `forward(*inputs)` takes the
    graph's inputs in order (those not fed by an initializer) and returns its output, or a tuple
    when the graph has several.

    Parameters
    ----------
    model : onnx.ModelProto
        A model that passed `glassnet.onnx.importer._check`.
    """

    def __init__(self, model: onnx.ModelProto) -> None:
        super().__init__()
        graph = model.graph
        self.graph_name = graph.name
        self._nodes = [  # (node, its attributes as Python values), in graph order
            (node, {a.name: helper.get_attribute_value(a) for a in node.attribute})
            for node in graph.node
        ]
        self._constants: dict[str, np.ndarray] = {}
        buffers = _buffer_names(graph)
        for init in graph.initializer:
            array = numpy_helper.to_array(init).copy()
            if array.dtype.kind == "f" and init.name in buffers:
                self._buffers[init.name] = Tensor._wrap(array)
            elif array.dtype.kind == "f":
                self._parameters[init.name] = Parameter(array)
            else:
                self._constants[init.name] = array
        known = {i.name for i in graph.initializer}
        self.input_names = [i.name for i in graph.input if i.name not in known]
        self.output_names = [o.name for o in graph.output]

    def forward(self, *inputs: Any) -> Any:
        if len(inputs) != len(self.input_names):
            raise TypeError(
                f"OnnxModule({self.graph_name}): takes {len(self.input_names)} inputs "
                f"({', '.join(self.input_names)}), got {len(inputs)}"
            )
        env: dict[str, Any] = {name: Tensor._wrap(a) for name, a in self._constants.items()}
        env.update(self._parameters)
        env.update(self._buffers)
        for name, x in zip(self.input_names, inputs):
            env[name] = x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x))
        for node, attrs in self._nodes:
            args = [env[name] if name else None for name in node.input]
            try:
                out = OPS[node.op_type](args, attrs, node)
            except (ValueError, TypeError, IndexError) as err:
                raise OnnxImportError(
                    f"onnx.load: node {node.name or node.op_type!r} ({node.op_type}): {err}"
                ) from None
            outs = out if isinstance(out, (tuple, list)) else (out,)
            for name, value in zip(node.output, outs):
                if name:
                    env[name] = value
        results = tuple(env[name] for name in self.output_names)
        return results[0] if len(results) == 1 else results

    def extra_repr(self) -> str:
        return (
            f"graph={self.graph_name!r}, nodes={len(self._nodes)}, "
            f"inputs={self.input_names}, outputs={self.output_names}"
        )


def load(path: str | os.PathLike | bytes) -> OnnxModule:
    """Open an ONNX model as a trainable glassnet Module.

    Parameters
    ----------
    path : str, path or bytes
        The ONNX file (or its serialized bytes). Only self-contained files are read: weights in
        external data files are refused, so a file cannot make the loader read other paths.

    Returns
    -------
    OnnxModule
        Runs the graph with glassnet ops; its float initializers are Parameters.

    Raises
    ------
    OnnxImportError
        An invalid or oversized file, or ops glassnet does not run (all of them listed).

    Example
    -------
    >>> model = glassnet.onnx.load("model.onnx")
    >>> y = model(glassnet.randn(1, 3, 28, 28))
    """
    if isinstance(path, bytes):
        data = path
    else:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise OnnxImportError(f"onnx.load: {path} is larger than {MAX_FILE_BYTES} bytes")
        with open(path, "rb") as fh:
            data = fh.read()
    try:
        model = onnx.load_model_from_string(data)
    except Exception as err:  # protobuf's DecodeError and friends
        raise OnnxImportError(f"onnx.load: not an ONNX protobuf: {err}") from None
    _check(model)
    return OnnxModule(model)
