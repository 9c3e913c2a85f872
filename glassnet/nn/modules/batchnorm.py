"""`torch.nn.modules.batchnorm`'s path: the batch norms live in `glassnet.nn.norm`."""

from glassnet.nn.norm import *  # noqa: F403
from glassnet.nn.norm import _BatchNorm  # noqa: F401  (isinstance-checked by scripts)
from glassnet.nn.sync_batchnorm import SyncBatchNorm  # noqa: F401
