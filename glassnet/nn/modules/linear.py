"""`torch.nn.modules.linear`'s path: the linear layers live in `glassnet.nn.linear`."""

from glassnet.nn.linear import *  # noqa: F403
