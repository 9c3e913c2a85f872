"""The ONNX graph under construction: nodes, initializers and fresh value names.

The op mappings (`export_ops`, `export_layers`) add nodes through `GraphBuilder.op`, constants
through `GraphBuilder.const`, and read the traced values of their inputs through `name`/`value`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import helper, numpy_helper

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


class OnnxExportError(ValueError):
    """A model, an op or an argument that `glassnet.onnx.export` cannot turn into ONNX."""


def onnx_dtype(dtype: Any) -> int:
    """The ONNX element type (TensorProto enum) of a NumPy dtype."""
    return int(helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


class GraphBuilder:
    """Collects the nodes and initializers of one ONNX graph.

    Parameters
    ----------
    opset : int
        The ONNX opset the graph targets (some ops take their axes as inputs from 18 on).
    """

    def __init__(self, opset: int) -> None:
        self.opset = opset
        self.nodes: list = []
        self.initializers: dict[str, Any] = {}
        self._counter = 0
        self._const_cache: dict[tuple, str] = {}
        self.resolve: Any = None  # set by the exporter: (tensor or array) -> value name

    def fresh(self, hint: str) -> str:
        """A value name not used before in this graph."""
        self._counter += 1
        return f"{hint}_{self._counter}"

    def op(self, op_type: str, *inputs: str | None, outputs: int = 1, **attrs: Any) -> Any:
        """Add a node; returns its output name (a list of names when `outputs` > 1).
        None inputs become empty names (ONNX's omitted optional input)."""
        names = [self.fresh(op_type) for _ in range(outputs)]
        args = ["" if i is None else i for i in inputs]
        while args and args[-1] == "":
            args.pop()
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, args, names, name=names[0], **attrs))
        return names[0] if outputs == 1 else names

    def initializer(self, name: str, array: np.ndarray) -> str:
        """Store `array` under `name` (a parameter or a buffer of the model)."""
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.array(array, order="C"), name)
        return name

    def const(self, value: Any, dtype: Any = None) -> str:
        """A constant tensor (small ones are shared by value)."""
        array = np.asarray(value, dtype=dtype)
        if array.dtype == np.float64 and dtype is None and not isinstance(value, np.ndarray):
            array = array.astype(np.float32)
        key = None
        if array.size <= 16:
            key = (array.dtype.str, array.shape, array.tobytes())
            if key in self._const_cache:
                return self._const_cache[key]
        name = self.initializer(self.fresh("const"), array)
        if key is not None:
            self._const_cache[key] = name
        return name

    def ints(self, values: Any) -> str:
        """A 1-d int64 constant (shapes, axes, pads)."""
        return self.const(np.asarray(list(values), dtype=np.int64).reshape(-1))

    def name(self, tensor: Any) -> str:
        """The value name of a traced tensor (an input, an op's result, a parameter, a constant)."""
        return self.resolve(tensor)

    # -- helpers for ops whose signature changed between opsets ------------------------------
    def reduce(self, op_type: str, x: str, axes: Any, keepdims: bool) -> str:
        """ReduceXxx over `axes` (None: all axes); axes move from attribute to input at 18."""
        keep = int(bool(keepdims))
        if axes is None:
            return self.op(op_type, x, keepdims=keep)
        axes = [int(a) for a in np.atleast_1d(axes)]
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.op(op_type, x, self.ints(axes), keepdims=keep)
        return self.op(op_type, x, keepdims=keep, axes=axes)

    def unsqueeze(self, x: str, axes: Any) -> str:
        """Insert axes of size 1."""
        return self.op("Unsqueeze", x, self.ints(np.atleast_1d(axes)))

    def squeeze(self, x: str, axes: Any) -> str:
        """Drop axes of size 1."""
        return self.op("Squeeze", x, self.ints(np.atleast_1d(axes)))

    def slice(self, x: str, starts: Any, ends: Any, axes: Any, steps: Any = None) -> str:
        """x[starts:ends:steps] along `axes`."""
        args = [x, self.ints(starts), self.ints(ends), self.ints(axes)]
        if steps is not None:
            args.append(self.ints(steps))
        return self.op("Slice", *args)

    def scalar_like(self, value: float, dtype: Any) -> str:
        """A 0-d constant of `dtype` (for elementwise formulas)."""
        return self.const(np.asarray(value, dtype=dtype))


def value_info(name: str, dtype: Any, shape: tuple, dynamic: dict[int, str]) -> Any:
    """A graph input/output declaration; axes in `dynamic` get a symbolic size."""
    dims = [dynamic.get(i, n) for i, n in enumerate(shape)]
    return helper.make_tensor_value_info(name, onnx_dtype(dtype), dims)


__all__ = ["GraphBuilder", "OnnxExportError", "onnx_dtype", "value_info"]
