"""`glassnet.nn.parallel.DistributedDataParallel`, where PyTorch scripts import it from.

The class lives in `glassnet.distributed` (training-level code built on MPI); it is looked up on
first use, so that importing `glassnet.nn` never imports the distributed machinery.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("DistributedDataParallel", "DataParallel"):
        from glassnet.distributed.ddp import DistributedDataParallel

        return DistributedDataParallel
    raise AttributeError(f"module 'glassnet.nn.parallel' has no attribute {name!r}")
