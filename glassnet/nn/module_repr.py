"""How a Module prints: its class name, `extra_repr()` between the parentheses, then each
sub-module indented on its own line, as PyTorch prints them."""

from __future__ import annotations


def indent(text: str, spaces: int) -> str:
    """Indent every line of `text` after the first (for nested module reprs)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class ModuleRepr:
    """`repr(module)` of `Module` (a mixin: it reads `self._modules`)."""

    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            lines.append(f"({name}): " + indent(repr(module), 2))
        if not lines:
            return self._get_name() + "()"
        if len(lines) == 1 and not self._modules:
            return f"{self._get_name()}({lines[0]})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
