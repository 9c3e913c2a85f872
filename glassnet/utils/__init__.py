"""PyTorch's `torch.utils` names: `glassnet.utils.data` is `glassnet.data`'s API under torch's
paths; `glassnet.utils.tensorboard` (imported on demand, it needs tensorboardX) writes
TensorBoard event files."""

from glassnet.utils import data

__all__ = ["data"]
