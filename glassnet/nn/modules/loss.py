"""`torch.nn.modules.loss`'s path: the losses live in `glassnet.nn.loss` (with the bases
`_Loss` and `_WeightedLoss` that custom losses subclass)."""

from glassnet.nn.loss import *  # noqa: F403
from glassnet.nn.loss import _Loss, _WeightedLoss  # noqa: F401
