"""Synchronised batch normalisation: the statistics of the whole batch spread over several
processes, each holding a part of it.

`allreduce(a)` sums an array over the processes (in place; the identity in one process). With
M = the number of values of a channel over all processes:

    forward:   mean_c = allreduce(sum x) / M,   var_c = allreduce(sum (x - mean_c)^2) / M
               y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c
    backward:  S1 = allreduce(sum gy),   S2 = allreduce(sum gy xhat)   (xhat the normalised x)
               dL/dx = weight_c invstd_c (gy - S1 / M - xhat S2 / M)
               dL/dweight = sum gy xhat,   dL/dbias = sum gy      (this process's part: the
               data-parallel average of the parameter gradients adds the parts up)

Every process then computes exactly what one process holding the whole batch would.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops.norm_batch import _channel_rows, _from_channel_rows


class SyncBatchNorm(Op):
    """Training-mode batch norm with statistics summed over processes (see the module)."""

    @staticmethod
    def forward(ctx, x, weight, bias, *, running_mean, running_var, momentum, eps, allreduce):
        rows = _channel_rows(x)  # (C, m): this process's values of each channel
        count_and_sum = allreduce(np.concatenate([[rows.shape[1]], rows.sum(axis=1)]))
        M = count_and_sum[0]
        mean = (count_and_sum[1:] / M).astype(rows.dtype)
        xc = rows - mean[:, None]
        var = (allreduce(np.einsum("cm,cm->c", xc, xc).astype(np.float64)) / M).astype(rows.dtype)
        invstd = 1.0 / np.sqrt(var + eps)
        xhat = xc * invstd[:, None]
        y = xhat * weight[:, None] + bias[:, None]
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean
            running_var *= 1.0 - momentum
            running_var += momentum * var * (M / max(M - 1, 1))
        ctx.save_for_backward(xhat, invstd, weight, M, x.shape, allreduce)
        return _from_channel_rows(y, x.shape)

    @staticmethod
    def backward(ctx, gy):
        xhat, invstd, weight, M, shape, allreduce = ctx.saved_tensors
        g = _channel_rows(gy)
        local = np.stack([g.sum(axis=1), np.einsum("cm,cm->c", g, xhat)]).astype(np.float64)
        sum_g, sum_gxhat = local[0].astype(g.dtype), local[1].astype(g.dtype)
        total = allreduce(local.copy())
        S1, S2 = (total / M).astype(g.dtype)
        gx = (weight * invstd)[:, None] * (g - S1[:, None] - xhat * S2[:, None])
        return _from_channel_rows(gx, shape), sum_gxhat, sum_g


def sync_batch_norm(
    input: Any,
    weight: Any,
    bias: Any,
    running_mean: Any,
    running_var: Any,
    momentum: float,
    eps: float,
    allreduce: Any,
) -> Any:
    """Batch norm in training mode over a batch split across processes (see the module)."""
    return SyncBatchNorm.apply(
        input,
        weight,
        bias,
        running_mean=None if running_mean is None else running_mean._data,
        running_var=None if running_var is None else running_var._data,
        momentum=momentum,
        eps=eps,
        allreduce=allreduce,
    )
