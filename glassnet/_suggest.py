""" "Did you mean ...?" for every name a user types: one helper, shared by the command line, the
config reader, the run builders and the activation/loss registries.

    >>> did_you_mean("adamm", ["sgd", "adam", "adamw"])
    " (did you mean 'adam'?)"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `name` (difflib ratio >= 0.6, case-insensitive), or None."""
    choices = list(choices)
    by_lower = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1)
    return by_lower[found[0]] if found else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the closest choice, or "" when none is close."""
    match = closest(name, choices)
    return f" (did you mean {match!r}?)" if match is not None else ""
