"""`torch.nn.modules.sparse`'s path: `Embedding` lives in `glassnet.nn.embedding`."""

from glassnet.nn.embedding import *  # noqa: F403
