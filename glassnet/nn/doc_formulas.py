"""Read the math of a layer from its docstring, so the registries behind `glassnet explain` hold
no copy of it.

A layer documents its math in two numpy-style sections (a suffix such as " (approximate='tanh')"
names a variant of the same layer)::

    Formula
    -------
    f(x) = max(0, x)
    f'(x) = 1 if x > 0 else 0
    LaTeX: \\mathrm{ReLU}(x) = \\max(0, x)

    When to use
    -----------
    Default hidden-layer activation ...

Each line of "Formula" is one field: a key (up to and including its first "=" or ":") and a
value; a line indented further continues the value above it.
"""

from __future__ import annotations

import inspect
import re

_HEADER = re.compile(r"^(\S[^\n]*)\n-+$", re.M)


def doc_sections(obj: object) -> dict[str, str]:
    """The numpy-style sections of `obj`'s docstring, by title ("Formula", "Parameters", ...)."""
    doc = inspect.getdoc(obj) or ""
    parts = _HEADER.split(doc)
    return {parts[i].strip(): parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}


def formula_fields(obj: object, variant: str = "") -> dict[str, str]:
    """The fields of the "Formula" section (keys such as "f(x) =", "LaTeX:"), plus
    "When to use": the advice, as one paragraph.

    Raises
    ------
    ValueError
        When the docstring has no such section (a layer added without its math).
    """
    sections = doc_sections(obj)
    name = getattr(obj, "__name__", repr(obj))
    try:
        body, advice = sections["Formula" + variant], sections["When to use" + variant]
    except KeyError as missing:
        raise ValueError(f"{name}: its docstring has no {missing} section") from None
    fields: dict[str, str] = {}
    key = None
    for line in body.split("\n"):
        if line.startswith(" ") and key is not None:  # continues the value above
            fields[key] += " " + line.strip()
            continue
        match = re.match(r"^(.*?[=:])\s+(.*)$", line)
        if match is None:
            raise ValueError(f"{name}: cannot read the Formula line {line!r}")
        key = match.group(1)
        fields[key] = match.group(2).strip()
    fields["When to use"] = " ".join(advice.split())
    return fields
