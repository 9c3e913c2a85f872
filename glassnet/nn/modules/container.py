"""`torch.nn.modules.container`'s path: the containers live in `glassnet.nn.containers`."""

from glassnet.nn.containers import *  # noqa: F403
