"""Reverse-mode automatic differentiation: walk the graph from the output back to the leaves.

For y = f(g(x)) the chain rule gives dL/dx = dL/dy * dy/dg * dg/dx. The engine orders the nodes
topologically (iteratively, so a chain of 100,000 ops needs no recursion), then visits them from
the output down, handing each node the sum of the gradients of all its consumers.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

FREED_MESSAGE = (
    "backward: trying to backward through the graph a second time (or to use values that "
    "backward already freed). Pass retain_graph=True to the first backward() call if you need "
    "to backward through the graph again."
)


# Callables observe(output, node, grad_output, grad_inputs) run for each node as backward visits
# it; `glassnet.autograd.trace` uses this to record a backward pass. Empty in normal use.
OBSERVERS: list = []

# id(leaf) -> [hook(leaf), ...] run once the leaf's .grad holds all of this pass's gradient
# (`Tensor.register_post_accumulate_grad_hook`; data-parallel training starts reducing a
# gradient there while backward goes on). Empty in normal use.
POST_ACCUMULATE_HOOKS: dict[int, list] = {}
_CALLBACKS: list = []
_RUNNING: list = []  # non-empty while a backward pass runs (queue_callback's guard)


class RemovableHandle:
    """What registering a hook returns: `remove()` unregisters it."""

    def __init__(self, hooks: dict, key: int, hook: Any) -> None:
        self.hooks, self.key, self.hook = hooks, key, hook

    def remove(self) -> None:
        hooks = self.hooks.get(self.key)
        if hooks and self.hook in hooks:
            hooks.remove(self.hook)
            if not hooks:
                del self.hooks[self.key]


def add_post_accumulate_hook(leaf: Any, hook: Any) -> RemovableHandle:
    """Register hook(leaf) to run once leaf.grad holds a whole backward pass's gradient."""
    POST_ACCUMULATE_HOOKS.setdefault(id(leaf), []).append(hook)
    handle = RemovableHandle(POST_ACCUMULATE_HOOKS, id(leaf), hook)
    weakref.finalize(leaf, handle.remove)  # hooks are kept by id: none may outlive the leaf
    return handle


def queue_callback(callback: Any) -> None:
    """Run `callback()` once when the backward pass now running has finished."""
    if not _RUNNING:
        raise RuntimeError("queue_callback: callbacks can only be queued during a backward pass")
    _CALLBACKS.append(callback)


def _pending_uses(order: list) -> dict[int, int]:
    """How many gradients each hooked leaf will receive in this pass (one per use)."""
    pending: dict[int, int] = {}
    for t in order:
        for p in t._ctx.inputs:
            if p is not None and p._ctx is None and id(p) in POST_ACCUMULATE_HOOKS:
                pending[id(p)] = pending.get(id(p), 0) + 1
    return pending


def _leaf_done(p: Any, pending: dict[int, int]) -> None:
    key = id(p)
    pending[key] -= 1
    if pending[key] == 0:
        for hook in POST_ACCUMULATE_HOOKS[key]:
            hook(p)


def _topological_order(root: Any) -> list:
    """Non-leaf tensors reachable from root, each after every tensor that consumes it."""
    order: list = []
    visited: set = set()
    stack = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)  # every input of t is in `order` already: post-order
            continue
        if id(t) in visited:  # a tensor can be pushed by several consumers; expand it once
            continue
        visited.add(id(t))
        stack.append((t, True))
        ctx = t._ctx
        if ctx._freed:
            raise RuntimeError(FREED_MESSAGE)
        for p in ctx.inputs:
            if p is not None and p._ctx is not None and id(p) not in visited:
                stack.append((p, False))
    order.reverse()
    return order


class SliceGrad:
    """The gradient of y = x[index] for a basic index (slices, ints, None, ...) with respect to
    x: gy at x[index], zero everywhere else, kept as (index, gy) until a full array is needed.

    When several slices of one tensor are used (q, k, v = qkv.split(C, dim=2)), their gradients
    then add into ONE zero array, each touching only its slice, instead of each making a full
    zero array and the engine adding those together (a basic index names each element once)."""

    __slots__ = ("shape", "index", "values")

    def __init__(self, shape: tuple, index: Any, values: np.ndarray) -> None:
        self.shape, self.index, self.values = shape, index, values

    def dense(self, dtype: Any = None) -> np.ndarray:
        g = np.zeros(self.shape, dtype=self.values.dtype if dtype is None else dtype)
        g[self.index] = self.values
        return g


