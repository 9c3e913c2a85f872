"""Lion: evolved sign momentum (Chen et al. 2023, Symbolic Discovery of Optimization Algorithms)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer, StateSpec
from glassnet.optim.updates import lerp_, prepare_grad


class Lion(Optimizer):
    r"""Lion: step by the sign of an interpolation of momentum and gradient; every step has size γ.

    The update (Chen et al. 2023, Algorithm 2)::

        c_t = β1 m_{t-1} + (1 - β1) g_t
        θ_t = θ_{t-1} - γ (sign(c_t) + λ θ_{t-1})
        m_t = β2 m_{t-1} + (1 - β2) g_t

    Only one state array (m) and a sign: less memory than Adam. Because every coordinate moves by
    ±γ, use a learning rate 3-10x smaller than AdamW's and a weight decay 3-10x larger. PyTorch has
    no Lion; this follows the paper's pseudocode (the weight decay is decoupled, as in AdamW).

    Algorithm::

        input: γ (lr), β1, β2 (betas), θ_0, f(θ), λ (weight decay), maximize
        initialize: m_0 ← 0
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            θ_{t-1} ← θ_{t-1} (1 - γ λ)
            c_t ← β1 m_{t-1} + (1 - β1) g_t
            θ_t ← θ_{t-1} - γ sign(c_t)
            m_t ← β2 m_{t-1} + (1 - β2) g_t

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 1e-4).
    betas : (float, float)
        β1 (interpolation for the update), β2 (momentum decay); default (0.9, 0.99).
    weight_decay : float
        Decoupled weight decay λ (default 0).
    maximize : bool
        Ascend the objective instead.

    State: `step`, `exp_avg` (m).

    Example
    -------
    >>> opt = glassnet.optim.Lion([w], lr=1e-4, weight_decay=1.0)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("exp_avg", 0.0)]

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        t = tmp[0]
        beta1, beta2 = group["betas"]
        scalars["step"] += 1
        prepare_grad(group, p, g, t, decoupled=True)
        m = state["exp_avg"]
        np.subtract(g, m, out=t)  # c = m + (1 - β1)(g - m)
        t *= 1 - beta1
        t += m
        np.sign(t, out=t)
        t *= -group["lr"]
        p += t
        lerp_(m, g, 1 - beta2, t)  # m = β2 m + (1 - β2) g
