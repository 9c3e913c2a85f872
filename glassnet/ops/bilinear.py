"""The bilinear form y_k = x1^T A_k x2 + b_k (the op behind `nn.Bilinear`)."""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.tensor import Tensor


class Bilinear(Op):
    """y_k = sum_ij x1_i W_kij x2_j + b_k.

    dL/dx1_i = sum_kj gy_k W_kij x2_j,   dL/dx2_j = sum_ki gy_k W_kij x1_i,
    dL/dW_kij = sum over the batch of gy_k x1_i x2_j,   dL/db = gy summed over the batch.
    """

    @staticmethod
    def forward(ctx, x1, x2, W, b=None):
        ctx.save_for_backward(x1, x2, W)
        y = np.einsum("...i,kij,...j->...k", x1, W, x2, optimize=True)
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, gy):
        x1, x2, W = ctx.saved_tensors
        need = ctx.needs_input_grad
        g1 = np.einsum("...k,kij,...j->...i", gy, W, x2, optimize=True) if need[0] else None
        g2 = np.einsum("...k,kij,...i->...j", gy, W, x1, optimize=True) if need[1] else None
        gW = np.einsum("...k,...i,...j->kij", gy, x1, x2, optimize=True) if need[2] else None
        if len(need) == 3:
            return g1, g2, gW
        gb = gy.reshape(-1, gy.shape[-1]).sum(axis=0) if need[3] else None
        return g1, g2, gW, gb


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x1^T A x2 + b for each output feature (see `Bilinear`).

    Shape
    -----
    input1: (*, in1), input2: (*, in2) with the same leading dims, weight: (out, in1, in2),
    bias: (out,). Output: (*, out).

    Example
    -------
    >>> y = glassnet.nn.functional.bilinear(x1, x2, W, b)
    """
    s1, s2, sw = input1._data.shape, input2._data.shape, weight._data.shape
    if len(sw) != 3 or not s1 or not s2 or s1[:-1] != s2[:-1] or (s1[-1], s2[-1]) != sw[1:]:
        raise ValueError(
            f"bilinear: inputs of shapes {s1} and {s2} do not fit weight of shape {sw} "
            f"(expected (*, {sw[1] if len(sw) == 3 else '?'}) and (*, "
            f"{sw[2] if len(sw) == 3 else '?'}) with the same leading dimensions)"
        )
    dtypes = {t._data.dtype for t in (input1, input2, weight, bias) if t is not None}
    if len(dtypes) > 1:
        raise TypeError(
            f"bilinear: input1 ({input1._data.dtype}), input2 ({input2._data.dtype}), weight "
            f"({weight._data.dtype}) and bias must have the same dtype"
        )
    if bias is None:
        return Bilinear.apply(input1, input2, weight)
    if bias._data.shape != (sw[0],):
        raise ValueError(f"bilinear: bias shape {bias._data.shape} should be ({sw[0]},)")
    return Bilinear.apply(input1, input2, weight, bias)
