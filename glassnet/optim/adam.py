"""Adam: adaptive moment estimation (Kingma & Ba, 2015), with AMSGrad and decoupled decay."""

from __future__ import annotations

from typing import Any

from glassnet.optim import functional as F
from glassnet.optim.optimizer import Optimizer, StateSpec


class Adam(Optimizer):
    r"""Adam: step along the running mean of the gradient, scaled by its running RMS.

    The update, as in the paper (Kingma & Ba 2015, Algorithm 1)::

        m_t = β1 m_{t-1} + (1 - β1) g_t            first moment (mean of g)
        v_t = β2 v_{t-1} + (1 - β2) g_t²           second moment (mean of g²)
        m̂_t = m_t / (1 - β1^t),  v̂_t = v_t / (1 - β2^t)     bias corrections
        θ_t = θ_{t-1} - γ m̂_t / (sqrt(v̂_t) + ε)

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), β1, β2 (betas), θ_0 (params), f(θ) (objective),
               λ (weight decay), amsgrad, maximize, ε (epsilon)
        initialize: m_0 ← 0, v_0 ← 0, v_0^max ← 0
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0:
                if decoupled_weight_decay: θ_{t-1} ← θ_{t-1} (1 - γ λ)
                else:                      g_t ← g_t + λ θ_{t-1}
            m_t ← β1 m_{t-1} + (1 - β1) g_t
            v_t ← β2 v_{t-1} + (1 - β2) g_t²
            m̂_t ← m_t / (1 - β1^t)
            if amsgrad:
                v_t^max ← max(v_{t-1}^max, v_t)
                v̂_t ← v_t^max / (1 - β2^t)
            else:
                v̂_t ← v_t / (1 - β2^t)
            θ_t ← θ_{t-1} - γ m̂_t / (sqrt(v̂_t) + ε)

    AMSGrad (Reddi et al. 2018) divides by the largest second moment seen so far, so the step
    size never grows back. Decoupled weight decay is AdamW (Loshchilov & Hutter 2019).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimize, or parameter groups.
    lr : float
        Learning rate γ (default 1e-3).
    betas : (float, float)
        β1, β2: decay rates of the two moments (default (0.9, 0.999)).
    eps : float
        ε added to the denominator (default 1e-8).
    weight_decay : float
        λ (default 0): an L2 penalty, or decoupled decay with `decoupled_weight_decay=True`.
    amsgrad : bool
        Use AMSGrad's running maximum of v.
    maximize : bool
        Ascend the objective instead of descending it.
    decoupled_weight_decay : bool
        Decay the weights directly (AdamW) instead of adding λθ to the gradient.

    State: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (with amsgrad).

    Example
    -------
    >>> opt = glassnet.optim.Adam(model.parameters(), lr=1e-3)
    >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        spec = [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]
        if group["amsgrad"]:
            spec.append(("max_exp_avg_sq", 0.0))
        return spec

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        scalars["step"] += 1
        beta1, beta2 = group["betas"]
        F.adam(
            p,
            g,
            state["exp_avg"],
            state["exp_avg_sq"],
            state["max_exp_avg_sq"] if group["amsgrad"] else None,
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
