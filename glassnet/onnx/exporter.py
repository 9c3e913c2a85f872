"""`glassnet.onnx.export`: run the model's forward once, record every op, write the ONNX graph.

The trace: while the forward runs, `glassnet.autograd.function.TRACE_HOOK` receives each built-in
op as it is applied (its class, input tensors, parameters and result), and forward hooks on every
submodule keep the path of the module running (for error messages). From the outputs back, each
recorded op whose result depends on an input or a parameter becomes ONNX nodes (the mapping of
its Op class, in `export_ops`/`export_layers`); parameters and buffers become initializers named
as in `state_dict()`; anything else the forward computed (masks, positions, zero states) is a
constant, baked in with the value it had in the trace.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import helper

import glassnet.autograd.function as function
from glassnet.autograd.grad_mode import enable_grad
from glassnet.onnx import export_layers, export_ops
from glassnet.onnx.graph import GraphBuilder, OnnxExportError, value_info
from glassnet.ops import elementwise
from glassnet.tensor import Tensor

MAPPINGS: dict = {**export_ops.MAPPINGS, **export_layers.MAPPINGS}


@dataclass
class Call:
    """One recorded op: its class, tensor inputs, keyword parameters, result, module path."""

    op: type
    inputs: tuple
    params: dict
    out: Tensor
    path: str


class _Recorder:
    """Receives the ops of one forward pass and the path of the module running each."""

    def __init__(self, model: Any) -> None:
        self.calls: list[Call] = []
        self.stack: list[str] = []
        self.handles: list = []
        for path, module in model.named_modules():
            self.handles.append(module.register_forward_pre_hook(self._enter(path)))
            self.handles.append(module.register_forward_hook(self._leave))

    def _enter(self, path: str) -> Any:
        def hook(module: Any, args: Any) -> None:
            self.stack.append(path or type(module).__name__)

        return hook

    def _leave(self, module: Any, args: Any, output: Any) -> None:
        self.stack.pop()

    def __call__(self, op: type, inputs: tuple, params: dict, out: Tensor) -> None:
        path = self.stack[-1] if self.stack else "<top level>"
        self.calls.append(Call(op, inputs, params, out, path))

    def close(self) -> None:
        for handle in self.handles:
            handle.remove()


def _flatten_outputs(out: Any) -> list[Tensor]:
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flatten_outputs(item)]
    if out is None:
        return []
    raise OnnxExportError(f"onnx.export: the model returned {type(out).__name__}, not tensors")


def _as_inputs(args: Any) -> tuple[Tensor, ...]:
    """Fresh tensors for the example inputs (float ones require grad, so the graph is recorded)."""
    if not isinstance(args, tuple):
        args = (args,)
    inputs = []
    for i, a in enumerate(args):
        array = a._data if isinstance(a, Tensor) else np.asarray(a)
        if array.dtype == np.float64 and not isinstance(a, Tensor):
            array = array.astype(np.float32)
        if array.dtype.kind not in "fiub":
            raise OnnxExportError(f"onnx.export: input {i} has dtype {array.dtype}")
        if array.dtype.kind in "iu":  # indices: int64, as the ops that take them use them
            array = array.astype(np.int64, copy=False)
        t = Tensor._wrap(array)
        t.requires_grad = array.dtype.kind == "f"
        inputs.append(t)
    return tuple(inputs)


def _recording_compare(recorder: _Recorder, compare: Any) -> Any:
    """Comparisons (x > 0, a == b, masks) are not graph ops; while tracing, the one function
    they all go through also reports to the recorder."""

    def traced(ufunc: Any, a: Any, b: Any, name: str) -> Tensor:
        out = compare(ufunc, a, b, name)
        operands = tuple(v._data if isinstance(v, Tensor) else v for v in (a, b))
        recorder(export_ops.Compare, (), {"ufunc": ufunc.__name__, "operands": operands}, out)
        return out

    return traced


def _trace(model: Any, inputs: tuple) -> tuple[list[Call], list[Tensor]]:
    modes = {id(m): m.training for m in model.modules()}
    model.eval()
    recorder = _Recorder(model)
    previous, compare = function.TRACE_HOOK, elementwise._compare
    function.TRACE_HOOK = recorder
    elementwise._compare = _recording_compare(recorder, compare)
    try:
        with enable_grad():
            out = model(*inputs)
    finally:
        function.TRACE_HOOK, elementwise._compare = previous, compare
        recorder.close()
        for m in model.modules():
            m.training = modes[id(m)]
    return recorder.calls, _flatten_outputs(out)


class _Resolver:
    """Names the values the ONNX graph reads: inputs, op results, parameters, constants."""

    def __init__(self, g: GraphBuilder, model: Any, inputs: tuple, names: list[str]) -> None:
        self.g = g
        self.values: dict[int, str] = {id(t): n for t, n in zip(inputs, names)}
        self.arrays: dict[int, str] = {id(t._data): n for t, n in zip(inputs, names)}
        self.keep: list = list(inputs)  # keeps ids stable while the graph is built
        self.params = {id(p): n for n, p in model.named_parameters()}
        self.params.update({id(b._data): n for n, b in model.named_buffers()})
        self.param_tensors = {id(p) for _, p in model.named_parameters()}

    def is_live(self, x: Any) -> bool:
        """Does x depend on an input or a parameter (is it more than a constant)?"""
        if isinstance(x, Tensor):
            return id(x) in self.values or id(x) in self.param_tensors
        return isinstance(x, np.ndarray) and id(x) in self.arrays

    def set(self, tensor: Tensor, name: str) -> None:
        self.values[id(tensor)] = name
        self.arrays[id(tensor._data)] = name
        self.keep.append(tensor)

    def __call__(self, x: Any) -> str:
        if isinstance(x, Tensor):
            if id(x) in self.values:
                return self.values[id(x)]
            if id(x) in self.param_tensors:
                return self.g.initializer(self.params[id(x)], x._data)
            x = x._data
        array = np.asarray(x)
        if id(array) in self.arrays:
            return self.arrays[id(array)]
        if id(array) in self.params:
            return self.g.initializer(self.params[id(array)], array)
        return self.g.const(array)


def _refuse_foreign(tensors: Any, recorded: set, live: set, path: str) -> None:
    """A tensor in the graph that no built-in op made: a user's autograd.Function."""
    for t in tensors:
        if t._ctx is not None and id(t) not in recorded and id(t) not in live:
            raise OnnxExportError(
                f"onnx.export: no ONNX mapping for {type(t._ctx).__name__} (in module "
                f"{path!r}), a glassnet.autograd.Function that is not a built-in op"
            )


