"""`torch.nn.modules.module`'s path: `Module` lives in `glassnet.nn.module`."""

from glassnet.nn.module import *  # noqa: F403
