"""NAdam: Adam with Nesterov momentum (Dozat, 2016)."""

from __future__ import annotations

from typing import Any

from glassnet.optim import functional as F
from glassnet.optim.optimizer import Optimizer, StateSpec


class NAdam(Optimizer):
    r"""NAdam: Adam whose momentum step looks ahead, as Nesterov's does, with a warming schedule.

    The update (Dozat 2016, with the momentum schedule μ_t)::

        μ_t     = β1 (1 - ½ · 0.96^(t ψ))              ψ = momentum_decay
        m_t     = β1 m_{t-1} + (1 - β1) g_t
        v_t     = β2 v_{t-1} + (1 - β2) g_t²
        m̂_t     = μ_{t+1} m_t / (1 - Π_{i≤t+1} μ_i) + (1 - μ_t) g_t / (1 - Π_{i≤t} μ_i)
        θ_t     = θ_{t-1} - γ m̂_t / (sqrt(v_t / (1 - β2^t)) + ε)

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), β1, β2 (betas), θ_0, f(θ), λ (weight decay), ψ (momentum decay),
               decoupled_weight_decay, ε, maximize
        initialize: m_0 ← 0, v_0 ← 0, Π_0 ← 1 (mu_product)
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0:
                if decoupled_weight_decay: θ_{t-1} ← θ_{t-1} - γ λ θ_{t-1}
                else:                      g_t ← g_t + λ θ_{t-1}
            μ_t ← β1 (1 - ½ 0.96^(t ψ)),   μ_{t+1} ← β1 (1 - ½ 0.96^((t+1) ψ))
            m_t ← β1 m_{t-1} + (1 - β1) g_t
            v_t ← β2 v_{t-1} + (1 - β2) g_t²
            m̂_t ← μ_{t+1} m_t / (1 - Π_{i=1}^{t+1} μ_i) + (1 - μ_t) g_t / (1 - Π_{i=1}^{t} μ_i)
            v̂_t ← v_t / (1 - β2^t)
            θ_t ← θ_{t-1} - γ m̂_t / (sqrt(v̂_t) + ε)

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 2e-3).
    betas : (float, float)
        β1, β2 (default (0.9, 0.999)).
    eps : float
        ε (default 1e-8).
    weight_decay : float
        λ (default 0).
    momentum_decay : float
        ψ (default 4e-3).
    decoupled_weight_decay : bool
        Decay the weights directly (as AdamW) instead of an L2 penalty.
    maximize : bool
        Ascend the objective instead.

    State: `step`, `mu_product` (a number), `exp_avg`, `exp_avg_sq`.

    Example
    -------
    >>> opt = glassnet.optim.NAdam([w], lr=2e-3)
    """

    _num_tmp = 2

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if hparams["momentum_decay"] < 0:
            raise ValueError(f"NAdam: Invalid momentum_decay value: {hparams['momentum_decay']}")

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]

    def _init_scalars(self, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "mu_product": 1.0}

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        scalars["step"] += 1
        beta1, beta2 = group["betas"]
        scalars["mu_product"] = F.nadam(
            p,
            g,
            state["exp_avg"],
            state["exp_avg_sq"],
            step=scalars["step"],
            mu_product=scalars["mu_product"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            momentum_decay=group["momentum_decay"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            scratch=tmp,
        )
