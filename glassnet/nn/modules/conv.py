"""`torch.nn.modules.conv`'s path: the convolutions live in `glassnet.nn.conv`."""

from glassnet.nn.conv import *  # noqa: F403
from glassnet.nn.conv import _ConvNd  # noqa: F401  (subclassed and isinstance-checked by scripts)
