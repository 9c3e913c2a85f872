"""List the files and functions of glassnet/ that are too long to read in one sitting.

    python tools/size_report.py [--files 400] [--functions 60] [ROOT]

Prints every .py file over `--files` lines and every function or method over `--functions`
lines (its `def` line to its last line, decorators and docstring included), longest first, and
exits 1 when there is any (so CI can hold the line once the list is empty).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def long_files(package: Path, limit: int) -> list[tuple[int, str]]:
    """(lines, path) of the files over `limit` lines."""
    found = []
    for path in sorted(package.rglob("*.py")):
        n = len(path.read_text().splitlines())
        if n > limit:
            found.append((n, str(path.relative_to(package.parent))))
    return sorted(found, reverse=True)


def long_functions(package: Path, limit: int) -> list[tuple[int, str]]:
    """(lines, "path:line name") of the functions over `limit` lines."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                n = node.end_lineno - start + 1
                if n > limit:
                    where = f"{path.relative_to(package.parent)}:{node.lineno} {node.name}"
                    found.append((n, where))
    return sorted(found, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=ROOT / "glassnet")
    parser.add_argument("--files", type=int, default=400, help="file line limit (400)")
    parser.add_argument("--functions", type=int, default=60, help="function line limit (60)")
    args = parser.parse_args(argv)
    files = long_files(args.root, args.files)
    functions = long_functions(args.root, args.functions)
    print(f"files over {args.files} lines: {len(files)}")
    for n, where in files:
        print(f"  {n:5d}  {where}")
    print(f"functions over {args.functions} lines: {len(functions)}")
    for n, where in functions:
        print(f"  {n:5d}  {where}")
    return 1 if files or functions else 0


if __name__ == "__main__":
    sys.exit(main())
