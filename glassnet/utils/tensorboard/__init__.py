"""`glassnet.utils.tensorboard`: TensorBoard event files, as `torch.utils.tensorboard`.

Needs the optional `tensorboardX` package (``pip install "glassnet[tensorboard]"``); importing
this package without it raises an ImportError that says so.
"""

from glassnet.utils.tensorboard.writer import SummaryWriter

__all__ = ["SummaryWriter"]
