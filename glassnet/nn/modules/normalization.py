"""`torch.nn.modules.normalization`'s path: LayerNorm, GroupNorm and RMSNorm live in
`glassnet.nn.norm` (with the batch norms)."""

from glassnet.nn.norm import *  # noqa: F403
