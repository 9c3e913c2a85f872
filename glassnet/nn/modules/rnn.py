"""`torch.nn.modules.rnn`'s path: the recurrent layers live in `glassnet.nn.recurrent`."""

from glassnet.nn.recurrent import *  # noqa: F403
