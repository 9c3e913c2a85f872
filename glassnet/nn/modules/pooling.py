"""`torch.nn.modules.pooling`'s path: the pooling layers live in `glassnet.nn.pooling`."""

from glassnet.nn.pooling import *  # noqa: F403
