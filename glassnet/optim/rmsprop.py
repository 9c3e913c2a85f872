"""RMSprop: divide the gradient by a running RMS of recent gradients (Hinton, 2012)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer, StateSpec
from glassnet.optim.updates import axpy, lerp_, prepare_grad


class RMSprop(Optimizer):
    r"""RMSprop: normalise each coordinate by the root of a moving average of its squared gradient.

    The update (Hinton, Coursera lecture 6e; centered: Graves 2013)::

        v_t = α v_{t-1} + (1 - α) g_t²
        θ_t = θ_{t-1} - γ g_t / (sqrt(v_t) + ε)

    Centered, the variance replaces the raw second moment: v_t - (mean of g)².

    Algorithm (as in PyTorch's documentation)::

        input: α (alpha), γ (lr), θ_0, f(θ), λ (weight decay), μ (momentum), centered, ε, maximize
        initialize: v_0 ← 0, b_0 ← 0, g_0^ave ← 0
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            if λ ≠ 0: g_t ← g_t + λ θ_{t-1}
            v_t ← α v_{t-1} + (1 - α) g_t²
            ṽ_t ← v_t
            if centered:
                g_t^ave ← α g_{t-1}^ave + (1 - α) g_t
                ṽ_t ← ṽ_t - (g_t^ave)²
            if μ > 0:
                b_t ← μ b_{t-1} + g_t / (sqrt(ṽ_t) + ε)
                θ_t ← θ_{t-1} - γ b_t
            else:
                θ_t ← θ_{t-1} - γ g_t / (sqrt(ṽ_t) + ε)

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 1e-2).
    alpha : float
        Smoothing constant α (default 0.99).
    eps : float
        ε (default 1e-8).
    weight_decay : float
        L2 penalty λ (default 0).
    momentum : float
        μ (default 0).
    centered : bool
        Normalise by the estimated variance instead of the second moment.
    maximize : bool
        Ascend the objective instead.

    State: `step`, `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg` (centered).

    Example
    -------
    >>> opt = glassnet.optim.RMSprop([w], lr=1e-2, momentum=0.9, centered=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if hparams["alpha"] < 0:
            raise ValueError(f"RMSprop: Invalid alpha value: {hparams['alpha']}")

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        spec = [("square_avg", 0.0)]
        if group["momentum"] > 0:
            spec.append(("momentum_buffer", 0.0))
        if group["centered"]:
            spec.append(("grad_avg", 0.0))
        return spec

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        t = tmp[0]
        alpha = group["alpha"]
        scalars["step"] += 1
        prepare_grad(group, p, g, t)
        v = state["square_avg"]
        v *= alpha  # v = α v + (1 - α) g²
        np.multiply(g, g, out=t)
        t *= 1 - alpha
        v += t
        if group["centered"]:
            g_ave = state["grad_avg"]
            lerp_(g_ave, g, 1 - alpha, t)
            np.multiply(g_ave, g_ave, out=t)  # sqrt(v - g_ave²)
            np.subtract(v, t, out=t)
            np.sqrt(t, out=t)
        else:
            np.sqrt(v, out=t)
        t += group["eps"]
        np.divide(g, t, out=t)  # g / (sqrt(ṽ) + ε)
        if group["momentum"] > 0:
            b = state["momentum_buffer"]
            b *= group["momentum"]
            b += t
            axpy(p, -group["lr"], b, t)
        else:
            t *= -group["lr"]
            p += t
