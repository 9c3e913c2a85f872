"""Data-parallel training: the same model on every rank, each rank a different part of the batch.

With R ranks each computing the gradient of its own mean loss, the gradient of the mean loss
over the whole batch (R x B examples) is their average:

    dL/dtheta = (1/R) sum_r dL_r/dtheta        (L = mean over R*B = average of the L_r)

so after `loss.backward()` every rank holds the same averaged gradient, and the same
optimizer step keeps the replicas identical. The averaging overlaps with backward: parameters
are grouped into buckets of a few MB (in the reverse order of registration, roughly the order
in which backward produces their gradients), and as soon as every gradient of a bucket is
complete, the bucket is copied into one flat buffer and summed over the ranks with a
non-blocking `Iallreduce` while backward goes on. The pass waits for all buckets at its end.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.autograd import engine
from glassnet.distributed import comm
from glassnet.nn.module import Module
from glassnet.tensor import Tensor


class _Bucket:
    """Parameters whose gradients are reduced together through one flat buffer."""

    def __init__(self, params: list, dtype: np.dtype) -> None:
        self.params = params
        self.offsets = np.cumsum([0] + [p._data.size for p in params])
        self.buffer = np.empty(int(self.offsets[-1]), dtype=dtype)
        self.ready = 0
        self.request: Any = None

    def launch(self, world: comm.World) -> None:
        """Copy the gradients into the buffer and start summing it over all ranks."""
        from mpi4py import MPI

        for p, a, b in zip(self.params, self.offsets[:-1], self.offsets[1:]):
            if p.grad is None:
                self.buffer[a:b] = 0  # unused on this rank: contributes nothing
            else:
                self.buffer[a:b] = p.grad._data.reshape(-1)
        self.request = world.comm.Iallreduce(MPI.IN_PLACE, self.buffer, op=MPI.SUM)

    def write_back(self, scale: float) -> None:
        self.buffer *= scale
        for p, a, b in zip(self.params, self.offsets[:-1], self.offsets[1:]):
            values = self.buffer[a:b].reshape(p._data.shape)
            if p.grad is None:
                p.grad = Tensor._wrap(values.copy())
            else:
                p.grad._data[...] = values
        self.ready = 0
        self.request = None


class DistributedDataParallel(Module):
    """Wrap a model so that `backward()` leaves every rank the gradient averaged over all ranks.

    Parameters
    ----------
    module : Module
        The model; rank 0's parameters and buffers are broadcast to all ranks at construction.
    bucket_cap_mb : float
        Size of a reduction bucket (default 4 MB).
    broadcast_buffers : bool
        Copy rank 0's buffers (batch-norm running statistics) to all ranks at each training
        forward, as PyTorch does.
    device_ids, output_device, find_unused_parameters, gradient_as_bucket_view, static_graph :
        Accepted for PyTorch scripts; glassnet runs on the CPU, and a parameter that receives no
        gradient on a rank contributes zeros to the average (what find_unused_parameters does).

    `state_dict()` keys start with `module.` as in PyTorch; save `ddp.module.state_dict()` for
    a checkpoint that loads into the plain model. `no_sync()` skips the averaging (gradient
    accumulation). `stats` records, per backward pass, the bytes reduced and the seconds spent
    waiting for reductions after backward had finished (the part not hidden behind it).

    Example
    -------
    >>> glassnet.distributed.init()
    >>> model = DistributedDataParallel(MLP(784, [256], 10))
    >>> loss_fn(model(x_local), y_local).backward()   # grads now averaged over the ranks
    """

    def __init__(
        self,
        module: Module,
        device_ids: Any = None,
        output_device: Any = None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        process_group: Any = None,
        bucket_cap_mb: float = 4.0,
        find_unused_parameters: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(
                f"DistributedDataParallel: module must be a glassnet Module, "
                f"got {type(module).__name__}"
            )
        if not bucket_cap_mb > 0:
            raise ValueError(
                f"DistributedDataParallel: bucket_cap_mb must be > 0, got {bucket_cap_mb}"
            )
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self._world = comm.init()
        self._sync = True
        self._pass_started = False
        self.stats = {"bytes": 0, "wait_seconds": 0.0, "buckets": 0}
        for t in self._state_tensors():
            comm.broadcast_(t._data, what="the initial parameters and buffers from rank 0")
        params = [p for p in module.parameters() if p.requires_grad]
        self._buckets = self._make_buckets(params[::-1], bucket_cap_mb * 2**20)
        self._bucket_of = {id(p): b for b in self._buckets for p in b.params}
        self._handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in params]

    # ----------------------------------------------------------------- set-up
    def _state_tensors(self) -> list:
        tensors = list(self.module.parameters()) + [
            b for b in self.module.buffers() if b is not None
        ]
        return [t for t in tensors if t._data.flags.c_contiguous]

    @staticmethod
    def _make_buckets(params: list, cap_bytes: float) -> list[_Bucket]:
        buckets: list[_Bucket] = []
        group: list = []
        size = 0
        for p in params:
            if group and (size + p._data.nbytes > cap_bytes or p.dtype != group[0].dtype):
                buckets.append(_Bucket(group, group[0].dtype))
                group, size = [], 0
            group.append(p)
            size += p._data.nbytes
        if group:
            buckets.append(_Bucket(group, group[0].dtype))
        return buckets

    def remove_hooks(self) -> None:
        """Stop averaging: take the hooks off the parameters (the model trains alone again)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # ----------------------------------------------------------------- forward
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if self.broadcast_buffers and self.training and self._world.size > 1:
            for b in self.module.buffers():
                if b is not None and b._data.flags.c_contiguous:
                    comm.broadcast_(b._data, what="the buffers from rank 0")
        return self.module(*args, **kwargs)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Within this block, backward accumulates local gradients without averaging them."""
        previous, self._sync = self._sync, False
        try:
            yield
        finally:
            self._sync = previous

    # ----------------------------------------------------------------- backward
    def _grad_ready(self, p: Tensor) -> None:
        if not self._sync or self._world.size == 1:
            return
        if not self._pass_started:
            self._pass_started = True
            engine.queue_callback(self._finish)
        bucket = self._bucket_of[id(p)]
        bucket.ready += 1
        if bucket.ready == len(bucket.params):
            bucket.launch(self._world)
        self._progress()

    def _progress(self) -> None:
        """Let MPI advance the reductions in flight (MPICH progresses them inside MPI calls)."""
        from mpi4py import MPI

        requests = [b.request for b in self._buckets if b.request is not None]
        if requests:
            MPI.Request.Testall(requests)

    def _finish(self) -> None:
        """End of backward: start what is left, wait for every bucket, average."""
        for bucket in self._buckets:
            if bucket.request is None:  # some parameter got no gradient in this pass
                bucket.launch(self._world)
        start = time.perf_counter()
        comm.wait([b.request for b in self._buckets], "averaging the gradients")
        self.stats["wait_seconds"] = time.perf_counter() - start
        self.stats["bytes"] = sum(b.buffer.nbytes for b in self._buckets)
        self.stats["buckets"] = len(self._buckets)
        scale = 1.0 / self._world.size
        for bucket in self._buckets:
            bucket.write_back(scale)
        self._pass_started = False
