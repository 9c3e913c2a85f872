"""`torch.utils.data.distributed`'s path for `glassnet.data.distributed`."""

from glassnet.data.distributed import DistributedSampler

__all__ = ["DistributedSampler"]
