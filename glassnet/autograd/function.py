"""Graph nodes. Every differentiable operation is a Function subclass with its forward and its
backward side by side; calling `apply` runs forward and, when a gradient is wanted, records the
node.

Two flavours share one engine:

* `Function` -- the PyTorch-style base for users' own ops: `forward(ctx, *tensors)` receives
  Tensors and returns a Tensor; `backward(ctx, grad)` receives a Tensor and returns one gradient
  (Tensor or None) per input of forward.
* `Op` -- the base of glassnet's built-in ops: forward and backward work on plain NumPy arrays.
  Backward builds no graph (first-order autodiff), which keeps the per-op cost low.

A node keeps only what backward needs (its inputs and saved arrays), never its output, so the
graph has no reference cycles and is freed as soon as the last tensor referring to it goes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.anomaly import check_forward
from glassnet.autograd.grad_mode import STATE
from glassnet.tensor import Tensor

_new = object.__new__

# Set by `glassnet.onnx.export` while it traces a forward pass: called as
# TRACE_HOOK(op_class, inputs, params, output) after every built-in op. None in normal use, so the
# op path pays one global lookup for it.
TRACE_HOOK = None


class GlassnetShapeError(ValueError):
    """An operation got inputs whose shapes do not fit together."""


class GlassnetTypeError(TypeError):
    """An operation got an input of a dtype (or type) it cannot work on."""


class GlassnetValueError(ValueError):
    """An operation's arithmetic failed on its inputs' values or sizes (overflow, empty input)."""


# What NumPy (or Python inside an op) raises when an op meets inputs it cannot handle (NumPy's
# UFuncTypeError and AxisError are subclasses). Op.apply catches these around the forward and
# backward calls and raises a named glassnet error instead (`_named_error`): a try block costs
# nothing until something is raised.
_RAISED = (ValueError, IndexError, TypeError, ArithmeticError, MemoryError, AttributeError)


class Function:
    """Base of a differentiable operation; subclass it to write your own op with its backward.

    Example
    -------
    >>> class Cube(glassnet.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x * x * grad
    >>> y = Cube.apply(x)
    """

    _freed = False
    saved_tensors: tuple = ()
    needs_input_grad: tuple = ()  # set by apply before forward runs; () for a bare ctx

    def save_for_backward(self, *values: Any) -> None:
        """Keep what backward will need (read it back as `ctx.saved_tensors`)."""
        self.saved_tensors = values

    def mark_non_differentiable(self, *outputs: Any) -> None:  # PyTorch compatibility
        self.non_differentiable = outputs

    @staticmethod
    def forward(ctx: Function, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Function, grad: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run forward on tensors and record the node for backward when a gradient is wanted."""
        ctx = cls()
        prev = STATE.enabled
        ctx.needs_input_grad = tuple(
            prev and isinstance(a, Tensor) and a.requires_grad for a in args
        )
        STATE.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            STATE.enabled = prev
        if isinstance(out, (tuple, list)):
            raise TypeError(
                f"{cls.__name__}.forward returned {len(out)} outputs; a glassnet Function "
                f"returns one tensor"
            )
        out = Tensor._wrap(np.asarray(out._data if isinstance(out, Tensor) else out))
        if STATE.anomaly:
            arrays = [a._data for a in args if isinstance(a, Tensor)]
            check_forward(cls, out._data, arrays, ctx)
        if any(ctx.needs_input_grad):
            ctx.inputs = tuple(a if isinstance(a, Tensor) else None for a in args)
            out.requires_grad = True
            out._ctx = ctx
        return out

    def _backward(self, gy: np.ndarray) -> tuple:
        """Engine entry: wrap the incoming gradient, call the user's backward, unwrap."""
        prev = STATE.enabled
        STATE.enabled = False
        try:
            grads = type(self).backward(self, Tensor._wrap(gy))
        finally:
            STATE.enabled = prev
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.inputs):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(grads)} gradients, "
                f"but forward took {len(self.inputs)} inputs"
            )
        return tuple(g._data if isinstance(g, Tensor) else g for g in grads)


