"""`torch.nn.modules.activation`'s path: the activations live in `glassnet.nn.activation`,
`MultiheadAttention` (which PyTorch files among them) in `glassnet.nn.attention`."""

from glassnet.nn.activation import *  # noqa: F403
from glassnet.nn.activation import __all__ as _activations
from glassnet.nn.attention import MultiheadAttention

__all__ = [*_activations, "MultiheadAttention"]