def _dense(g: Any) -> Any:
    return g.dense() if type(g) is SliceGrad else g


def _add(prev: Any, g: Any, owned: set) -> Any:
    """prev + g, two gradients of one tensor (either may be a SliceGrad). A slice is added in
    place into an array this backward pass made itself (`owned`: nobody else holds it)."""
    mine = id(prev) in owned
    owned.discard(id(prev))  # prev leaves `grads`: the sum takes its place
    if type(prev) is SliceGrad:
        prev, g, mine = g, prev, False  # a full array in front, if there is one
    if type(g) is not SliceGrad:
        total = prev + g
    else:
        if mine:
            total = prev
        elif type(prev) is SliceGrad:
            total = prev.dense()
        else:
            total = prev.copy()  # an op's result: it may be shared (Add returns gy twice)
        total[g.index] += g.values
    owned.add(id(total))
    return total


def _accumulate_leaf(t: Any, g: Any) -> None:
    """Leaf gradients add up across backward calls, as in PyTorch (`t.grad += g`), in the leaf's
    dtype. The first gradient is copied: g may be a view of another array or read-only."""
    grad = t.grad
    if type(g) is SliceGrad:
        if grad is None:
            t.grad = type(t)._wrap(g.dense(t._data.dtype))
        else:
            grad._data[g.index] += g.values
    elif grad is None:
        t.grad = type(t)._wrap(np.array(g, dtype=t._data.dtype))
    else:
        grad._data += g


def backward(root: Any, gradient: Any = None, retain_graph: bool = False) -> None:
    """Compute d(root)/d(leaf) for every leaf that requires grad and add it to `leaf.grad`."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no grad_fn; create the inputs "
            "with requires_grad=True (and outside no_grad()) to differentiate through them"
        )
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but the "
                f"output has shape {root._data.shape}; pass gradient= of that shape"
            )
        g = np.ones_like(root._data)
    else:
        g = np.asarray(getattr(gradient, "data", gradient), dtype=root._data.dtype)
        if g.shape != root._data.shape:
            raise ValueError(
                f"backward: gradient has shape {g.shape} "
                f"but the output has shape {root._data.shape}"
            )
    if root._ctx is None:
        _accumulate_leaf(root, g)
        return
    _RUNNING.append(root)
    try:
        _backward_graph(root, g, retain_graph)
        while _CALLBACKS:
            _CALLBACKS.pop(0)()
    finally:
        _RUNNING.pop()
        if not _RUNNING:
            _CALLBACKS.clear()


def _backward_graph(root: Any, g: np.ndarray, retain_graph: bool) -> None:
    """Visit the graph below root in reverse topological order, passing gradients down."""
    order = _topological_order(root)
    pending = _pending_uses(order) if POST_ACCUMULATE_HOOKS else None
    grads = {id(root): g}  # id(tensor) -> dL/d(tensor), summed over the consumers seen so far
    owned: set = set()  # ids of the arrays in `grads` that this pass made (see _add)
    pop, get = grads.pop, grads.get
    for t in order:
        g = pop(id(t), None)
        ctx = t._ctx
        if g is None:
            if pending:  # no gradient flows this way: its hooked leaves get none from here
                for p in ctx.inputs:
                    if p is not None and id(p) in pending and p._ctx is None:
                        _leaf_done(p, pending)
            continue
        owned.discard(id(g))  # it leaves `grads`: its id may be reused by a new array
        g = _dense(g)
        if t._retains_grad:
            _accumulate_leaf(t, g)
        input_grads = ctx._backward(g)
        if OBSERVERS:
            input_grads = tuple(_dense(gp) for gp in input_grads)
            for observe in OBSERVERS:
                observe(t, ctx, g, input_grads)
        for p, gp in zip(ctx.inputs, input_grads):
            if p is None:
                continue
            if pending is not None and p._ctx is None and id(p) in pending:
                if gp is not None and p.requires_grad:
                    _accumulate_leaf(p, gp)
                _leaf_done(p, pending)
                continue
            if gp is None or not p.requires_grad:
                continue
            if p._ctx is None:
                _accumulate_leaf(p, gp)
            else:
                key = id(p)
                prev = get(key)
                grads[key] = gp if prev is None else _add(prev, gp, owned)
        if not retain_graph:
            ctx.__dict__.clear()  # drop the saved arrays and the inputs: the graph is freed
            ctx._freed = True