class Op(Function):
    """Base of built-in ops: `forward(ctx, *arrays, **params)` and `backward(ctx, gy)` on ndarrays.

    `backward` returns one gradient per tensor input (a tuple, or a bare array for one input);
    None where no gradient is needed. `ctx.needs_input_grad` says which inputs want one.
    """

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        # The hot path of every op: no validation beyond what NumPy does anyway, and one and two
        # inputs unrolled (a list comprehension costs as much as a small NumPy op).
        # ctx.needs_input_grad is set before forward, all False under no_grad, so that forward
        # can skip what only backward needs (`if True in ctx.needs_input_grad: save...`); a node
        # that records nothing is dropped when apply returns, with everything it saved.
        ctx = cls()
        n = len(inputs)
        record = STATE.enabled
        try:
            if n == 1:
                x = inputs[0]
                needs = ctx.needs_input_grad = (record and x.requires_grad,)
                y = cls.forward(ctx, x._data, **params)
            elif n == 2:
                a, b = inputs
                needs = ctx.needs_input_grad = (
                    record and a.requires_grad,
                    record and b.requires_grad,
                )
                y = cls.forward(ctx, a._data, b._data, **params)
            else:
                needs = ctx.needs_input_grad = tuple([record and t.requires_grad for t in inputs])
                y = cls.forward(ctx, *[t._data for t in inputs], **params)
        except _RAISED as err:
            raise _named_error(cls, err, inputs) from None
        if type(y) is not np.ndarray:
            y = np.asarray(y)  # NumPy returns scalars, not 0-d arrays, from ops on 0-d inputs
        if STATE.anomaly:  # detect_anomaly: the only cost of the mode when it is off
            check_forward(cls, y, [t._data for t in inputs], ctx)
        out = _new(Tensor)  # Tensor._wrap(y), inlined
        out._data = y
        out.grad = None
        out._retains_grad = False
        if True in needs:
            ctx.inputs = inputs
            out.requires_grad = True
            out._ctx = ctx
        else:
            out.requires_grad = False
            out._ctx = None
        if TRACE_HOOK is not None:
            TRACE_HOOK(cls, inputs, params, out)
        return out

    def _backward(self, gy: np.ndarray) -> tuple:
        try:
            grads = type(self).backward(self, gy)
        except _RAISED as err:
            raise _named_error(type(self), err, self.inputs, "backward") from None
        return grads if type(grads) is tuple else (grads,)


def _named_error(cls: type, err: Exception, inputs: tuple, stage: str = "") -> Exception:
    """NumPy's (or Python's) error from an op, as a glassnet error that names the op, the stage
    and the inputs' shapes and dtypes. Errors glassnet raised itself keep their message (an op
    that names itself is not named twice) and their type."""
    if isinstance(err, (GlassnetShapeError, GlassnetTypeError, GlassnetValueError)):
        return err
    name = cls.__name__.lower()
    own = str(err).startswith(name) and type(err).__module__ == "builtins"
    if own and isinstance(err, (ValueError, TypeError, IndexError)):
        return err
    try:
        described = ", ".join(f"{t._data.shape} {t._data.dtype}" for t in inputs)
    except AttributeError:  # an input that is not a Tensor
        described = ", ".join(type(t).__name__ for t in inputs)
        return GlassnetTypeError(f"{name}: expected Tensor inputs, got ({described})")
    message = f"{name}{' ' + stage if stage else ''}: {err} (inputs: {described})"
    if isinstance(err, IndexError):
        return IndexError(message)
    if isinstance(err, (TypeError, AttributeError)):
        return GlassnetTypeError(message)
    if isinstance(err, (ArithmeticError, MemoryError)):
        return GlassnetValueError(message)
    return GlassnetShapeError(message)


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient back to the shape of the input it belongs to (undo NumPy broadcasting).

    Broadcasting copies an input along new leading axes and along axes of size 1, so each copy
    receives part of the gradient: dL/dx = sum over the copies.
    """
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)