def _needed(calls: list[Call], outputs: list[Tensor], resolver: _Resolver) -> list[Call]:
    """The live calls the outputs depend on, in execution order. A value is found by its tensor
    or, failing that, by its array (ops that take arrays as parameters or re-wrap a tensor)."""
    live: list[Call] = []
    producer: dict[int, int] = {}  # id(tensor) or id(array) -> index in `live`
    live_ids: set = set(resolver.values) | resolver.param_tensors | set(resolver.arrays)
    recorded = {id(c.out) for c in calls}
    for call in calls:
        _refuse_foreign(call.inputs, recorded, live_ids, call.path)
        if any(id(k) in live_ids for k in _links(call)):
            producer[id(call.out)] = producer[id(call.out._data)] = len(live)
            live.append(call)
            live_ids.update((id(call.out), id(call.out._data)))
    _refuse_foreign(outputs, recorded, live_ids, "<outputs>")
    for i, t in enumerate(outputs):
        if id(t) not in live_ids:
            warnings.warn(
                f"onnx.export: output {i} depends on no input and no parameter; it is exported "
                f"as a constant (was it computed outside glassnet ops, e.g. with NumPy?)",
                stacklevel=3,
            )
    wanted: set = set()
    stack = [producer[id(t)] for t in outputs if id(t) in producer]
    while stack:
        i = stack.pop()
        if i not in wanted:
            wanted.add(i)
            stack += [producer[id(k)] for k in _links(live[i]) if id(k) in producer]
    return [live[i] for i in sorted(wanted)]


def _links(call: Call) -> list:
    """What a call reads: its tensors, their arrays, and the arrays among its parameters."""
    links = [k for t in call.inputs for k in (t, t._data)]
    for v in call.params.values():
        if isinstance(v, np.ndarray):
            links.append(v)
        elif isinstance(v, tuple):  # operands of a comparison, indices with arrays
            links += [k for k in v if isinstance(k, np.ndarray)]
    return links


def _emit(g: GraphBuilder, resolver: _Resolver, calls: list[Call]) -> None:
    unsupported = sorted({(c.op.__name__, c.path) for c in calls if c.op not in MAPPINGS})
    if unsupported:
        listed = ", ".join(f"{op} (in module {path!r})" for op, path in unsupported)
        raise OnnxExportError(f"onnx.export: no ONNX mapping for op {listed}")
    export_layers.check_lstm_reads(calls)
    for call in calls:
        try:
            name = MAPPINGS[call.op](g, call)
        except OnnxExportError as err:
            raise OnnxExportError(
                f"{err} (op {call.op.__name__} in module {call.path!r})"
            ) from None
        resolver.set(call.out, name)


def _dynamic(dynamic_axes: Any, name: str) -> dict[int, str]:
    axes = (dynamic_axes or {}).get(name, {})
    if isinstance(axes, dict):
        return {int(a): str(n) for a, n in axes.items()}
    return {int(a): f"{name}_dynamic_axes_{int(a)}" for a in axes}


def _output_info(t: Tensor, name: str, dynamic_axes: Any) -> Any:
    """An output's declaration; with dynamic inputs and no axes given for it, sizes unstated."""
    if dynamic_axes and name not in dynamic_axes:
        return value_info(name, t._data.dtype, (None,) * t._data.ndim, {})
    return value_info(name, t._data.dtype, t._data.shape, _dynamic(dynamic_axes, name))


