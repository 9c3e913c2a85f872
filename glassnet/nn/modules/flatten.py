"""`torch.nn.modules.flatten`'s path: `Flatten`/`Unflatten` live in `glassnet.nn.linear`."""

from glassnet.nn.linear import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
