"""Tensor's own autograd methods: `requires_grad_`, `backward`, `retain_grad`, the post-accumulate
grad hook and `detach` (the engine is glassnet/autograd/engine.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd import engine
from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_ops = OpsModule("glassnet.ops")
# glassnet.tensor, for `Tensor` at call time: it imports this module
_tensor = OpsModule("glassnet.tensor")


class TensorAutogradMethods:
    """requires_grad_, backward, retain_grad, hooks, detach (a mixin of Tensor)."""

    __slots__ = ()

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"requires_grad: only tensors of floating point dtype can require gradients "
                f"(this one is {self._data.dtype})"
            )
        if not requires_grad and self._ctx is not None:
            raise RuntimeError(
                "requires_grad_(False): only leaf tensors can be detached this way; use detach()"
            )
        self.requires_grad = requires_grad
        return self

    def register_post_accumulate_grad_hook(self, hook: Any) -> engine.RemovableHandle:
        """Call `hook(self)` in each backward pass once `.grad` holds the pass's whole gradient
        (as PyTorch's). Leaves only. Returns a handle whose `remove()` takes the hook away."""
        if self._ctx is not None:
            raise RuntimeError(
                "register_post_accumulate_grad_hook: only leaf tensors accumulate a .grad"
            )
        if not callable(hook):
            raise TypeError(
                f"register_post_accumulate_grad_hook: hook must be callable, "
                f"got {type(hook).__name__}"
            )
        return engine.add_post_accumulate_hook(self, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        if self._ctx is not None:
            self._retains_grad = True

    def backward(self, gradient: Any = None, retain_graph: bool = False) -> None:
        """Add d(self)/d(leaf) to `leaf.grad` for every leaf that requires grad.

        `gradient` is dL/d(self) for a non-scalar tensor. The graph is freed afterwards unless
        `retain_graph=True`.
        """
        engine.backward(self, gradient, retain_graph)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory, as in PyTorch)."""
        return _tensor.Tensor._wrap(self._data)

    def detach_(self) -> Tensor:
        self._ctx = None
        self.requires_grad = False
        return self
