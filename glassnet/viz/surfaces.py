"""Two-dimensional test surfaces and the paths glassnet's optimizers take on them.

Each surface is a function f(x, y) written with ordinary operators, so the same code evaluates
a NumPy grid (for the contour plot) and a glassnet Tensor (whose gradient `backward()` computes
for the optimizer). `optimizer_paths` runs real `glassnet.optim` optimizers from the same start.

    rosenbrock   (1 - x)^2 + 100 (y - x^2)^2         a curved, flat-bottomed valley; min (1, 1)
    beale        (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2;  min (3, 0.5)
    saddle       x^2 - y^2 + y^4 / 4                  a saddle at 0, minima at (0, +-sqrt 2)
    quadratic    (x^2 + 25 y^2) / 2                   ill-conditioned bowl (condition 25); min 0
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.viz._figure import chart_style, save, subplots


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with where to start, where the minimum is, and what to show."""

    name: str
    f: Callable[[Any, Any], Any]
    formula: str
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    lrs: dict[str, float] = field(default_factory=dict)  # a learning rate that suits each family
    log_levels: bool = True


def _rosenbrock(x: Any, y: Any) -> Any:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _beale(x: Any, y: Any) -> Any:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _saddle(x: Any, y: Any) -> Any:
    return x**2 - y**2 + y**4 / 4


def _quadratic(x: Any, y: Any) -> Any:
    return (x**2 + 25 * y**2) / 2


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            "rosenbrock",
            _rosenbrock,
            "(1-x)² + 100(y-x²)²",
            (-1.5, 2.0),
            ((1.0, 1.0),),
            (-2.0, 2.0),
            (-1.0, 3.0),
            {"sgd": 1e-3, "momentum": 5e-4, "adam": 0.05, "default": 0.01},
        ),
        Surface(
            "beale",
            _beale,
            "(1.5-x+xy)² + (2.25-x+xy²)² + (2.625-x+xy³)²",
            (1.0, 1.4),
            ((3.0, 0.5),),
            (-0.5, 4.0),
            (-1.5, 2.0),
            {"sgd": 1e-2, "momentum": 2e-3, "adam": 0.05, "default": 0.02},
        ),
        Surface(
            "saddle",
            _saddle,
            "x² - y² + y⁴/4",
            (1.8, 1e-3),
            ((0.0, 2**0.5), (0.0, -(2**0.5))),
            (-2.0, 2.0),
            (-2.2, 2.2),
            {"sgd": 0.05, "momentum": 0.02, "adam": 0.05, "default": 0.05},
            log_levels=False,
        ),
        Surface(
            "quadratic",
            _quadratic,
            "(x² + 25y²)/2",
            (-4.5, 1.5),
            ((0.0, 0.0),),
            (-5.0, 5.0),
            (-2.0, 2.0),
            {"sgd": 0.075, "momentum": 0.02, "adam": 0.2, "default": 0.1},
        ),
    )
}

# The optimizers compared by default: a label, a glassnet.optim class name and its arguments.
DEFAULT_OPTIMIZERS: dict[str, tuple[str, dict[str, Any]]] = {
    "SGD": ("SGD", {}),
    "Momentum": ("SGD", {"momentum": 0.9}),
    "Nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "RMSprop": ("RMSprop", {}),
    "Adam": ("Adam", {}),
    "Adagrad": ("Adagrad", {}),
}


def get_surface(surface: str | Surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r} (choose from {', '.join(SURFACES)})")
    return SURFACES[surface]


def _family(cls_name: str, kwargs: dict[str, Any]) -> str:
    if cls_name == "SGD":
        return "momentum" if kwargs.get("momentum") else "sgd"
    return "adam" if cls_name.lower().startswith(("adam", "nadam", "radam", "lion")) else "default"


def surface_lr(cls_name: str, kwargs: dict[str, Any], surface: str | Surface) -> float:
    """The learning rate an optimizer gets on `surface`: kwargs['lr'] if given, else one that
    suits the surface for its family (plain SGD, momentum, Adam-like, Adagrad/Adadelta, other)."""
    surface = get_surface(surface)
    if "lr" in kwargs:
        return float(kwargs["lr"])
    if cls_name.lower() in ("adagrad", "adadelta"):
        return surface.lrs.get("adam", 0.05) * (20 if cls_name.lower() == "adadelta" else 4)
    family = _family(cls_name, kwargs)
    return surface.lrs.get(family, surface.lrs.get("default", 0.01))


def _factory(label: str, spec: Any, surface: Surface) -> Callable[[list], Any]:
    """A function params -> optimizer for one entry of `optimizers`."""
    import glassnet.optim as optim

    if callable(spec) and not isinstance(spec, tuple | str):
        return spec
    cls_name, kwargs = (spec, {}) if isinstance(spec, str) else spec
    classes = {n.lower(): getattr(optim, n) for n in optim.__all__ if n != "lr_scheduler"}
    if cls_name.lower() not in classes:
        raise ValueError(f"optimizer_paths: unknown optimizer {cls_name!r} for {label!r}")
    cls = classes[cls_name.lower()]
    kwargs = {**kwargs, "lr": surface_lr(cls.__name__, kwargs, surface)}
    return lambda params: cls(params, **kwargs)


