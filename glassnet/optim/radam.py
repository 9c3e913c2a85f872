"""RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2020)."""

from __future__ import annotations

from typing import Any

from glassnet.optim import functional as F
from glassnet.optim.optimizer import Optimizer, StateSpec


class RAdam(Optimizer):
    r"""RAdam: take plain momentum steps until the variance of the adaptive rate is tractable.

    The update (Liu et al. 2020, Algorithm 2)::

        ρ_∞ = 2 / (1 - β2) - 1
        ρ_t = ρ_∞ - 2 t β2^t / (1 - β2^t)             length of the approximated SMA
        m̂_t = m_t / (1 - β1^t)
        if ρ_t > 5:
            l_t = sqrt(1 - β2^t) / (sqrt(v_t) + ε)      adaptive learning rate
            r_t = sqrt((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))   variance rectification
            θ_t = θ_{t-1} - γ m̂_t r_t l_t
        else:
            θ_t = θ_{t-1} - γ m̂_t                      (SGD with momentum)

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), β1, β2 (betas), θ_0, f(θ), λ (weight decay), ε,
               decoupled_weight_decay, maximize
        initialize: m_0 ← 0, v_0 ← 0, ρ_∞ ← 2 / (1 - β2) - 1
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0:
                if decoupled_weight_decay: θ_{t-1} ← θ_{t-1} - γ λ θ_{t-1}
                else:                      g_t ← g_t + λ θ_{t-1}
            m_t ← β1 m_{t-1} + (1 - β1) g_t
            v_t ← β2 v_{t-1} + (1 - β2) g_t²
            m̂_t ← m_t / (1 - β1^t)
            ρ_t ← ρ_∞ - 2 t β2^t / (1 - β2^t)
            if ρ_t > 5: θ_t ← θ_{t-1} - γ m̂_t r_t l_t
            else:       θ_t ← θ_{t-1} - γ m̂_t

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 1e-3).
    betas : (float, float)
        β1, β2 (default (0.9, 0.999)).
    eps : float
        ε (default 1e-8).
    weight_decay : float
        λ (default 0).
    decoupled_weight_decay : bool
        Decay the weights directly (as AdamW) instead of an L2 penalty.
    maximize : bool
        Ascend the objective instead.

    State: `step`, `exp_avg`, `exp_avg_sq`.

    Example
    -------
    >>> opt = glassnet.optim.RAdam([w], lr=1e-3)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        scalars["step"] += 1
        beta1, beta2 = group["betas"]
        F.radam(
            p,
            g,
            state["exp_avg"],
            state["exp_avg_sq"],
            step=scalars["step"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            scratch=tmp,
        )
