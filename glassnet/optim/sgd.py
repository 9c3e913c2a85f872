"""Stochastic gradient descent, with momentum (heavy ball or Nesterov), as PyTorch defines it."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer, StateSpec
from glassnet.optim.updates import axpy, prepare_grad


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum).

    The update (Robbins & Monro 1951; momentum: Polyak 1964; Nesterov: Sutskever et al. 2013)::

        θ ← θ - γ g                                  plain SGD
        b ← μ b + (1 - τ) g,   θ ← θ - γ b            momentum
        θ ← θ - γ (g + μ b)                           Nesterov momentum

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), θ_0 (params), f(θ) (objective), λ (weight decay),
               μ (momentum), τ (dampening), nesterov, maximize
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})
            if maximize:  g_t ← -g_t
            if λ ≠ 0:     g_t ← g_t + λ θ_{t-1}
            if μ ≠ 0:
                if t > 1: b_t ← μ b_{t-1} + (1 - τ) g_t
                else:     b_t ← g_t
                if nesterov: g_t ← g_t + μ b_t
                else:        g_t ← b_t
            θ_t ← θ_{t-1} - γ g_t

    Note that, as in PyTorch, the learning rate multiplies the momentum buffer rather than the
    gradient inside it (Sutskever's form); with a constant lr the two are the same.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimize, or parameter groups.
    lr : float
        Learning rate γ (default 1e-3).
    momentum : float
        Momentum factor μ (default 0).
    dampening : float
        Dampening τ of the momentum (default 0).
    weight_decay : float
        L2 penalty λ (default 0).
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening 0).
    maximize : bool
        Ascend the objective instead of descending it.

    State: `momentum_buffer` (when momentum ≠ 0).

    Example
    -------
    >>> opt = glassnet.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> opt.zero_grad(); loss_fn(w).backward(); opt.step()
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if hparams["nesterov"] and (hparams["momentum"] <= 0 or hparams["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("momentum_buffer", 0.0)] if group["momentum"] != 0 else []

    def _init_scalars(self, group: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        t = tmp[0]
        prepare_grad(group, p, g, t)
        mu = group["momentum"]
        if mu != 0:
            b = state["momentum_buffer"]
            if fresh:
                np.copyto(b, g)
            else:
                b *= mu
                axpy(b, 1 - group["dampening"], g, t)
            if group["nesterov"]:
                axpy(g, mu, b, t)
            else:
                g = b
        axpy(p, -group["lr"], g, t)
