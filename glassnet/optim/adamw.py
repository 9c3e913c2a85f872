"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from __future__ import annotations

from typing import Any

from glassnet.optim.adam import Adam


class AdamW(Adam):
    r"""Adam whose weight decay shrinks the weights directly instead of joining the gradient.

    The update (Loshchilov & Hutter 2019, Algorithm 2)::

        θ_{t-1} ← θ_{t-1} (1 - γ λ)                decoupled weight decay
        m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t = β2 v_{t-1} + (1 - β2) g_t²
        θ_t = θ_{t-1} - γ m̂_t / (sqrt(v̂_t) + ε)    (m̂, v̂ bias-corrected as in Adam)

    With an L2 penalty in Adam, λθ is divided by sqrt(v̂) like the gradient, so weights with large
    gradients are barely decayed; decoupling makes the decay the same for every weight.

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), β1, β2 (betas), θ_0, f(θ), λ (weight decay), amsgrad, maximize, ε
        initialize: m_0 ← 0, v_0 ← 0, v_0^max ← 0
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            θ_t ← θ_{t-1} - γ λ θ_{t-1}
            m_t ← β1 m_{t-1} + (1 - β1) g_t
            v_t ← β2 v_{t-1} + (1 - β2) g_t²
            m̂_t ← m_t / (1 - β1^t)
            v̂_t ← (amsgrad ? max(v_{t-1}^max, v_t) : v_t) / (1 - β2^t)
            θ_t ← θ_t - γ m̂_t / (sqrt(v̂_t) + ε)

    Parameters are Adam's, with `weight_decay` defaulting to 1e-2.

    Example
    -------
    >>> opt = glassnet.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )
