"""Strong-Wolfe line search with cubic interpolation (Nocedal & Wright 2006, Alg. 3.5-3.6).

Used by :class:`glassnet.optim.LBFGS` with ``line_search_fn='strong_wolfe'``. A point on the
line is a tuple ``(t, f(t), g(t), g(t)·d)``: the step, the loss, the flat gradient and the
directional derivative there.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

ObjFunc = Callable[[float], tuple[float, np.ndarray]]
Point = tuple[float, float, np.ndarray, float]


def cubic_interpolate(
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


def strong_wolfe(
    obj_func: ObjFunc,
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
    shrinks it by cubic interpolation. `obj_func(t)` returns the loss and flat gradient at
    x + t d; at most `max_ls` evaluations after the first. Returns (loss, gradient, t,
    evaluations).
    """
    wolfe = _WolfeTest(f, gtd, c1, c2)
    bracket, done, ls_iter, evals = _bracket_phase(obj_func, t, d, (0.0, f, g, gtd), wolfe, max_ls)
    if done:
        best = bracket[0]
    else:
        best, zoom_evals = _zoom_phase(
            obj_func, d, bracket, wolfe, tolerance_change, max_ls - ls_iter
        )
        evals += zoom_evals
    return best[1], best[2], best[0], evals


class _WolfeTest:
    """The two strong-Wolfe conditions for a step from a point with loss f and slope gtd < 0."""

    def __init__(self, f: float, gtd: float, c1: float, c2: float) -> None:
        self.f, self.gtd, self.c1, self.c2 = f, gtd, c1, c2

    def too_high(self, point: Point) -> bool:
        """Sufficient decrease fails: f(t) > f + c1 t ∇f·d."""
        return point[1] > self.f + self.c1 * point[0] * self.gtd

    def flat_enough(self, point: Point) -> bool:
        """Curvature holds: |g(t)·d| <= c2 |∇f·d|."""
        return abs(point[3]) <= -self.c2 * self.gtd


def _evaluate(obj_func: ObjFunc, t: float, d: np.ndarray) -> Point:
    """The point at step t: loss, gradient and slope along d."""
    f_new, g_new = obj_func(t)
    return t, f_new, g_new, float(g_new @ d)


def _bracket_phase(
    obj_func: ObjFunc, t: float, d: np.ndarray, start: Point, wolfe: _WolfeTest, max_ls: int
) -> tuple[list[Point], bool, int, int]:
    """Grow t (by cubic extrapolation into [t + 0.01 (t - t_prev), 10 t]) until it brackets.

    Returns (bracket, done, iterations, evaluations): a one-point bracket with done=True when
    a trial step already satisfies both conditions, else two points around a strong-Wolfe step.
    """
    prev, new = start, _evaluate(obj_func, t, d)
    evals = 1
    for ls_iter in range(max_ls):
        if wolfe.too_high(new) or (ls_iter > 1 and new[1] >= prev[1]):
            return [prev, new], False, ls_iter, evals
        if wolfe.flat_enough(new):
            return [new], True, ls_iter, evals
        if new[3] >= 0:
            return [prev, new], False, ls_iter, evals
        t_prev, t = prev[0], new[0]
        t_next = cubic_interpolate(
            t_prev, prev[1], prev[3], t, new[1], new[3], bounds=(t + 0.01 * (t - t_prev), t * 10)
        )
        prev, new = new, _evaluate(obj_func, t_next, d)
        evals += 1
    return [start, new], False, max(max_ls, 0), evals


def _zoom_phase(
    obj_func: ObjFunc,
    d: np.ndarray,
    bracket: list[Point],
    wolfe: _WolfeTest,
    tolerance_change: float,
    max_ls: int,
) -> tuple[Point, int]:
    """Shrink the bracket around a strong-Wolfe step; returns its lowest point and evaluations."""
    d_norm = float(np.abs(d).max())
    insuf_progress = False
    low, high = _low_high(bracket)
    evals = 0
    while evals < max_ls:
        if abs(bracket[1][0] - bracket[0][0]) * d_norm < tolerance_change:
            break
        t, insuf_progress = _zoom_trial(bracket, insuf_progress)
        new = _evaluate(obj_func, t, d)
        evals += 1
        if wolfe.too_high(new) or new[1] >= bracket[low][1]:
            bracket[high] = new
            low, high = _low_high(bracket)
            continue
        done = wolfe.flat_enough(new)
        if not done and new[3] * (bracket[high][0] - bracket[low][0]) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new
        if done:
            break
    return bracket[low], evals


def _low_high(bracket: list[Point]) -> tuple[int, int]:
    """Indices of the bracket's lower-loss and higher-loss ends."""
    return (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)


def _zoom_trial(bracket: list[Point], insuf_progress: bool) -> tuple[float, bool]:
    """The cubic minimiser in the bracket, kept 10% of its width away from the ends.

    A trial too near an end once is allowed (it may still make progress); twice in a row, or
    outside the bracket, it is moved to 10% inside. Returns (t, insufficient progress flag).
    """
    (t0, f0, _, gtd0), (t1, f1, _, gtd1) = bracket
    t = cubic_interpolate(t0, f0, gtd0, t1, f1, gtd1)
    lo, hi = min(t0, t1), max(t0, t1)
    eps = 0.1 * (hi - lo)
    if min(hi - t, t - lo) >= eps:
        return t, False
    if insuf_progress or t >= hi or t <= lo:
        return (hi - eps if abs(t - hi) < abs(t - lo) else lo + eps), False
    return t, True