def export(
    model: Any,
    args: Any,
    f: str | os.PathLike | io.IOBase,
    input_names: list[str] | None = None,
    output_names: list[str] | None = None,
    dynamic_axes: dict | None = None,
    opset_version: int = 17,
    do_constant_folding: bool = True,
    verbose: bool = False,
) -> onnx.ModelProto:
    """Export a glassnet model to ONNX by tracing its forward pass once (as `torch.onnx.export`).

    The forward runs on `args` in eval mode; every op it applies that depends on an input or a
    parameter becomes ONNX nodes; parameters and buffers become initializers under their
    `state_dict()` names; everything else is a constant. Python control flow is fixed to the
    path the example took.

    Parameters
    ----------
    model : Module
        The model (its training flags are restored afterwards).
    args : Tensor or tuple of Tensors
        Example inputs, passed as `model(*args)`.
    f : str, path or binary file
        Where the ONNX file is written.
    input_names, output_names : list of str, optional
        Names of the graph's inputs and outputs (default input_0, ..., output_0, ...).
    dynamic_axes : dict, optional
        {name: [axis, ...]} or {name: {axis: symbolic_name}}: axes whose size may differ from
        the example's (typically the batch axis 0).
    opset_version : int
        ONNX opset, 17 or newer.
    do_constant_folding, verbose : bool
        Accepted for PyTorch compatibility (constants are always folded); print the graph.

    Returns
    -------
    onnx.ModelProto
        The model written to `f`, checked by `onnx.checker.check_model`.

    Raises
    ------
    OnnxExportError
        For an op without an ONNX mapping (naming the op and the module it ran in).

    Example
    -------
    >>> model = glassnet.models.MLP([4, 8, 3])
    >>> glassnet.onnx.export(model, glassnet.randn(2, 4), "mlp.onnx",
    ...                      input_names=["x"], dynamic_axes={"x": [0]})
    """
    _check_opset(opset_version)
    inputs = _as_inputs(args)
    in_names = _names(input_names, "input", len(inputs))
    calls, outputs = _trace(model, inputs)
    out_names = _names(output_names, "output", len(outputs))
    graph = _graph(model, calls, inputs, in_names, outputs, out_names, dynamic_axes, opset_version)
    return _save(graph, int(opset_version), f, verbose)


def _check_opset(opset_version: int) -> None:
    """Refuse an opset older than 17 (the ops' mappings need it) or newer than onnx knows."""
    if not 17 <= int(opset_version) <= onnx.defs.onnx_opset_version():
        raise OnnxExportError(
            f"onnx.export: opset_version must be in [17, {onnx.defs.onnx_opset_version()}], "
            f"got {opset_version}"
        )


def _names(given: list[str] | None, prefix: str, n: int) -> list[str]:
    """The given names, completed to `n` with `prefix_i` (input_1, output_0, ...)."""
    names = list(given or [])
    return names + [f"{prefix}_{i}" for i in range(len(names), n)]


def _graph(
    model: Any,
    calls: list[Call],
    inputs: tuple,
    in_names: list[str],
    outputs: list[Tensor],
    out_names: list[str],
    dynamic_axes: Any,
    opset_version: int,
) -> Any:
    """The ONNX graph of the traced calls the outputs need, named inputs to named outputs."""
    g = GraphBuilder(opset_version)
    resolver = _Resolver(g, model, inputs, in_names[: len(inputs)])
    g.resolve = resolver
    _emit(g, resolver, _needed(calls, outputs, resolver))
    for t, name in zip(outputs, out_names):
        g.nodes.append(helper.make_node("Identity", [resolver(t)], [name], name=f"{name}_out"))
    graph = helper.make_graph(
        g.nodes,
        type(model).__name__,
        [
            value_info(n, t._data.dtype, t._data.shape, _dynamic(dynamic_axes, n))
            for t, n in zip(inputs, in_names)
        ],
        [_output_info(t, n, dynamic_axes) for t, n in zip(outputs, out_names)],
        list(g.initializers.values()),
    )
    return graph


def _checked_model(graph: Any, opset_version: int) -> onnx.ModelProto:
    """The graph as a model of the given opset (IR version at most 10), checked by onnx."""
    proto = helper.make_model(
        graph,
        producer_name="glassnet",
        opset_imports=[helper.make_opsetid("", opset_version)],
    )
    proto.ir_version = min(proto.ir_version, 10)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def _save(
    graph: Any, opset_version: int, f: str | os.PathLike | io.IOBase, verbose: bool
) -> onnx.ModelProto:
    """The graph as a checked model, printed (verbose) and written to `f`."""
    proto = _checked_model(graph, opset_version)
    if verbose:
        print(onnx.printer.to_text(proto.graph))
    _write(proto, f)
    return proto


def _write(proto: onnx.ModelProto, f: str | os.PathLike | io.IOBase) -> None:
    """Save to a path, or write the serialized bytes to a binary file."""
    if isinstance(f, (str, os.PathLike)):
        onnx.save_model(proto, os.fspath(f))
    else:
        f.write(proto.SerializeToString())
