"""The settings of a playground session, checked on the server with errors that name the field.

The page sends a JSON object; `parse_settings` turns it into a `Settings` or raises
`SettingsError("hidden_sizes: each width must be an integer in [1, 64], got 0")`. Anything the
page does not send takes its default, and unknown fields are errors (a typo is not ignored).
`options()` is what the page builds its menus from: the activation registry, the losses, every
optimizer of `glassnet.optim` with its numeric hyper-parameters and defaults, the schedules.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field, fields
from typing import Any

from glassnet.playground.datasets import DATASETS, TOY_SETS

# softmax and log_softmax act across a row (not a hidden activation)
EXCLUDED_ACTIVATIONS = ("softmax", "log_softmax")
LOSSES = ("cross_entropy", "bce_with_logits", "mse")
SCHEDULERS = ("none", "step", "exponential", "cosine")
EXCLUDED_OPTIMIZERS = ("lbfgs",)  # needs a closure that re-evaluates the loss
MODES = ("network", "perceptron")
PERCEPTRON_SETS = ("blobs", "xor")


class SettingsError(ValueError):
    """A setting the playground cannot run; the message starts with the field's name."""


@dataclass
class Settings:
    """Everything a session is built from (see `parse_settings` for the ranges)."""

    mode: str = "network"
    dataset: str = "moons"
    n_samples: int = 400
    noise: float = 0.1
    test_fraction: float = 0.3
    seed: int = 0
    hidden_sizes: list[int] = field(default_factory=lambda: [16, 16])
    activation: str = "tanh"
    dropout: float = 0.0
    l2: float = 0.0
    loss: str = "bce_with_logits"
    optimizer: str = "adam"
    optimizer_params: dict[str, Any] = field(default_factory=lambda: {"lr": 0.03})
    scheduler: str = "none"
    scheduler_params: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 32
    steps_per_update: int = 5

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON data."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def activations() -> list[str]:
    """Hidden-layer activations: the registry's names, in its order."""
    from glassnet.nn.activation_info import ACTIVATIONS

    return [n for n in ACTIVATIONS if n not in EXCLUDED_ACTIVATIONS]


def optimizer_defaults() -> dict[str, dict[str, Any]]:
    """{name: {hyper-parameter: default}} for every optimizer the playground offers
    (numbers, pairs of numbers and flags: what the page can show as inputs)."""
    from glassnet.train.builders import optimizer_classes

    out: dict[str, dict[str, Any]] = {}
    for name, cls in optimizer_classes().items():
        if name in EXCLUDED_OPTIMIZERS:
            continue
        params = {}
        for pname, p in inspect.signature(cls).parameters.items():
            d = p.default
            if pname in ("params", "weight_decay") or d is inspect.Parameter.empty:
                continue
            if isinstance(d, bool | int | float) or (
                isinstance(d, tuple) and all(isinstance(v, int | float) for v in d)
            ):
                params[pname] = list(d) if isinstance(d, tuple) else d
        out[name] = params
    return out


def options() -> dict[str, Any]:
    """The menus of the page and the default settings."""
    return {
        "modes": list(MODES),
        "datasets": list(DATASETS),
        "perceptron_datasets": list(PERCEPTRON_SETS),
        "activations": activations(),
        "losses": list(LOSSES),
        "optimizers": optimizer_defaults(),
        "schedulers": list(SCHEDULERS),
        "defaults": Settings().to_dict(),
    }


