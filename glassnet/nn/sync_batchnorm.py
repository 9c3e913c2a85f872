"""`SyncBatchNorm`: batch normalisation whose training statistics span every data-parallel
process, so R processes with B examples each normalise exactly as one process with R x B would.

The processes are reached through a process group: any object with `allreduce_(array)` summing
an array over the processes in place. `glassnet.distributed.init()` installs the MPI world as
the default group; without one (a single process) SyncBatchNorm is BatchNorm. The math is in
`glassnet.ops.sync_norm`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.nn.module import Module
from glassnet.nn.norm import BatchNorm1d, BatchNorm2d, _BatchNorm
from glassnet.ops.sync_norm import sync_batch_norm
from glassnet.tensor import Tensor

# The group SyncBatchNorm layers use when built without one; set by glassnet.distributed.init().
default_process_group: Any = None


class SyncBatchNorm(_BatchNorm):
    """Batch norm over (N, C, *) inputs with statistics summed over all processes in training.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias,  E and Var over the whole batch
        of every process. Eval mode uses the running statistics, as BatchNorm does.

    Parameters are BatchNorm's, plus `process_group` (default: the distributed world).

    Shape
    -----
    Input: (N, C) or (N, C, *). Output: the same.

    Example
    -------
    >>> model = glassnet.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    """

    _ranks = (2, 3, 4, 5)

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        process_group: Any = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:
        group = self.process_group if self.process_group is not None else default_process_group
        if not self.training or group is None or group.size == 1:
            return super().forward(input)
        self._check_input(input)
        momentum = 0.1 if self.momentum is None else self.momentum
        if self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked._data)
        dtype = input._data.dtype
        weight = self.weight if self.affine else Tensor(np.ones(self.num_features, dtype))
        bias = self.bias if self.affine else Tensor(np.zeros(self.num_features, dtype))
        return sync_batch_norm(
            input,
            weight,
            bias,
            self.running_mean,
            self.running_var,
            momentum,
            self.eps,
            lambda a: group.allreduce_(np.ascontiguousarray(a)),
        )

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """Replace every BatchNorm1d/2d in `module` by a SyncBatchNorm holding the same
        parameters and running statistics (as PyTorch's); returns the converted module."""
        if isinstance(module, (BatchNorm1d, BatchNorm2d)):
            sync = cls(
                module.num_features,
                module.eps,
                module.momentum,
                module.affine,
                module.track_running_stats,
                process_group,
            )
            for name in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
                if getattr(module, name, None) is not None:
                    setattr(sync, name, getattr(module, name))
            sync.train(module.training)
            return sync
        for name, child in list(module.named_children()):
            module.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return module
