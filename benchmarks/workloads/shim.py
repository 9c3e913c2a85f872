"""Run one model source file in either framework, unchanged: `import torch` in it gets PyTorch or
glassnet (the way a user ports a script with `import glassnet as torch`), in the same process.

The file is executed with its own `__import__`: under glassnet, `torch` and `torch.X` resolve to
`glassnet` and `glassnet.X`; every other import is the ordinary one. Nothing global changes
(`sys.modules["torch"]` stays real PyTorch), so both frameworks' copies of a model can be timed in
turns.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def _importer(framework: str) -> Any:
    real = builtins.__import__
    if framework == "torch":
        return real

    def import_(
        name: str,
        globals: dict | None = None,
        locals: dict | None = None,
        fromlist: tuple = (),
        level: int = 0,
    ) -> Any:
        if level == 0 and (name == "torch" or name.startswith("torch.")):
            name = "glassnet" + name[len("torch") :]
        return real(name, globals, locals, fromlist, level)

    return import_


def load(path: Path, framework: str) -> SimpleNamespace:
    """The names a model file defines, executed with `torch` meaning `framework`
    ("torch" or "glassnet")."""
    source = path.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {
        "__name__": f"{path.stem}_{framework}",
        "__file__": str(path),
        "__builtins__": dict(vars(builtins), __import__=_importer(framework)),
    }
    exec(compile(source, str(path), "exec", dont_inherit=True), namespace)  # noqa: S102
    return SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})
