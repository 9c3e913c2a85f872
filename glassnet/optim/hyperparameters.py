"""Hyper-parameter type checks: each value given to an optimizer must fit the annotation of its
constructor argument (`lr: float`, `betas: tuple[float, float]`, ...), as PyTorch checks them."""

from __future__ import annotations

import inspect
import numbers
from typing import Any

import numpy as np

_KINDS: dict[type, dict[str, str]] = {}  # optimizer class -> {hyper-parameter: annotation}


def _annotations(cls: type) -> dict[str, str]:
    """The annotations of cls.__init__'s hyper-parameters ('float', 'bool', 'int | None', ...)."""
    kinds = _KINDS.get(cls)
    if kinds is None:
        sig = inspect.signature(cls.__init__)
        kinds = _KINDS[cls] = {
            n: str(p.annotation) for n, p in sig.parameters.items() if n not in ("self", "params")
        }
    return kinds


def _is_real(v: Any) -> bool:
    return isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_))


def _fits(value: Any, annotation: str) -> bool:
    """Whether value has the type its annotation names (numbers for float, a pair for betas)."""
    if value is None and "None" in annotation:
        return True
    kind = annotation.split("|")[0].strip()
    if kind == "float":
        return _is_real(value)
    if kind == "int":
        return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, (bool, np.bool_))
    if kind == "str":
        return isinstance(value, str)
    if kind.startswith("tuple[float"):
        return isinstance(value, (tuple, list)) and all(_is_real(v) for v in value)
    return True


_WORDS = {
    "float": "a number",
    "int": "an integer",
    "bool": "True or False",
    "tuple[float, float]": "a pair of numbers",
    "int | None": "an integer or None",
    "str | None": "a string or None",
}


def check_types(cls: type, hparams: dict[str, Any]) -> None:
    """Raise TypeError for a hyper-parameter of the wrong type (lr="0.1", betas="ab"), on
    construction, before any comparison on it could fail with Python's own TypeError."""
    kinds = _annotations(cls)
    for key, value in hparams.items():
        annotation = kinds.get(key)
        if annotation is not None and not _fits(value, annotation):
            raise TypeError(
                f"{cls.__name__}: {key} must be {_WORDS.get(annotation, annotation)}, got "
                f"{type(value).__name__} {value!r:.40}"
            )
