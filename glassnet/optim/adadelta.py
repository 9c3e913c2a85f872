"""Adadelta: step sizes from the ratio of two running RMS values (Zeiler, 2012)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer, StateSpec
from glassnet.optim.updates import axpy, prepare_grad


class Adadelta(Optimizer):
    r"""Adadelta: units-correct steps, RMS of past updates over RMS of past gradients.

    The update (Zeiler 2012, Algorithm 1)::

        E[g²]_t  = ρ E[g²]_{t-1} + (1 - ρ) g_t²
        Δx_t     = - sqrt(E[Δx²]_{t-1} + ε) / sqrt(E[g²]_t + ε) · g_t
        E[Δx²]_t = ρ E[Δx²]_{t-1} + (1 - ρ) Δx_t²
        θ_t      = θ_{t-1} + γ Δx_t                   (the paper has γ = 1)

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), θ_0, f(θ), ρ (decay), λ (weight decay), ε, maximize
        initialize: v_0 ← 0 (square avg), u_0 ← 0 (accumulate variables)
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0: g_t ← g_t + λ θ_{t-1}
            v_t ← v_{t-1} ρ + g_t² (1 - ρ)
            Δx_t ← sqrt(u_{t-1} + ε) / sqrt(v_t + ε) · g_t
            u_t ← u_{t-1} ρ + Δx_t² (1 - ρ)
            θ_t ← θ_{t-1} - γ Δx_t

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ, a coefficient on the step (default 1.0).
    rho : float
        ρ, decay of both running averages (default 0.9).
    eps : float
        ε (default 1e-6).
    weight_decay : float
        L2 penalty λ (default 0).
    maximize : bool
        Ascend the objective instead.

    State: `step`, `square_avg` (v), `acc_delta` (u).

    Example
    -------
    >>> opt = glassnet.optim.Adadelta([w])
    """

    _num_tmp = 2

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if not 0.0 <= hparams["rho"] <= 1.0:
            raise ValueError(f"Adadelta: Invalid rho value: {hparams['rho']}")

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("square_avg", 0.0), ("acc_delta", 0.0)]

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        t, delta = tmp
        rho, eps = group["rho"], group["eps"]
        scalars["step"] += 1
        prepare_grad(group, p, g, t)
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho  # v = ρ v + (1 - ρ) g²
        np.multiply(g, g, out=t)
        t *= 1 - rho
        v += t
        np.add(v, eps, out=t)  # Δx = sqrt(u + ε) / sqrt(v + ε) · g
        np.sqrt(t, out=t)
        np.add(u, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta /= t
        delta *= g
        u *= rho  # u = ρ u + (1 - ρ) Δx²
        np.multiply(delta, delta, out=t)
        t *= 1 - rho
        u += t
        axpy(p, -group["lr"], delta, t)
