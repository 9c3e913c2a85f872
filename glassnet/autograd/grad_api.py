"""`autograd.grad`: gradients of outputs with respect to chosen inputs, returned, not added."""

from collections.abc import Sequence
from typing import Any

from glassnet.autograd.engine import _topological_order, backward


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _leaves(outputs: list) -> dict[int, Any]:
    """Every leaf requiring grad that a backward pass from `outputs` would write a gradient to."""
    leaves: dict[int, Any] = {}
    for out in outputs:
        if out._ctx is None:
            leaves[id(out)] = out
            continue
        for t in _topological_order(out):
            for p in t._ctx.inputs:
                if p is not None and p._ctx is None and p.requires_grad:
                    leaves[id(p)] = p
    return leaves


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """Return ``sum_k d(outputs[k])/d(inputs[i]) . grad_outputs[k]`` for each input.

    Unlike ``backward``, nothing is added to any ``.grad``: the gradients are returned, one per
    input, and every ``.grad`` in the graph is as it was before the call.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
        What is differentiated.
    inputs : Tensor or sequence of Tensor
        With respect to what (leaves or intermediate tensors of the graph).
    grad_outputs : Tensor or sequence of Tensor, optional
        The vector of each vector-Jacobian product; ``None`` for a scalar output means 1.
    retain_graph : bool, optional
        Keep the graph for another backward pass (default: ``create_graph``).
    create_graph : bool
        Higher-order gradients; glassnet's engine is first-order, so ``True`` raises.
    only_inputs : bool
        Ignored (deprecated in PyTorch; kept so positional calls line up).
    allow_unused : bool, optional
        Return ``None`` for an input the outputs do not depend on instead of raising
        (default: ``materialize_grads``).
    is_grads_batched : bool
        Batched vector-Jacobian products; not supported, ``True`` raises.
    materialize_grads : bool
        Return zeros instead of ``None`` for unused inputs.

    Returns
    -------
    tuple of Tensor or None
        One gradient per input, each of its input's shape.

    Examples
    --------
    >>> import glassnet
    >>> x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    >>> glassnet.autograd.grad((x ** 2).sum(), x)
    (tensor([2., 4.]),)
    """
    _refuse_higher_order(create_graph, is_grads_batched)
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    outs, ins = _as_list(outputs), _as_list(inputs)
    gouts: Sequence = [None] * len(outs) if grad_outputs is None else _as_list(grad_outputs)
    _check_arguments(outs, ins, gouts)
    result = _backward_isolated(outs, ins, gouts, retain_graph)
    return tuple(
        _unused_input(i, x, allow_unused, materialize_grads) if g is None else g
        for i, (x, g) in enumerate(zip(ins, result))
    )


def _refuse_higher_order(create_graph: bool, is_grads_batched: bool) -> None:
    """Gradients of gradients need a graph built by backward, which glassnet's does not build."""
    if create_graph or is_grads_batched:
        flag = "create_graph" if create_graph else "is_grads_batched"
        raise NotImplementedError(
            f"autograd.grad({flag}=True): glassnet's autograd is first-order (backward builds "
            "no graph), so gradients of gradients are not available"
        )


def _check_arguments(outs: list, ins: list, gouts: Sequence) -> None:
    """One grad_output per output; every input requires grad."""
    if len(gouts) != len(outs):
        raise ValueError(
            f"autograd.grad: {len(outs)} outputs but {len(gouts)} grad_outputs were given"
        )
    for i, x in enumerate(ins):
        if not x.requires_grad:
            raise RuntimeError(f"autograd.grad: input {i} does not require grad")


def _backward_isolated(outs: list, ins: list, gouts: Sequence, retain_graph: bool | None) -> tuple:
    """Backward from each output with every affected ``.grad`` cleared, then put back.

    The inputs' gradients are read off in between (non-leaf inputs retain theirs for the pass).
    """
    saved = {key: (t, t.grad) for key, t in _leaves(outs).items()}
    saved.update({id(x): (x, x.grad) for x in ins})
    retains = [(x, x._retains_grad) for x in ins if x._ctx is not None]
    try:
        for t, _ in saved.values():
            t.grad = None
        for x, _ in retains:
            x._retains_grad = True
        for k, (out, g) in enumerate(zip(outs, gouts)):
            keep = bool(retain_graph) or k < len(outs) - 1
            backward(out, gradient=g, retain_graph=keep)
        return tuple(x.grad for x in ins)
    finally:
        for t, g in saved.values():
            t.grad = g
        for x, flag in retains:
            x._retains_grad = flag


def _unused_input(i: int, x: Any, allow_unused: bool, materialize_grads: bool) -> Any:
    """The gradient of an input the outputs do not depend on: an error, None or zeros."""
    if not allow_unused:
        raise RuntimeError(
            f"autograd.grad: input {i} (shape {tuple(x.shape)}) was not used in the graph "
            "of the outputs; pass allow_unused=True to get None for it"
        )
    if materialize_grads:
        return type(x)._wrap(x._data * 0)
    return None
