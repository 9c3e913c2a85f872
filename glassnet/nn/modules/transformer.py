"""`torch.nn.modules.transformer`'s path: the Transformer family lives in
`glassnet.nn.transformer`."""

from glassnet.nn.transformer import *  # noqa: F403
