"""Gradient clipping: bound the size of an update before the optimizer takes it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from glassnet.tensor import Tensor


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[np.ndarray]:
    """The gradient arrays of the parameters that have one."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad._data for p in parameters if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients together so that their joint norm is at most `max_norm`.

    total = ||(||g_1||_p, ..., ||g_n||_p)||_p   (the p-norm of all gradients as one vector)
    g_i <- g_i * min(1, max_norm / (total + 1e-6))

    The direction of the update is kept, only its length is bounded: the usual remedy for
    exploding gradients in recurrent networks and transformers.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensors
        Whose `.grad` is clipped in place (those without a gradient are skipped).
    max_norm : float
        The largest allowed total norm.
    norm_type : float or 'inf'
        p of the p-norm (default 2; inf is the largest absolute value).
    error_if_nonfinite : bool
        Raise if the total norm is nan or inf (else the gradients become nan).
    foreach : None
        Accepted for PyTorch compatibility (no effect).

    Returns
    -------
    Tensor
        The total norm before clipping (0-d).

    Example
    -------
    >>> loss.backward()
    >>> glassnet.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    >>> optimizer.step()
    """
    norm_type = float(norm_type)
    grads = _grads(parameters)
    if not grads:
        return Tensor._wrap(np.array(0.0, dtype=np.float32))
    norms = np.array([np.linalg.norm(g.reshape(-1), ord=norm_type) for g in grads])
    total = np.linalg.norm(norms, ord=norm_type).astype(grads[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total}, so they cannot be clipped; set error_if_nonfinite=False to clip anyway"
        )
    clip_coef = min(float(max_norm) / (float(total) + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in PyTorch, without a warning
        for g in grads:
            g *= g.dtype.type(clip_coef)
    return Tensor._wrap(np.asarray(total))


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clip every gradient element to [-clip_value, clip_value], in place.

    g <- min(max(g, -c), c)

    Example
    -------
    >>> glassnet.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
    """
    c = float(clip_value)
    for g in _grads(parameters):
        np.clip(g, -c, c, out=g)