def optimizer_paths(
    optimizers: Mapping[str, Any] | Sequence[str] | None,
    surface: str | Surface,
    steps: int = 200,
) -> dict[str, np.ndarray]:
    """Run each optimizer from the surface's start; return its path, one (x, y) per step.

    Parameters
    ----------
    optimizers : mapping or sequence
        Label -> a `glassnet.optim` class name ('Adam'), a (class name, kwargs) pair, or a
        function params -> optimizer. A sequence of class names is labelled by them. None: the
        defaults (SGD, momentum, Nesterov, RMSprop, Adam, Adagrad). A learning rate that suits
        the surface is used unless the kwargs give one.
    surface : str or Surface
        'rosenbrock', 'beale', 'saddle' or 'quadratic' (see `SURFACES`).
    steps : int
        Optimizer steps.

    Returns
    -------
    dict label -> ndarray of shape (steps + 1, 2): the start, then the point after each step.
    A path that diverges stops at the last finite point.

    Example
    -------
    >>> paths = optimizer_paths({"SGD": ("SGD", {"lr": 1e-3}), "Adam": "Adam"}, "rosenbrock")
    >>> paths["Adam"][-1]          # close to the minimum (1, 1)
    """
    from glassnet.nn.module import Parameter

    surface = get_surface(surface)
    if optimizers is None:
        optimizers = DEFAULT_OPTIMIZERS
    if not isinstance(optimizers, Mapping):
        optimizers = {name: name for name in optimizers}
    if steps < 1:
        raise ValueError(f"optimizer_paths: steps must be >= 1, got {steps}")
    paths = {}
    for label, spec in optimizers.items():
        p = Parameter(np.array(surface.start, dtype=np.float64))
        opt = _factory(label, spec, surface)([p])
        path = [p._data.copy()]
        for _ in range(steps):
            opt.zero_grad()
            loss = surface.f(p[0], p[1])
            loss.backward()
            opt.step()
            if not np.all(np.isfinite(p._data)) or np.abs(p._data).max() > 1e6:
                break
            path.append(p._data.copy())
        paths[label] = np.array(path)
    return paths


def path_losses(paths: Mapping[str, np.ndarray], surface: str | Surface) -> dict[str, np.ndarray]:
    """f along each path."""
    surface = get_surface(surface)
    return {k: surface.f(v[:, 0], v[:, 1]) for k, v in paths.items()}


COLORS = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:red",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:olive",
    "tab:cyan",
    "tab:gray",
]


def draw_paths(
    ax: Any, paths: Mapping[str, np.ndarray], surface: Surface, legend: bool = True
) -> None:
    """Contours of the surface, the minima (stars), the start (circle) and every path."""
    gx, gy = np.meshgrid(np.linspace(*surface.xlim, 300), np.linspace(*surface.ylim, 300))
    z = surface.f(gx, gy)
    ax.grid(False)
    if surface.log_levels:
        levels = np.geomspace(max(z.min(), 1e-3), z.max(), 25)
        ax.contour(gx, gy, z, levels=levels, cmap="Greys", linewidths=0.6, alpha=0.7)
    else:
        ax.contour(gx, gy, z, levels=25, cmap="Greys", linewidths=0.6, alpha=0.7)
    for mx, my in surface.minima:
        ax.plot(
            mx, my, marker="*", color="gold", markeredgecolor="black", ms=14, zorder=5, ls="none"
        )
    ax.plot(*surface.start, "o", color="black", ms=6, zorder=5)
    for i, (label, path) in enumerate(paths.items()):
        ax.plot(path[:, 0], path[:, 1], "-", color=COLORS[i % 10], lw=1.5, label=label, zorder=4)
        ax.plot(path[-1, 0], path[-1, 1], "o", color=COLORS[i % 10], ms=4, zorder=4)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{surface.name}: f = {surface.formula}", fontsize=10)
    if legend:
        ax.legend(loc="best", fontsize=8)


def draw_losses(ax: Any, paths: Mapping[str, np.ndarray], surface: Surface) -> None:
    """f(x_t, y_t) per step for each path (log scale when f stays positive)."""
    losses = path_losses(paths, surface)
    for i, (label, f) in enumerate(losses.items()):
        ax.plot(np.arange(len(f)), f, color=COLORS[i % 10], lw=1.3, label=label)
    if surface.log_levels:
        ax.set_yscale("log")
        # a path that reaches the minimum exactly would stretch the axis to 1e-300
        start = max(float(f[0]) for f in losses.values())
        lowest = min(float(np.min(f[f > 0])) if np.any(f > 0) else start for f in losses.values())
        ax.set_ylim(max(lowest, start * 1e-16), start * 3)
    ax.set_xlabel("step")
    ax.set_ylabel("f(x, y)" + (" (log scale)" if surface.log_levels else ""))
    ax.set_title(f"{surface.name}: value per step", fontsize=10)


def plot_optimizer_paths(
    paths: Mapping[str, np.ndarray], surface: str | Surface, path: str | os.PathLike
) -> Path:
    """Paths on the contour map (left) and f per step (right), one colour per optimizer."""
    surface = get_surface(surface)
    with chart_style():
        fig, axes = subplots(1, 2, width=12.0, height=4.8)
        draw_paths(axes[0, 0], paths, surface)
        draw_losses(axes[0, 1], paths, surface)
        return save(fig, path)
