"""The Adam family's update rules as plain functions on NumPy arrays (as `torch.optim._functional`,
but public): `adam`, `adamw`, `nadam`, `radam`, `adamax`.

Each function takes the parameter, its gradient and the rule's state as arrays of one shape and
dtype (the optimizers pass their flat 1-D buffers, see glassnet/optim/flat.py), and the
hyperparameters as keyword arguments; it updates `param` and the state in place and returns
nothing (`nadam` returns its running product of momentum coefficients). `grad` is overwritten
(negated for `maximize`, plus the L2 penalty): pass a copy to keep it. `scratch` holds the
temporaries (arrays of `param`'s shape and dtype; allocated when None), so that a step allocates
nothing.

Example
-------
>>> p, g = np.ones(3, np.float32), np.full(3, 0.5, np.float32)
>>> m, v = np.zeros_like(p), np.zeros_like(p)
>>> adam(p, g, m, v, step=1, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
>>> p  # the first step moves each weight by about lr
array([0.90000004, 0.90000004, 0.90000004], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glassnet.optim.updates import axpy, lerp_

__all__ = ["adam", "adamax", "adamw", "nadam", "radam"]


def _scratch(param: np.ndarray, scratch: Sequence[np.ndarray] | None, k: int) -> list[np.ndarray]:
    """`k` scratch arrays: the first `k` given ones, or new ones shaped as `param`."""
    if scratch is None:
        return [np.empty_like(param) for _ in range(k)]
    if len(scratch) < k:
        raise ValueError(f"optim.functional: scratch needs {k} arrays, got {len(scratch)}")
    return list(scratch[:k])


def _maximize_and_decay(
    param: np.ndarray,
    grad: np.ndarray,
    tmp: np.ndarray,
    lr: float,
    weight_decay: float,
    maximize: bool,
    decoupled: bool,
) -> None:
    """g <- -g (maximize); then p <- p (1 - lr λ) (decoupled) or g <- g + λ p (L2 penalty)."""
    if maximize:
        np.negative(grad, out=grad)
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            axpy(grad, weight_decay, param, tmp)


def _moments(
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    tmp: np.ndarray,
    beta1: float,
    beta2: float,
) -> None:
    """m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2  (Adam's two running moments)."""
    lerp_(exp_avg, grad, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    np.multiply(grad, grad, out=tmp)
    tmp *= 1 - beta2
    exp_avg_sq += tmp


def _bias_corrections(beta1: float, beta2: float, step: int) -> tuple[float, float]:
    """1 - b1^t and 1 - b2^t: the factors that unbias m and v (both start at zero)."""
    return 1 - beta1**step, 1 - beta2**step


def _sqrt_plus(v: np.ndarray, eps: float, out: np.ndarray) -> None:
    """out <- sqrt(v) + eps  (the denominator of the step; `out` may be `v`)."""
    np.sqrt(v, out=out)
    out += eps


def _add_ratio(
    param: np.ndarray, num: np.ndarray, denom: np.ndarray, scale: float, out: np.ndarray
) -> None:
    """p <- p + scale * num / denom, computed in `out` (which may be `denom`)."""
    np.divide(num, denom, out=out)
    out *= scale
    param += out


def adam(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    max_exp_avg_sq: np.ndarray | None = None,
    *,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
    scratch: Sequence[np.ndarray] | None = None,
) -> None:
    r"""One Adam step in place (Kingma & Ba 2015, Algorithm 1); AMSGrad when `max_exp_avg_sq`.

    ::

        g <- -g                                   (maximize)
        p <- p (1 - lr λ)  or  g <- g + λ p       (decoupled weight decay, or L2 penalty)
        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        v_max <- max(v_max, v); use v_max for v   (AMSGrad)
        m_hat = m / (1 - b1^t)
        v_hat = v / (1 - b2^t)
        p <- p - lr m_hat / (sqrt(v_hat) + eps)

    Parameters
    ----------
    param, grad, exp_avg, exp_avg_sq : ndarray
        θ, g (overwritten), m and v, of one shape and dtype.
    max_exp_avg_sq : ndarray, optional
        AMSGrad's running maximum of v; None for plain Adam.
    step : int
        t, counted from 1 (this step included).
    lr, beta1, beta2, eps, weight_decay : float
        γ, β1, β2, ε, λ.
    maximize : bool
        Ascend instead of descend.
    decoupled_weight_decay : bool
        Shrink the weights (AdamW) instead of adding λθ to the gradient.
    scratch : sequence of ndarray, optional
        One array of `param`'s shape and dtype for the temporaries.
    """
    (t,) = _scratch(param, scratch, 1)
    _maximize_and_decay(param, grad, t, lr, weight_decay, maximize, decoupled_weight_decay)
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    v = exp_avg_sq
    if max_exp_avg_sq is not None:
        v = np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
    bc1, bc2 = _bias_corrections(beta1, beta2, step)
    # lr m_hat / (sqrt(v_hat) + eps) = (lr sqrt(bc2) / bc1) m / (sqrt(v) + eps sqrt(bc2)):
    # the same value with one pass less over the arrays
    _sqrt_plus(v, eps * bc2**0.5, t)
    _add_ratio(param, exp_avg, t, -lr * bc2**0.5 / bc1, t)


def adamw(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    max_exp_avg_sq: np.ndarray | None = None,
    *,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 1e-2,
    maximize: bool = False,
    scratch: Sequence[np.ndarray] | None = None,
) -> None:
    r"""One AdamW step in place (Loshchilov & Hutter 2019): `adam` with decoupled weight decay.

    ::

        p <- p (1 - lr λ)
        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        m_hat = m / (1 - b1^t)
        v_hat = v / (1 - b2^t)            (AMSGrad: of max(v_max, v))
        p <- p - lr m_hat / (sqrt(v_hat) + eps)

    Arguments are `adam`'s, with `weight_decay` defaulting to 1e-2.
    """
    adam(
        param,
        grad,
        exp_avg,
        exp_avg_sq,
        max_exp_avg_sq,
        step=step,
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
        maximize=maximize,
        decoupled_weight_decay=True,
        scratch=scratch,
    )


def nadam(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    *,
    step: int,
    mu_product: float,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    momentum_decay: float = 4e-3,
    weight_decay: float = 0.0,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
    scratch: Sequence[np.ndarray] | None = None,
) -> float:
    r"""One NAdam step in place (Dozat 2016, with PyTorch's momentum schedule); returns μ-product.

    ::

        (`adam`'s maximize and weight-decay lines)
        μ_t = b1 (1 - 0.96^(t ψ) / 2),  μ_{t+1} = b1 (1 - 0.96^((t+1) ψ) / 2)
        Π_t = Π_{t-1} μ_t
        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        v_hat = v / (1 - b2^t)
        p <- p - lr (1 - μ_t) / (1 - Π_t) g / (sqrt(v_hat) + eps)
        p <- p - lr μ_{t+1} / (1 - Π_t μ_{t+1}) m / (sqrt(v_hat) + eps)

    Parameters
    ----------
    mu_product : float
        Π_{t-1}, the product of the earlier μ (1.0 before the first step).
    momentum_decay : float
        ψ.
    scratch : sequence of ndarray, optional
        Two arrays of `param`'s shape and dtype.
    param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay
        As in `adam` (NAdam has no AMSGrad).
    maximize, decoupled_weight_decay : bool
        As in `adam`.

    Returns
    -------
    float
        Π_t, to pass as `mu_product` on the next step.
    """
    t, denom = _scratch(param, scratch, 2)
    _maximize_and_decay(param, grad, t, lr, weight_decay, maximize, decoupled_weight_decay)
    mu, mu_next = _nadam_momentum(beta1, momentum_decay, step)
    mu_product *= mu  # Π_t
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    _, bc2 = _bias_corrections(beta1, beta2, step)
    np.divide(exp_avg_sq, bc2, out=denom)  # v_hat
    _sqrt_plus(denom, eps, denom)
    _add_ratio(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product), t)  # g's share
    _add_ratio(param, exp_avg, denom, -lr * mu_next / (1.0 - mu_product * mu_next), t)  # m's
    return mu_product


def _nadam_momentum(beta1: float, momentum_decay: float, step: int) -> tuple[float, float]:
    """μ_t and μ_{t+1}, NAdam's momentum coefficients on PyTorch's schedule (ψ = momentum_decay):
    μ_t = b1 (1 - 0.96^(t ψ) / 2)."""
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    return mu, mu_next


def radam(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    *,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
    scratch: Sequence[np.ndarray] | None = None,
) -> None:
    r"""One RAdam step in place (Liu et al. 2020, Algorithm 2).

    ::

        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        m_hat = m / (1 - b1^t)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p <- p - lr m_hat r sqrt(1 - b2^t) / (sqrt(v) + eps)
        else:
            p <- p - lr m_hat

    (after `adam`'s maximize and weight-decay lines). Arguments are `adam`'s, without AMSGrad;
    `scratch` holds one array.
    """
    (t,) = _scratch(param, scratch, 1)
    _maximize_and_decay(param, grad, t, lr, weight_decay, maximize, decoupled_weight_decay)
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    bc1, bc2 = _bias_corrections(beta1, beta2, step)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bc2
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        _sqrt_plus(exp_avg_sq, eps, t)
        _add_ratio(param, exp_avg, t, -lr * rect * bc2**0.5 / bc1, t)
    else:
        np.multiply(exp_avg, -lr / bc1, out=t)
        param += t


def adamax(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_inf: np.ndarray,
    *,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    maximize: bool = False,
    scratch: Sequence[np.ndarray] | None = None,
) -> None:
    r"""One Adamax step in place (Kingma & Ba 2015, section 7.1).

    ::

        g <- -g                     (maximize)
        g <- g + λ p                (L2 penalty)
        m <- b1 m + (1 - b1) g
        u <- max(b2 u, |g| + eps)
        p <- p - lr / (1 - b1^t) m / u

    `exp_inf` is u; the other arguments are `adam`'s; `scratch` holds one array.
    """
    (t,) = _scratch(param, scratch, 1)
    _maximize_and_decay(param, grad, t, lr, weight_decay, maximize, decoupled=False)
    lerp_(exp_avg, grad, 1 - beta1, t)  # m
    exp_inf *= beta2
    np.abs(grad, out=t)
    t += eps
    np.maximum(exp_inf, t, out=exp_inf)  # u
    bc1, _ = _bias_corrections(beta1, beta2, step)
    _add_ratio(param, exp_avg, exp_inf, -(lr / bc1), t)
