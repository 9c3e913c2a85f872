"""PyTorch's `torch.utils` names: `glassnet.utils.data` is `glassnet.data`."""

from glassnet.utils import data

__all__ = ["data"]
