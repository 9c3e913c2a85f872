"""Matrix products with an added term (addmm, baddbmm, addbmm, addmv, addr), matrix-vector
products, inner and cross products. Each is a composition of matmul, mul and add, so its
gradient is theirs: for y = beta * M + alpha * A @ B,
dL/dM = beta * gy,   dL/dA = alpha * gy @ B^T,   dL/dB = alpha * A^T @ gy."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops._common import norm_dim
from glassnet.ops.elementwise import add, mul, sub
from glassnet.ops.indexing import index_select
from glassnet.ops.linalg import bmm, matmul, mm, outer
from glassnet.ops.reduce import sum
from glassnet.tensor import Tensor


def _scaled_sum(input: Tensor, product: Tensor, beta: float, alpha: float) -> Tensor:
    """beta * input + alpha * product; beta = 0 ignores input (even NaN in it, as PyTorch)."""
    if alpha != 1:
        product = mul(product, alpha)
    if beta == 0:
        shape = np.broadcast_shapes(input._data.shape, product._data.shape)
        return product if product._data.shape == shape else product.expand(*shape)
    return add(input if beta == 1 else mul(input, beta), product)


def _check_dims(op: str, **tensors: Tensor) -> None:
    wanted = {"mat": 2, "mat1": 2, "mat2": 2, "vec": 1, "vec1": 1, "vec2": 1}
    wanted.update(batch1=3, batch2=3)
    for name, t in tensors.items():
        if t._data.ndim != wanted[name]:
            raise ValueError(f"{op}: {name} must be {wanted[name]}-D, got shape {t._data.shape}")


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """y = beta * input + alpha * (mat1 @ mat2); input broadcasts to (n, p)."""
    _check_dims("addmm", mat1=mat1, mat2=mat2)
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha)


def baddbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1
) -> Tensor:
    """y = beta * input + alpha * (batch1 @ batch2) per batch: (b, n, m) @ (b, m, p)."""
    _check_dims("baddbmm", batch1=batch1, batch2=batch2)
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1
) -> Tensor:
    """y = beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
    _check_dims("addbmm", batch1=batch1, batch2=batch2)
    return _scaled_sum(input, sum(bmm(batch1, batch2), 0), beta, alpha)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The matrix-vector product input @ vec, (n, m) @ (m,) -> (n,)."""
    _check_dims("mv", mat=input, vec=vec)
    return matmul(input, vec)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """y = beta * input + alpha * (mat @ vec)."""
    _check_dims("addmv", mat=mat, vec=vec)
    return _scaled_sum(input, matmul(mat, vec), beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """y = beta * input + alpha * outer(vec1, vec2)."""
    _check_dims("addr", vec1=vec1, vec2=vec2)
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum over the last dimension of both: (..., n) and (..., n) -> (input dims, other dims)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return mul(input, other)
    rows = other.reshape(-1, other._data.shape[-1])  # (K, n)
    y = matmul(input, rows.transpose(0, 1))  # (..., K)
    return y.reshape(*input._data.shape[:-1], *other._data.shape[:-1])


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The 3-D cross product along `dim` (default: the first dim of size 3):
    y = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    if input._data.shape != other._data.shape:
        raise ValueError(
            f"cross: input and other must have the same shape, got {input.shape} and {other.shape}"
        )
    if dim is None:
        threes = [d for d, n in enumerate(input._data.shape) if n == 3]
        if not threes:
            raise ValueError(f"cross: no dimension of size 3 in input (shape {input.shape})")
        dim = threes[0]
    axis = norm_dim(dim, input._data.ndim, "cross")
    if input._data.shape[axis] != 3:
        raise ValueError(f"cross: dimension {dim} does not have size 3 (shape {input._data.shape})")

    def rolled(t: Tensor, order: list) -> Any:
        return index_select(t, axis, Tensor._wrap(np.array(order, dtype=np.int64)))

    return sub(
        mul(rolled(input, [1, 2, 0]), rolled(other, [2, 0, 1])),
        mul(rolled(input, [2, 0, 1]), rolled(other, [1, 2, 0])),
    )


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum over `dims` pairs of dims: the last `dims` of a with the first `dims` of b (an int),
    or the dims listed in dims = (dims_a, dims_b). The result has a's other dims, then b's."""
    from glassnet.ops.einsum import einsum

    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, (int, np.integer)):
        if dims < 0 or dims > min(na, nb):
            raise ValueError(f"tensordot: dims={dims} must be in [0, {min(na, nb)}]")
        dims_a, dims_b = list(range(na - dims, na)), list(range(int(dims)))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(dims_a) != len(dims_b):
            raise ValueError(f"tensordot: both dim lists should have same length, got {dims}")
    dims_a = [norm_dim(d, na, "tensordot") for d in dims_a]
    dims_b = [norm_dim(d, nb, "tensordot") for d in dims_b]
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sub_a = [next(letters) for _ in range(na)]
    sub_b = [next(letters) for _ in range(nb)]
    for da, db in zip(dims_a, dims_b):
        sub_b[db] = sub_a[da]
    out = [c for i, c in enumerate(sub_a) if i not in dims_a]
    out += [c for i, c in enumerate(sub_b) if i not in dims_b]
    return einsum(f"{''.join(sub_a)},{''.join(sub_b)}->{''.join(out)}", a, b)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of input times the whole of other, laid out in
    blocks: shape (a0 b0, a1 b1, ...), the shorter shape padded with leading 1s."""
    from glassnet.ops.einsum import einsum

    n = max(input._data.ndim, other._data.ndim)
    a = input.reshape(*(1,) * (n - input._data.ndim), *input._data.shape)
    b = other.reshape(*(1,) * (n - other._data.ndim), *other._data.shape)
    la, lb = "abcdefgh"[:n], "ijklmnop"[:n]
    if n > 8:
        raise ValueError(f"kron: at most 8 dimensions, got {n}")
    spec = f"{la},{lb}->" + "".join(x + y for x, y in zip(la, lb))
    shape = [p * q for p, q in zip(a._data.shape, b._data.shape)]
    return einsum(spec, a, b).reshape(*shape)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of input - other (all elements as one vector)."""
    from glassnet.ops.reduce import norm

    return norm(sub(input, other).reshape(-1), p)
