"""L-BFGS: a quasi-Newton method from the last few gradient differences (Nocedal, 1980)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import enable_grad
from glassnet.optim.line_search import strong_wolfe
from glassnet.optim.optimizer import Optimizer
from glassnet.tensor import Tensor


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

        def evaluate() -> float:
            with enable_grad():
                return closure()

        x = self._flat_params()
        state = self.state.setdefault(group["params"][0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = evaluate()
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= group["tolerance_grad"]:
            return orig_loss
        memory = _Memory.from_state(state, group["history_size"])
        self._iterate(group, state, memory, x, evaluate, float(orig_loss), flat_grad)
        memory.save(state)
        return orig_loss

    def _iterate(
        self,
        group: dict[str, Any],
        state: dict[str, Any],
        memory: _Memory,
        x: np.ndarray,
        evaluate: Callable[[], Any],
        loss: float,
        flat_grad: np.ndarray,
    ) -> None:
        """The iterations of one `step`: direction, step length, move, stopping tests."""
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        current_evals = 1
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            first = state["n_iter"] == 1
            memory.new_direction(flat_grad, first)
            memory.prev_flat_grad = flat_grad.copy()
            memory.prev_loss = loss
            if first:
                memory.t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * group["lr"]
            else:
                memory.t = group["lr"]
            gtd = float(flat_grad @ memory.d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            if group["line_search_fn"] == "strong_wolfe":
                loss, flat_grad, evals = self._line_search_move(
                    x, memory, evaluate, loss, flat_grad, gtd, max_eval - current_evals
                )
            else:
                x += memory.t * memory.d
                evals = 0
                if n_iter != max_iter:
                    loss, flat_grad, evals = float(evaluate()), self._gather_flat_grad(), 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval:
                break
            if np.abs(flat_grad).max() <= tolerance_grad:
                break
            if np.abs(memory.d * memory.t).max() <= tolerance_change:
                break
            if abs(loss - memory.prev_loss) < tolerance_change:
                break

    def _line_search_move(
        self,
        x: np.ndarray,
        memory: _Memory,
        evaluate: Callable[[], Any],
        loss: float,
        flat_grad: np.ndarray,
        gtd: float,
        max_ls: int,
    ) -> tuple[float, np.ndarray, int]:
        """θ ← θ + t d, t from the strong-Wolfe search; returns (loss, gradient, evaluations)."""
        x_init = x.copy()
        d = memory.d

        def obj_func(step: float) -> tuple[float, np.ndarray]:
            np.add(x, step * d, out=x)  # evaluate at θ + step · d, then restore θ
            f = float(evaluate())
            g = self._gather_flat_grad()
            x[...] = x_init
            return f, g

        loss, flat_grad, memory.t, evals = strong_wolfe(
            obj_func, memory.t, d, loss, flat_grad, gtd, max_ls=max_ls
        )
        x += memory.t * d
        return loss, flat_grad, evals

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


@dataclass
class _Memory:
    """What L-BFGS carries between iterations and steps (saved in the optimizer state).

    `old_dirs` holds the gradient differences y, `old_stps` the steps s, `ro` the 1 / yᵀs,
    `H_diag` the scale γ of the initial inverse Hessian, `al` the α of the two-loop recursion.
    """

    d: Any
    t: Any
    old_dirs: list[np.ndarray]
    old_stps: list[np.ndarray]
    ro: list[float]
    H_diag: Any
    prev_flat_grad: Any
    prev_loss: Any
    al: list[Any]
    history_size: int

    @classmethod
    def from_state(cls, state: dict[str, Any], history_size: int) -> _Memory:
        """The memory saved by the previous `step` (empty on the first)."""
        return cls(
            d=_array(state.get("d")),
            t=state.get("t"),
            old_dirs=[_array(a) for a in state.get("old_dirs") or []],
            old_stps=[_array(a) for a in state.get("old_stps") or []],
            ro=list(state.get("ro") or []),
            H_diag=state.get("H_diag"),
            prev_flat_grad=_array(state.get("prev_flat_grad")),
            prev_loss=state.get("prev_loss"),
            al=list(state.get("al") or [None] * history_size),
            history_size=history_size,
        )

    def save(self, state: dict[str, Any]) -> None:
        """Write the memory into the optimizer state, as PyTorch names it."""
        state["d"] = Tensor._wrap(self.d)
        state["t"] = float(self.t)
        state["old_dirs"] = [Tensor._wrap(a) for a in self.old_dirs]
        state["old_stps"] = [Tensor._wrap(a) for a in self.old_stps]
        state["ro"] = self.ro
        state["H_diag"] = float(self.H_diag)
        state["prev_flat_grad"] = Tensor._wrap(self.prev_flat_grad)
        state["prev_loss"] = self.prev_loss
        state["al"] = self.al

    def new_direction(self, flat_grad: np.ndarray, first: bool) -> None:
        """d ← -g on the very first iteration, else store the newest (y, s) and d ← -H g."""
        if first:
            self.d = -flat_grad
            self.old_dirs, self.old_stps, self.ro = [], [], []
            self.H_diag = 1.0
            return
        self._add_pair(flat_grad - self.prev_flat_grad, self.d * self.t)
        self.d = self._two_loop(flat_grad)

    def _add_pair(self, y: np.ndarray, s: np.ndarray) -> None:
        """Keep (y, s) only where the curvature yᵀs is positive, dropping the oldest pair."""
        ys = float(y @ s)
        if ys <= 1e-10:
            return
        if len(self.old_dirs) == self.history_size:
            self.old_dirs.pop(0)
            self.old_stps.pop(0)
            self.ro.pop(0)
        self.old_dirs.append(y)
        self.old_stps.append(s)
        self.ro.append(1.0 / ys)
        self.H_diag = ys / float(y @ y)

    def _two_loop(self, flat_grad: np.ndarray) -> np.ndarray:
        """d = -H g by the two-loop recursion over the stored pairs."""
        al, ro = self.al, self.ro
        if len(al) < self.history_size:
            al += [None] * (self.history_size - len(al))
        q = -flat_grad
        for i in range(len(self.old_dirs) - 1, -1, -1):
            al[i] = float(self.old_stps[i] @ q) * ro[i]
            q -= al[i] * self.old_dirs[i]
        d = r = q * self.H_diag
        for i in range(len(self.old_dirs)):
            be_i = float(self.old_dirs[i] @ r) * ro[i]
            r += (al[i] - be_i) * self.old_stps[i]
        return d
