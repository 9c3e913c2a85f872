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
    """`k` scratch arrays: the given ones, or new ones shaped as `param`."""
    if scratch is None:
        return [np.empty_like(param) for _ in range(k)]
    if len(scratch) < k:
        raise ValueError(f"optim.functional: scratch needs {k} arrays, got {len(scratch)}")
    return list(scratch)


def _maximize_and_decay(
    param: np.ndarray,
    grad: np.ndarray,
    tmp: np.ndarray,
    *,
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

    The last three lines run as p <- p - (lr sqrt(1 - b2^t) / (1 - b1^t)) m / (sqrt(v) +
    eps sqrt(1 - b2^t)), the same value with one pass less over the arrays.

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
    (t,) = _scratch(param, scratch, 1)[:1]
    _maximize_and_decay(
        param,
        grad,
        t,
        lr=lr,
        weight_decay=weight_decay,
        maximize=maximize,
        decoupled=decoupled_weight_decay,
    )
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    v = exp_avg_sq
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        v = max_exp_avg_sq
    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    np.sqrt(v, out=t)
    t += eps * bias_correction2_sqrt
    np.divide(exp_avg, t, out=t)
    t *= -lr * bias_correction2_sqrt / bias_correction1
    param += t


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

        μ_t = b1 (1 - 0.96^(t ψ) / 2),  μ_{t+1} = b1 (1 - 0.96^((t+1) ψ) / 2)
        Π_t = Π_{t-1} μ_t
        m <- b1 m + (1 - b1) g
        v <- b2 v + (1 - b2) g^2
        v_hat = v / (1 - b2^t)
        p <- p - lr (1 - μ_t) / (1 - Π_t) g / (sqrt(v_hat) + eps)
        p <- p - lr μ_{t+1} / (1 - Π_t μ_{t+1}) m / (sqrt(v_hat) + eps)

    (after `adam`'s maximize and weight-decay lines).

    Parameters
    ----------
    param, grad, exp_avg, exp_avg_sq : ndarray
        θ, g (overwritten), m, v.
    step : int
        t, counted from 1.
    mu_product : float
        Π_{t-1}, the product of the earlier μ (1.0 before the first step).
    lr, beta1, beta2, eps, momentum_decay, weight_decay : float
        γ, β1, β2, ε, ψ, λ.
    maximize, decoupled_weight_decay : bool
        As in `adam`.
    scratch : sequence of ndarray, optional
        Two arrays of `param`'s shape and dtype.

    Returns
    -------
    float
        Π_t, to pass as `mu_product` on the next step.
    """
    t, denom = _scratch(param, scratch, 2)[:2]
    bias_correction2 = 1 - beta2**step
    _maximize_and_decay(
        param,
        grad,
        t,
        lr=lr,
        weight_decay=weight_decay,
        maximize=maximize,
        decoupled=decoupled_weight_decay,
    )
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu
    mu_product_next = mu_product * mu_next
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    np.divide(exp_avg_sq, bias_correction2, out=denom)  # sqrt(v_hat) + eps
    np.sqrt(denom, out=denom)
    denom += eps
    np.divide(grad, denom, out=t)  # the gradient's share of m_hat
    t *= -lr * (1.0 - mu) / (1.0 - mu_product)
    param += t
    np.divide(exp_avg, denom, out=t)  # the momentum's share of m_hat
    t *= -lr * mu_next / (1.0 - mu_product_next)
    param += t
    return mu_product


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
    (t,) = _scratch(param, scratch, 1)[:1]
    _maximize_and_decay(
        param,
        grad,
        t,
        lr=lr,
        weight_decay=weight_decay,
        maximize=maximize,
        decoupled=decoupled_weight_decay,
    )
    _moments(grad, exp_avg, exp_avg_sq, t, beta1, beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        np.sqrt(exp_avg_sq, out=t)
        t += eps
        np.divide(exp_avg, t, out=t)
        t *= -lr * rect * bias_correction2**0.5 / bias_correction1
    else:
        np.multiply(exp_avg, -lr / bias_correction1, out=t)
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
    (t,) = _scratch(param, scratch, 1)[:1]
    _maximize_and_decay(
        param, grad, t, lr=lr, weight_decay=weight_decay, maximize=maximize, decoupled=False
    )
    lerp_(exp_avg, grad, 1 - beta1, t)
    exp_inf *= beta2
    np.abs(grad, out=t)
    t += eps
    np.maximum(exp_inf, t, out=exp_inf)
    clr = lr / (1 - beta1**step)
    np.divide(exp_avg, exp_inf, out=t)
    t *= -clr
    param += t
