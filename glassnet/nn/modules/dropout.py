"""`torch.nn.modules.dropout`'s path: the dropout layers live in `glassnet.nn.dropout`."""

from glassnet.nn.dropout import *  # noqa: F403
