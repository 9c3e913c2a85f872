"""Einstein summation: `einsum("ij,jk->ik", a, b)` multiplies the operands elementwise over every
combination of subscripts and sums over the subscripts missing from the output.

The gradient of one operand is an einsum too: the output gradient times all the other operands,
summed down to that operand's subscripts. A subscript only that operand has (summed away in the
forward pass) comes back by broadcasting; a repeated subscript (a diagonal, "ii->i") puts the
gradient on that diagonal; a size-1 dimension broadcast against a larger one sums it back.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.tensor import Tensor


class Einsum(Op):
    """y = einsum(spec, x_1, ..., x_n)  (spec uses one letter per dimension, no ellipsis).

    dL/dx_k = einsum(out, {x_m : m != k} -> subscripts of x_k)(gy, ...), with subscripts found
    only in x_k broadcast back, repeated subscripts written onto their diagonal, and dimensions
    that were broadcast from size 1 summed.
    """

    @staticmethod
    def forward(ctx, *xs, terms, out, sizes):
        full = [np.broadcast_to(x, [sizes[c] for c in t]) for x, t in zip(xs, terms)]
        ctx.args = (full, [x.shape for x in xs], terms, out, sizes)
        spec = ",".join(terms) + "->" + out
        return np.einsum(spec, *full, optimize=len(xs) > 1)

    @staticmethod
    def backward(ctx, gy):
        full, shapes, terms, out, sizes = ctx.args
        grads = []
        for k, needed in enumerate(ctx.needs_input_grad):
            grads.append(
                _operand_grad(gy, k, full, shapes[k], terms, out, sizes) if needed else None
            )
        return tuple(grads)


def _operand_grad(gy, k, full, shape, terms, out, sizes) -> np.ndarray:
    term = terms[k]
    letters = "".join(dict.fromkeys(term))  # unique, in order
    others = [t for m, t in enumerate(terms) if m != k]
    available = set(out).union(*others)
    target = "".join(c for c in letters if c in available)
    spec = ",".join([out, *others]) + "->" + target
    g = np.einsum(spec, gy, *[f for m, f in enumerate(full) if m != k], optimize=len(others) > 0)
    if target != letters:  # subscripts only this operand had: every output used each of them
        g = g.reshape([sizes[c] if c in available else 1 for c in letters])
        g = np.broadcast_to(g, [sizes[c] for c in letters])
    if letters != term:  # a repeated subscript: the gradient lands on the diagonal
        gx = np.zeros([sizes[c] for c in term], dtype=gy.dtype)
        index = []
        for c in term:
            pos = letters.index(c)
            view = [1] * len(letters)
            view[pos] = sizes[c]
            index.append(np.arange(sizes[c]).reshape(view))
        gx[tuple(index)] = g
        g = gx
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, g.shape)) if n == 1 and m != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    g = g.reshape(shape)
    return g if g.flags.writeable else g.copy()  # a broadcast view is read-only


def _parse_term(term: str, ndim: int, k: int) -> tuple:
    """(letters before the ellipsis, letters after it, number of ellipsis dims or -1)."""
    if "..." in term:
        head, _, tail = term.partition("...")
        if "." in head or "." in tail:
            raise ValueError(f"einsum(): found more than one ellipsis ('...') in operand {k}")
        ell = ndim - len(head) - len(tail)
        if ell < 0:
            raise ValueError(
                f"einsum(): the number of subscripts in the equation ({len(head) + len(tail)}) "
                f"is more than the number of dimensions ({ndim}) for operand {k}"
            )
        return head, tail, ell
    if "." in term:
        raise ValueError(f"einsum(): invalid subscript '.' in operand {k}: use '...' for ellipsis")
    if len(term) != ndim:
        raise ValueError(
            f"einsum(): the number of subscripts in the equation ({len(term)}) does not match "
            f"the number of dimensions ({ndim}) for operand {k} and no ellipsis was given"
        )
    return term, "", -1


def _check_letters(text: str) -> None:
    for c in text:
        if c not in string.ascii_letters:
            raise ValueError(
                f"einsum(): invalid subscript given at index {text.index(c)} in the equation "
                f"string, subscripts must be in [a-zA-Z]: {c!r}"
            )


def _plan(equation: str, arrays: list) -> tuple:
    """Rewrite the equation with one letter per dimension (ellipses spelled out) and find each
    letter's size, checking that sizes agree or broadcast (size 1)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) > len(arrays):
        raise ValueError("einsum(): fewer operands were provided than specified in the equation")
    if len(inputs) < len(arrays):
        raise ValueError("einsum(): more operands were provided than specified in the equation")
    parsed = [_parse_term(t, a.ndim, k) for k, (t, a) in enumerate(zip(inputs, arrays))]
    for head, tail, _ in parsed:
        _check_letters(head + tail)
    used = set(lhs) | set(rhs)
    spare = [c for c in string.ascii_letters if c not in used]
    n_ell = max([e for _, _, e in parsed] + [0])
    ell_letters = "".join(spare[:n_ell])
    terms = [h + (ell_letters[n_ell - e :] if e > 0 else "") + t for h, t, e in parsed]
    sizes: dict = {}
    for k, (term, a) in enumerate(zip(terms, arrays)):
        for c, n in zip(term, a.shape):
            seen = sizes.get(c, 1)
            if n != seen and n != 1 and seen != 1:
                raise ValueError(
                    f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                    f"broadcast with previously seen size {seen}"
                )
            sizes[c] = max(n, seen)
    if arrow:
        if rhs.count("...") > 1 or "." in rhs.replace("...", ""):
            raise ValueError("einsum(): found more than one ellipsis ('...') in the output")
        explicit = rhs.replace("...", "")
        _check_letters(explicit)
        for c in explicit:
            if explicit.count(c) > 1:
                raise ValueError(f"einsum(): output subscript {c} appears more than once")
            if c not in sizes:
                raise ValueError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    f"input operand"
                )
        out = rhs.replace("...", ell_letters)
    else:
        counts = "".join(h + t for h, t, _ in parsed)
        out = ell_letters + "".join(sorted(c for c in set(counts) if counts.count(c) == 1))
    return terms, out, sizes


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products over the subscripts of `equation`, in Einstein's notation.

    Each operand gets one letter per dimension ("ij,jk->ik" is a matrix product, "ii->" a trace,
    "bij,bjk->bik" a batched product, "...ij->...ji" a transpose of the last two dims). Letters
    missing from the output are summed; without "->" the output holds the letters that occur
    once, alphabetically, after the ellipsis dims. Size-1 dimensions broadcast. Differentiable
    for every operand. The operands may also be passed as one list.

    Example
    -------
    >>> a, b = glassnet.randn(2, 3), glassnet.randn(3, 4)
    >>> glassnet.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    """
    if not isinstance(equation, str):
        raise TypeError(
            f"einsum(): the equation must be a string, got {type(equation).__name__} "
            f"(the sublist format is not supported)"
        )
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must provide at least one operand")
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in operands]
    dtypes = {t._data.dtype for t in tensors}
    if len(dtypes) > 1:
        names = ", ".join(str(t._data.dtype) for t in tensors)
        raise TypeError(f"einsum(): all operands must have the same dtype, got {names}")
    terms, out, sizes = _plan(equation, [t._data for t in tensors])
    return Einsum.apply(*tensors, terms=terms, out=out, sizes=sizes)
