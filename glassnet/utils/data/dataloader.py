"""`torch.utils.data.dataloader`'s path for `glassnet.data.loader`."""

from glassnet.data.loader import DataLoader, default_collate, default_convert, get_worker_info

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]
