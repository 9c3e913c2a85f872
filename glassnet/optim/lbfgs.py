"""L-BFGS: a quasi-Newton method from the last few gradient differences (Nocedal, 1980)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import enable_grad
from glassnet.optim.optimizer import Optimizer
from glassnet.tensor import Tensor


def _cubic_interpolate(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """Minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clipped to bounds.

    Nocedal & Wright (2006), eq. 3.59. Falls back to the middle of the bounds when the cubic has
    no minimum.
    """
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (xmin_bound + xmax_bound) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, xmin_bound), xmax_bound)


def _strong_wolfe(
    obj_func: Callable[[float], tuple[float, np.ndarray]],
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, float, int]:
    """A step t along d satisfying the strong Wolfe conditions (Nocedal & Wright, Alg. 3.5-3.6).

        sufficient decrease:  f(x + t d) <= f(x) + c1 t ∇f·d
        curvature:            |∇f(x + t d)·d| <= c2 |∇f·d|

    First a bracketing phase grows t until an interval holds such a point, then a zoom phase
    shrinks it by cubic interpolation. Returns (loss, gradient, t, evaluations).
    """
    d_norm = float(np.abs(d).max())
    f_new, g_new = obj_func(t)
    ls_func_evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:  # bracketing phase
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:  # zoom phase
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # keep t away from the ends of the bracket, or the interval may never shrink
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = (
                    bracket_g[low_pos],
                    bracket_gtd[low_pos],
                )
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    r"""L-BFGS: approximate Newton steps, H⁻¹ built from the last `history_size` (s, y) pairs.

    With s_k = θ_{k+1} - θ_k and y_k = g_{k+1} - g_k, BFGS keeps an estimate H_k of the inverse
    Hessian satisfying the secant condition H y = s. L-BFGS never forms H: the *two-loop
    recursion* (Nocedal & Wright 2006, Algorithm 7.4) computes d = -H g from the stored pairs::

        q ← g
        for i = k-1, ..., k-m:   α_i ← ρ_i s_iᵀ q,   q ← q - α_i y_i       (ρ_i = 1 / y_iᵀ s_i)
        r ← γ_k q                                     (γ_k = s_{k-1}ᵀ y_{k-1} / y_{k-1}ᵀ y_{k-1})
        for i = k-m, ..., k-1:   β ← ρ_i y_iᵀ r,     r ← r + s_i (α_i - β)
        d ← -r

    Algorithm (as PyTorch implements it; one `step(closure)` runs up to `max_iter` iterations)::

        input: γ (lr), closure f(θ) returning the loss after filling the gradients
        g ← ∇f(θ); stop if max|g| <= tolerance_grad
        repeat up to max_iter times:
            first iteration: d ← -g,  history ← empty, H_diag ← 1
            otherwise: y ← g - g_prev, s ← t d; if yᵀs > 1e-10 store (y, s) (dropping the oldest
                       beyond history_size) and set H_diag ← yᵀs / yᵀy; d ← two-loop(-g)
            t ← γ · min(1, 1 / Σ|g|) on the very first iteration, else γ
            stop if gᵀd > -tolerance_change (not a descent direction)
            with line_search_fn='strong_wolfe': t from a strong-Wolfe line search
            θ ← θ + t d;  re-evaluate f and g (unless this was the last iteration)
            stop on: max_iter, max_eval evaluations, max|g| <= tolerance_grad,
                     max|t d| <= tolerance_change, |f - f_prev| < tolerance_change

    All parameters live in one flat buffer, so θ ← θ + t d is one vectorised pass. L-BFGS is for
    full-batch, deterministic problems (it needs the closure); it has one parameter group.

    Parameters
    ----------
    params : iterable of Tensor
        The parameters (one group; one dtype).
    lr : float
        γ (default 1).
    max_iter : int
        Iterations per `step` (default 20).
    max_eval : int, optional
        Function evaluations per `step` (default max_iter · 5/4).
    tolerance_grad : float
        Stop when max|g| falls to this (default 1e-7).
    tolerance_change : float
        Stop when a step or a loss change falls below this (default 1e-9).
    history_size : int
        Pairs kept (default 100).
    line_search_fn : str, optional
        None or 'strong_wolfe'.

    State (of the first parameter, as in PyTorch): `func_evals`, `n_iter`, `d`, `t`, `old_dirs`,
    `old_stps`, `ro`, `H_diag`, `prev_flat_grad`, `prev_loss`, `al`.

    Example
    -------
    >>> opt = glassnet.optim.LBFGS([w], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad(); loss = loss_fn(w); loss.backward(); return loss
    >>> opt.step(closure)
    """

    _num_tmp = 0

    def __init__(
        self,
        params: Any,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")

    def _validate(self, hparams: dict[str, Any]) -> None:
        super()._validate(hparams)
        if hparams["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(
                f"LBFGS: only 'strong_wolfe' is supported as line_search_fn, "
                f"got {hparams['line_search_fn']!r}"
            )

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # ------------------------------------------------------------------ flat views
    def _flat_params(self) -> np.ndarray:
        flats = self._flat_groups(self.param_groups[0])
        if len(flats) != 1:
            raise TypeError("LBFGS: all parameters must have the same dtype")
        return flats[0].param

    def _gather_flat_grad(self) -> np.ndarray:
        params = self.param_groups[0]["params"]
        return np.concatenate(
            [
                np.zeros(p._data.size, p._data.dtype)
                if p.grad is None
                else p.grad._data.reshape(-1)
                for p in params
            ]
        )

    # ------------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to `max_iter` L-BFGS iterations; `closure` must recompute loss and gradients."""
        if closure is None:
            raise ValueError(
                "LBFGS.step needs a closure that zeroes the gradients, computes the loss, "
                "calls backward() and returns the loss"
            )
        self._opt_called = True
        group = self.param_groups[0]
        lr = group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]

        def evaluate() -> float:
            with enable_grad():
                return closure()

        x = self._flat_params()
        state = self.state.setdefault(group["params"][0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d = _array(state.get("d"))
        t = state.get("t")
        old_dirs = [_array(a) for a in state.get("old_dirs") or []]
        old_stps = [_array(a) for a in state.get("old_stps") or []]
        ro = list(state.get("ro") or [])
        H_diag = state.get("H_diag")
        prev_flat_grad = _array(state.get("prev_flat_grad"))
        prev_loss = state.get("prev_loss")
        al = list(state.get("al") or [None] * history_size)

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = float(y @ s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / float(y @ y)
                if len(al) < history_size:
                    al += [None] * (history_size - len(al))
                q = -flat_grad  # two-loop recursion: d = -H g
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = float(old_stps[i] @ q) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = float(old_dirs[i] @ r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr
            else:
                t = lr
            gtd = float(flat_grad @ d)
            if gtd > -tolerance_change:  # not a descent direction
                break

            ls_func_evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x_init = x.copy()

                def obj_func(
                    step: float, x: np.ndarray = x, x_init: np.ndarray = x_init, d: Any = d
                ) -> tuple[float, np.ndarray]:
                    np.add(x, step * d, out=x)  # evaluate at θ + step · d, then restore θ
                    f = float(evaluate())
                    g = self._gather_flat_grad()
                    x[...] = x_init
                    return f, g

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                x += t * d
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                x += t * d
                opt_cond = False
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"] = Tensor._wrap(d)
        state["t"] = float(t)
        state["old_dirs"] = [Tensor._wrap(a) for a in old_dirs]
        state["old_stps"] = [Tensor._wrap(a) for a in old_stps]
        state["ro"] = ro
        state["H_diag"] = float(H_diag)
        state["prev_flat_grad"] = Tensor._wrap(prev_flat_grad)
        state["prev_loss"] = prev_loss
        state["al"] = al
        return orig_loss

    def _load_param_state(self, group, f, i, key, values) -> None:  # noqa: ANN001
        """L-BFGS state is flat arrays, lists of them and numbers, kept as saved."""
        st: dict[str, Any] = {}
        for k, v in values.items():
            if isinstance(v, (list, tuple)):
                st[k] = [_restore(x) for x in v]
            else:
                st[k] = _restore(v)
        self.state[f.params[i]] = st


def _array(v: Any) -> Any:
    """A saved state entry as an ndarray (None stays None)."""
    if v is None:
        return None
    return v._data.copy() if isinstance(v, Tensor) else np.array(v)


def _restore(v: Any) -> Any:
    from glassnet.optim.state_dict import to_array

    if v is None or isinstance(v, (int, float)):
        return v
    arr = to_array(v)
    if arr.ndim == 0:
        return arr.item()
    return Tensor._wrap(np.array(arr))
