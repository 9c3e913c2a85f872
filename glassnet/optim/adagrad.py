"""Adagrad: per-coordinate learning rates from the sum of squared gradients (Duchi et al., 2011)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer, StateSpec
from glassnet.optim.updates import prepare_grad


class Adagrad(Optimizer):
    r"""Adagrad: divide each coordinate's step by the root of its accumulated squared gradients.

    The update (Duchi, Hazan & Singer 2011)::

        G_t = G_{t-1} + g_t²
        θ_t = θ_{t-1} - γ g_t / (sqrt(G_t) + ε)

    Coordinates with rare, small gradients keep large steps; frequently updated ones slow down.
    The steps only shrink, which suits convex problems and sparse features.

    Algorithm (as in PyTorch's documentation)::

        input: γ (lr), θ_0, f(θ), λ (weight decay), τ (initial_accumulator_value),
               η (lr_decay), ε, maximize
        initialize: state_sum_0 ← τ
        for t = 1, 2, ...:
            g_t ← ∇_θ f_t(θ_{t-1})        (or -∇ when maximize)
            γ̃ ← γ / (1 + (t - 1) η)
            if λ ≠ 0: g_t ← g_t + λ θ_{t-1}
            state_sum_t ← state_sum_{t-1} + g_t²
            θ_t ← θ_{t-1} - γ̃ g_t / (sqrt(state_sum_t) + ε)

    Parameters
    ----------
    params : iterable of Tensor or dict
    lr : float
        γ (default 1e-2).
    lr_decay : float
        η (default 0).
    weight_decay : float
        L2 penalty λ (default 0).
    initial_accumulator_value : float
        τ, the starting value of the sum (default 0).
    eps : float
        ε (default 1e-10).
    maximize : bool
        Ascend the objective instead.

    State (created at construction, as in PyTorch): `step`, `sum`.

    Example
    -------
    >>> opt = glassnet.optim.Adagrad([w], lr=0.1)
    """

    _eager_state = True

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if hparams["lr_decay"] < 0:
            raise ValueError(f"Adagrad: Invalid lr_decay value: {hparams['lr_decay']}")
        if hparams["initial_accumulator_value"] < 0:
            raise ValueError(
                f"Adagrad: Invalid initial_accumulator_value value: "
                f"{hparams['initial_accumulator_value']}"
            )

    def _state_spec(self, group: dict[str, Any]) -> StateSpec:
        return [("sum", group["initial_accumulator_value"])]

    def _update(self, group, p, g, state, scalars, tmp, fresh) -> None:  # noqa: ANN001
        t = tmp[0]
        scalars["step"] += 1
        prepare_grad(group, p, g, t)
        clr = group["lr"] / (1 + (scalars["step"] - 1) * group["lr_decay"])
        G = state["sum"]
        np.multiply(g, g, out=t)  # G += g²
        G += t
        np.sqrt(G, out=t)  # θ -= γ̃ g / (sqrt(G) + ε)
        t += group["eps"]
        np.divide(g, t, out=t)
        t *= -clr
        p += t
