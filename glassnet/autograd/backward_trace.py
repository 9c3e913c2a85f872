"""Show the working of backpropagation: record one backward pass op by op, and draw the graph.

`trace(loss)` runs `loss.backward()` and records, for every node in the order backward visits it,
the op, its input and output shapes, its local derivative (from the op's docstring, where each op
states its math) and the size of the gradient flowing in (||dL/dy||) and out (||dL/dx_k||).

Example
-------
>>> t = glassnet.autograd.trace(loss)
>>> print(t)            # a table, one row per op, from the loss back to the leaves
>>> t.to_dot()          # the same graph as Graphviz DOT text
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.autograd import engine


@dataclass
class TraceRecord:
    """One node of a backward pass: what it computed and which gradients passed through it."""

    step: int
    op: str
    input_shapes: list
    output_shape: tuple
    forward: str
    derivative: str
    grad_output_norm: float
    grad_input_norms: list
    output_id: int
    input_ids: list
    leaf_inputs: list  # True where that input is a leaf tensor


def op_formulas(node_type: type) -> tuple[str, str]:
    """(forward formula, local derivative) of an op, read from its docstring.

    Built-in ops write `y = f(x).   dL/dx = ...` as their first paragraph; everything from the
    first `dL/` on is the derivative.
    """
    doc = (node_type.__doc__ or "").strip().split("\n\n")[0]
    text = re.sub(r"\s+", " ", doc)
    if not text:
        return f"{node_type.__name__} (no formula given)", "(not documented)"
    cut = text.find("dL/")
    if cut < 0:
        return text, "(not documented)"
    return text[:cut].strip(" .,;"), text[cut:].strip()


def _norm(g: Any) -> float | None:
    return None if g is None else float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))


class BackwardTrace:
    """The records of one backward pass, printable as a table and exportable as DOT."""

    def __init__(self, names: Mapping[str, Any] | None = None) -> None:
        self.records: list[TraceRecord] = []
        self.leaf_names = {id(t): n for n, t in (names or {}).items()}

    def _observe(self, out: Any, node: Any, gy: np.ndarray, grads: tuple) -> None:
        forward, derivative = op_formulas(type(node))
        inputs = node.inputs
        self.records.append(
            TraceRecord(
                step=len(self.records) + 1,
                op=type(node).__name__,
                input_shapes=[None if p is None else tuple(p._data.shape) for p in inputs],
                output_shape=tuple(gy.shape),
                forward=forward,
                derivative=derivative,
                grad_output_norm=_norm(gy),
                grad_input_norms=[_norm(g) for g in grads],
                output_id=id(out),
                input_ids=[None if p is None else id(p) for p in inputs],
                leaf_inputs=[p is not None and p._ctx is None for p in inputs],
            )
        )

    def table(self) -> str:
        """A fixed-width table: step, op, shapes, gradient norms, local derivative."""
        head = (
            f"{'#':>3}  {'op':<14} {'inputs -> output':<34} {'|dL/dy|':>10}  {'|dL/dx|':<22}  "
            "local derivative"
        )
        lines = [head, "-" * len(head)]
        for r in self.records:
            shapes = ", ".join(str(s) for s in r.input_shapes if s is not None)
            io = f"{shapes} -> {r.output_shape}"
            outs = ", ".join("-" if n is None else f"{n:.4g}" for n in r.grad_input_norms)
            lines.append(
                f"{r.step:>3}  {r.op:<14} {io:<34} {r.grad_output_norm:>10.4g}  {outs:<22}  "
                f"{r.derivative}"
            )
        return "\n".join(lines)

    __str__ = table

    def to_dot(self) -> str:
        """The traced graph in Graphviz DOT: leaves (boxes) feed ops (ellipses) down to the loss."""
        lines = ["digraph backward {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
        seen_leaves = set()
        for r in self.records:
            label = f"{r.op}\\n{r.output_shape}\\n|dL/dy| = {r.grad_output_norm:.3g}"
            lines.append(f'  n{r.output_id} [label="{label}", shape=ellipse];')
            for pid, shape, is_leaf, g in zip(
                r.input_ids, r.input_shapes, r.leaf_inputs, r.grad_input_norms
            ):
                if pid is None:
                    continue
                if is_leaf and pid not in seen_leaves:
                    seen_leaves.add(pid)
                    name = self.leaf_names.get(pid, "tensor")
                    lines.append(f'  n{pid} [label="{name}\\n{shape}", shape=box];')
                edge = "" if g is None else f' [label="{g:.3g}"]'
                lines.append(f"  n{pid} -> n{r.output_id}{edge};")
        lines.append("}")
        return "\n".join(lines)


def trace(
    loss: Any,
    gradient: Any = None,
    retain_graph: bool = False,
    names: Mapping[str, Any] | None = None,
) -> BackwardTrace:
    """Run `loss.backward()` and record every op it passes through.

    Parameters
    ----------
    loss : Tensor
        The output to differentiate (a scalar unless `gradient` is given).
    names : mapping, optional
        name -> tensor, e.g. `dict(model.named_parameters())`, to label the leaves.
    """
    recorder = BackwardTrace(names)
    engine.OBSERVERS.append(recorder._observe)
    try:
        loss.backward(gradient, retain_graph=retain_graph)
    finally:
        engine.OBSERVERS.remove(recorder._observe)
    return recorder


def graph_dot(root: Any, names: Mapping[str, Any] | None = None) -> str:
    """The graph that produced `root` as Graphviz DOT, without running backward."""
    leaf_names = {id(t): n for n, t in (names or {}).items()}
    lines = ["digraph forward {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    if root._ctx is None:
        lines.append(f'  n{id(root)} [label="{leaf_names.get(id(root), "tensor")}", shape=box];')
        return "\n".join(lines + ["}"])
    seen_leaves = set()
    for t in engine._topological_order(root):
        forward, _ = op_formulas(type(t._ctx))
        label = f"{type(t._ctx).__name__}\\n{tuple(t._data.shape)}"
        lines.append(f'  n{id(t)} [label="{label}", shape=ellipse, tooltip="{forward}"];')
        for p in t._ctx.inputs:
            if p is None:
                continue
            if p._ctx is None and id(p) not in seen_leaves:
                seen_leaves.add(id(p))
                name = leaf_names.get(id(p), "param" if p.requires_grad else "input")
                shape = "box" if p.requires_grad else "note"
                lines.append(
                    f'  n{id(p)} [label="{name}\\n{tuple(p._data.shape)}", shape={shape}];'
                )
            lines.append(f"  n{id(p)} -> n{id(t)};")
    lines.append("}")
    return "\n".join(lines)
