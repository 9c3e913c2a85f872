"""Adamax: Adam with the infinity norm in place of the RMS (Kingma & Ba, 2015, section 7.1)."""

from __future__ import annotations

from typing import Any

from glassnet.optim import functional as F
from glassnet.optim.optimizer import Optimizer, StateSpec


class Adamax(Optimizer):
    r"""Adamax: scale the step by the largest recent gradient magnitude rather than its RMS.

    The update (Kingma & Ba 2015, Algorithm 2)::

        m_t = β1 m_{t-1} + (1 - β1) g_t
        u_t = max(β2 u_{t-1}, |g_t| + ε)            exponentially weighted infinity norm
        θ_t = θ_{t-1} - (γ / (1 - β1^t)) m_t / u_t

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), β1, β2 (betas), θ_0, f(θ), λ (weight decay), ε, maximize
        initialize: m_0 ← 0, u_0 ← 0
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0: g_t ← g_t + λ θ_{t-1}
            m_t ← β1 m_{t-1} + (1 - β1) g_t
            u_t ← max(β2 u_{t-1}, |g_t| + ε)
            θ_t ← θ_{t-1} - γ m_t / ((1 - β1^t) u_t)

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 2e-3).
    betas : (float, float)
        β1, β2 (default (0.9, 0.999)).
    eps : float
        ε (default 1e-8), keeps u_t away from zero.
    weight_decay : float
        L2 penalty λ (default 0).
    maximize : bool
        Ascend the objective instead.

    State: `step`, `exp_avg` (m), `exp_inf` (u).

    Example
    -------
    >>> opt = glassnet.optim.Adamax([w], lr=2e-3)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize
        )
        super().__init__(params, defaults)

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("exp_avg", 0.0), ("exp_inf", 0.0)]

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        scalars["step"] += 1
        beta1, beta2 = group["betas"]
        F.adamax(
            p,
            g,
            state["exp_avg"],
            state["exp_inf"],
            step=scalars["step"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            scratch=tmp,
        )