def _number(name: str, value: Any, low: float, high: float, integer: bool = False) -> Any:
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or not math.isfinite(value):
        raise SettingsError(f"{name}: must be {kind} in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise SettingsError(f"{name}: must be in [{low}, {high}], got {value!r}")
    return int(value) if integer else float(value)


def _choice(name: str, value: Any, choices: tuple | list) -> str:
    if value not in choices:
        raise SettingsError(f"{name}: unknown value {value!r}; choose from {', '.join(choices)}")
    return value


def _params(name: str, value: Any, allowed: dict[str, Any]) -> dict[str, Any]:
    """Hyper-parameters checked by name and type against their defaults (the class checks
    the ranges when it is built)."""
    if not isinstance(value, dict):
        raise SettingsError(f"{name}: must be an object of hyper-parameters, got {value!r}")
    out = {}
    for key, v in value.items():
        if key not in allowed:
            raise SettingsError(
                f"{name}: unknown hyper-parameter {key!r} (valid: {', '.join(allowed) or 'none'})"
            )
        default = allowed[key]
        if isinstance(default, list):
            if not isinstance(v, list) or len(v) != len(default):
                raise SettingsError(f"{name}.{key}: must be a list of {len(default)} numbers")
            out[key] = [_number(f"{name}.{key}", x, -1e6, 1e6) for x in v]
        elif isinstance(default, bool):
            if not isinstance(v, bool):
                raise SettingsError(f"{name}.{key}: must be true or false, got {v!r}")
            out[key] = v
        else:  # a number; integers stay integers (sgd's momentum defaults to the int 0)
            number = _number(f"{name}.{key}", v, -1e9, 1e9)
            out[key] = int(v) if isinstance(v, int) and isinstance(default, int) else number
    return out


SCHEDULER_PARAMS = {
    "none": {},
    "step": {"step_size": 100, "gamma": 0.5},
    "exponential": {"gamma": 0.999},
    "cosine": {"T_max": 1000, "eta_min": 0.0},
}


def parse_settings(raw: Any) -> Settings:
    """Check every field of `raw` (a JSON object) and return the `Settings`.

    Raises
    ------
    SettingsError
        naming the field, the value and what is allowed.
    """
    if not isinstance(raw, dict):
        raise SettingsError(f"settings: must be a JSON object, got {type(raw).__name__}")
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"{unknown[0]}: unknown setting (valid: {', '.join(sorted(known))})")
    s = Settings()
    s.mode = _choice("mode", raw.get("mode", s.mode), MODES)
    sets = PERCEPTRON_SETS if s.mode == "perceptron" else DATASETS
    s.dataset = _choice("dataset", raw.get("dataset", s.dataset), sets)
    s.n_samples = _number("n_samples", raw.get("n_samples", s.n_samples), 20, 2000, True)
    s.noise = _number("noise", raw.get("noise", s.noise), 0.0, 1.0)
    s.test_fraction = _number("test_fraction", raw.get("test_fraction", s.test_fraction), 0.1, 0.9)
    s.seed = _number("seed", raw.get("seed", s.seed), 0, 2**31 - 1, True)
    hidden = raw.get("hidden_sizes", s.hidden_sizes)
    if not isinstance(hidden, list) or len(hidden) > 6:
        raise SettingsError(f"hidden_sizes: must be a list of at most 6 widths, got {hidden!r}")
    s.hidden_sizes = [_number("hidden_sizes: each width", h, 1, 64, True) for h in hidden]
    s.activation = _choice("activation", raw.get("activation", s.activation), activations())
    s.dropout = _number("dropout", raw.get("dropout", s.dropout), 0.0, 0.9)
    s.l2 = _number("l2", raw.get("l2", s.l2), 0.0, 1.0)
    s.loss = _choice("loss", raw.get("loss", s.loss), LOSSES)
    if s.loss != "cross_entropy" and s.dataset not in TOY_SETS:
        raise SettingsError(f"loss: {s.loss} needs two classes; digits has 10 (use cross_entropy)")
    optimizers = optimizer_defaults()
    s.optimizer = _choice("optimizer", raw.get("optimizer", s.optimizer), list(optimizers))
    given = raw.get("optimizer_params", s.optimizer_params if s.optimizer == "adam" else {})
    s.optimizer_params = _params("optimizer_params", given, optimizers[s.optimizer])
    s.scheduler = _choice("scheduler", raw.get("scheduler", s.scheduler), SCHEDULERS)
    s.scheduler_params = _params(
        "scheduler_params", raw.get("scheduler_params", {}), SCHEDULER_PARAMS[s.scheduler]
    )
    s.batch_size = _number("batch_size", raw.get("batch_size", s.batch_size), 0, 2000, True)
    s.steps_per_update = _number(
        "steps_per_update", raw.get("steps_per_update", s.steps_per_update), 1, 200, True
    )
    return s
