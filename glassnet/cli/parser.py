"""The argument parser of every `glassnet` command and the checked types of its options: a
mistake is one line on stderr (`glassnet train: error: ...`, with "did you mean ...?" for a
mistyped command, choice or option) and exit status 2."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (`glassnet train: error: ...`) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}{self._hint(message)} (see --help)\n")

    def _hint(self, message: str) -> str:
        """ " (did you mean ...?)" for a mistyped subcommand, choice or option."""
        from glassnet._suggest import did_you_mean

        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            choices = [c.strip(" '") for c in match.group(2).split(",")]
            return did_you_mean(match.group(1), choices)
        match = re.search(r"unrecognized arguments: (\S+)", message)
        if match and match.group(1).startswith("--"):
            options = [o for a in self._actions for o in a.option_strings]
            for action in self._actions:  # the subcommands' options too
                for sub in getattr(action, "choices", None) or {}:
                    if isinstance(action.choices[sub], argparse.ArgumentParser):
                        options += [
                            o for a in action.choices[sub]._actions for o in a.option_strings
                        ]
            return did_you_mean(match.group(1).split("=")[0], options)
        return ""


def _number(text: str, convert: type, ok: Any, what: str) -> Any:
    """`convert(text)` when it parses and passes `ok`; else the argparse error naming `what`."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An option's value as an integer >= 1."""
    return _number(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text: str) -> float:
    """An option's value as a number > 0."""
    return _number(text, float, lambda v: v > 0, "a positive number")


def nonnegative_float(text: str) -> float:
    """An option's value as a number >= 0."""
    return _number(text, float, lambda v: v >= 0, "a number >= 0")


def integer(text: str) -> int:
    """An option's value as an integer."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
