"""Class arguments from a config table, checked against the class's signature: `kwargs_for`
names the unknown key (with a suggestion), `construct` turns the class's own ValueError or
TypeError into a ConfigError naming the table."""

from __future__ import annotations

import inspect
from typing import Any

from glassnet._suggest import did_you_mean
from glassnet.config import ConfigError


# ----------------------------------------------------------------------------- classes
def kwargs_for(cls: Any, table: str, given: dict[str, Any], fixed: tuple[str, ...] = ()) -> dict:
    """`given` checked against cls.__init__'s parameters (those in `fixed` are set by glassnet)."""
    params = inspect.signature(cls).parameters
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    valid = [
        n
        for n, p in params.items()
        if n not in fixed
        and n not in ("self", "params", "optimizer", "generator", "dtype")
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    unknown = [k for k in given if k not in valid and not accepts_any]
    if unknown:
        raise ConfigError(
            f"{table}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], valid)} "
            f"for {cls.__name__} "
            f"(valid: name, {', '.join(valid)})"
        )
    return {
        k: tuple(v) if isinstance(v, list) and k in ("betas", "etas", "step_sizes") else v
        for k, v in given.items()
    }


def construct(cls: Any, table: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return cls(*args, **kwargs)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"{table}: {cls.__name__}: {e}") from None
