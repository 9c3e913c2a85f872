"""Imports inside glassnet run one way, down the layers of the flow

    base -> data, tensor/autograd -> ops -> nn -> optim -> train -> viz -> runs -> cli

(a module imports from its own layer or a lower one), with no circle between packages, no
`import glassnet` of the package root and no private name (`_foo`) taken from another package.
Every module is parsed with `ast`; imports inside functions (lazy ones) count as well. The few
exceptions are listed below, each with its reason."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "glassnet"

# Each top-level module or package of glassnet (a "unit") sits in one layer, lowest first.
LAYERS: dict[str, tuple[str, ...]] = {
    # process-level helpers that know nothing of tensors
    "base": (
        "_compile", "_device", "_dtypes", "_memory", "_suggest", "_threads", "_torch_alias",
        "accelerator", "allocator", "amp", "backends", "cpu", "cuda", "version",
    ),
    # the Tensor, its graph and gradients; random numbers; datasets and loaders (they only hold
    # and batch arrays)
    "tensor": ("autograd", "data", "random", "tensor", "tensor_methods", "testing"),
    "ops": ("distributions", "kernels", "ops"),  # the math of every op (kernels: its speed)
    "nn": ("models", "nn"),
    "optim": ("optim",),
    # what trains, and what stores or exports what was trained
    "train": (
        "config", "distributed", "io", "onnx", "serialization", "sklearn", "train", "utils",
    ),
    "viz": ("explain", "viz"),  # draws only
    # what trains a configured run into a folder and draws it there (through viz), and the
    # playground, which saves its sessions as such folders
    "runs": ("playground", "runs"),
    "cli": ("cli",),
}  # fmt: skip
LAYER_OF = {unit: rank for rank, units in enumerate(LAYERS.values()) for unit in units}

# The tensor core is one package in all but folder: a Tensor records its graph node (autograd
# engine, grad mode), an Op (autograd/function.py) makes Tensors, and Tensor's random fills use
# glassnet.random, whose generator state is a Tensor. Circles inside it are not counted.
CORE = ("autograd", "random", "tensor", "tensor_methods")

# (importing module, imported unit): why this import runs up the layers. Each is a lookup at
# call time, never at import.
ALLOWED_UP = {
    ("glassnet.tensor", "ops"): "Tensor's operators delegate to ops, which import Tensor; "
    "reached through OpsModule on first use (glassnet/tensor_methods/lazy.py)",
    ("glassnet.tensor_methods.*", "ops"): "Tensor's op methods, as above",
    ("glassnet.data.distributed", "distributed"): "DistributedSampler asks the process group "
    "for its size and rank when none are given (PyTorch's behaviour)",
    ("glassnet.nn.parallel", "distributed"): "torch.nn.parallel.DistributedDataParallel's import "
    "path, resolved on attribute access (module __getattr__)",
}

# Private names that keep PyTorch's own private import paths (torch.nn.modules.batchnorm
# ._BatchNorm, ...), which scripts subclass.
ALLOWED_PRIVATE = {
    ("glassnet.nn.modules.batchnorm", "glassnet.nn.norm._BatchNorm"),
    ("glassnet.nn.modules.conv", "glassnet.nn.conv._ConvNd"),
    ("glassnet.nn.modules.loss", "glassnet.nn.loss._Loss"),
    ("glassnet.nn.modules.loss", "glassnet.nn.loss._WeightedLoss"),
}


def modules() -> dict[str, Path]:
    """Every module of glassnet by dotted name (a package by its own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def unit_of(module: str) -> str:
    """The top-level unit of a dotted name: glassnet.nn.linear -> nn; glassnet -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _known(name: str) -> str:
    """The longest prefix of `name` that is a glassnet module."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


class Import:
    """One import statement's target, as found in `module` at `line`."""

    def __init__(self, module: str, line: int, target: str, name: str, root: bool) -> None:
        self.module, self.line, self.target, self.name = module, line, target, name
        self.root = root  # `import glassnet` or `from glassnet import x`: through the root

    def __repr__(self) -> str:
        return f"{MODULES[self.module].relative_to(ROOT)}:{self.line} imports {self.name}"


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(module: str) -> list[Import]:
    """The glassnet imports of `module`, lazy ones included; OpsModule("glassnet.x") counts as
    an import of glassnet.x. Imports under `if TYPE_CHECKING:` never run and are skipped."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    root = alias.name == "glassnet"
                    found.append(Import(module, child.lineno, _known(alias.name), alias.name, root))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    target = full if full in MODULES else _known(base)
                    root = base == "glassnet"
                    found.append(Import(module, child.lineno, target, full, root))
            elif (
                isinstance(child, ast.Call)
                and getattr(child.func, "id", None) == "OpsModule"
                and isinstance(child.args[0], ast.Constant)
            ):
                name = child.args[0].value
                found.append(Import(module, child.lineno, _known(name), name, False))
            visit(child)

    visit(ast.parse(path.read_text()))
    return [i for i in found if i.target == "glassnet" or i.target.startswith("glassnet.")]


ALL_IMPORTS = [i for module in sorted(MODULES) for i in imports_of(module)]


def _allowed_up(imp: Import) -> bool:
    """Whether `imp` is one of the ALLOWED_UP lookups."""
    for module, unit in ALLOWED_UP:
        matches = (
            imp.module.startswith(module[:-1]) if module.endswith("*") else (imp.module == module)
        )
        if matches and unit_of(imp.target) == unit:
            return True
    return False


def test_every_unit_has_a_layer():
    units = {unit_of(m) for m in MODULES} - {""}
    missing = sorted(units - set(LAYER_OF))
    assert not missing, f"place these in LAYERS (tests/test_import_graph.py): {missing}"


def test_no_import_runs_up_the_layers():
    wrong = [
        f"{imp} ({unit_of(imp.module)} -> {unit_of(imp.target)})"
        for imp in ALL_IMPORTS
        if unit_of(imp.module) and unit_of(imp.target)
        and LAYER_OF[unit_of(imp.target)] > LAYER_OF[unit_of(imp.module)]
        and not _allowed_up(imp)
    ]  # fmt: skip
    assert not wrong, "imports that run up the layers:\n" + "\n".join(wrong)


def package_of(module: str) -> str:
    """The unit of `module`, the tensor core counted as one package."""
    unit = unit_of(module)
    return "core" if unit in CORE else unit


def test_no_cycle_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in ALL_IMPORTS:
        a, b = package_of(imp.module), package_of(imp.target)
        if a and b and a != b and not _allowed_up(imp):
            graph[a].add(b)
    cycles = []

    def walk(unit: str, path: list[str]) -> None:
        for nxt in sorted(graph[unit]):
            if nxt in path:
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif len(path) < len(LAYER_OF):
                walk(nxt, path + [nxt])

    for unit in sorted(graph):
        walk(unit, [unit])
    assert not cycles, "circles between packages:\n" + "\n".join(sorted(set(cycles)))


def test_no_module_imports_the_package_root():
    wrong = [repr(imp) for imp in ALL_IMPORTS if imp.root and imp.module != "glassnet"]
    assert not wrong, "`import glassnet` / `from glassnet import x` inside glassnet:\n" + "\n".join(
        wrong
    )


def test_no_private_name_crosses_packages():
    wrong = []
    for imp in ALL_IMPORTS:
        last = imp.name.rsplit(".", 1)[-1]
        if not last.startswith("_") or last.startswith("__") or imp.name in MODULES:
            continue
        home = (
            imp.module
            if MODULES[imp.module].name == "__init__.py"
            else imp.module.rsplit(".", 1)[0]
        )
        owner = (
            imp.target
            if MODULES[imp.target].name == "__init__.py"
            else imp.target.rsplit(".", 1)[0]
        )
        if home != owner and (imp.module, imp.name) not in ALLOWED_PRIVATE:
            wrong.append(repr(imp))
    assert not wrong, "private names imported from another package:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import glassnet\n", ["glassnet"]),
        ("from glassnet import nn\n", ["glassnet.nn"]),
        ("import glassnet.nn as nn\n", ["glassnet.nn"]),
        ("def f():\n    from glassnet.optim.sgd import SGD\n", ["glassnet.optim.sgd"]),
        ('x = OpsModule("glassnet.ops.reduce")\n', ["glassnet.ops.reduce"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import glassnet.nn\n", []),
    ],
)
def test_the_parser_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    fake = PACKAGE / "tensor.py"
    monkeypatch.setitem(MODULES, "glassnet.fake", tmp_path / "fake.py")
    (tmp_path / "fake.py").write_text(source)
    assert fake.exists()
    found = imports_of("glassnet.fake")
    assert [i.target for i in found] == expected
    assert [i.root for i in found] == [
        "import glassnet\n" in source or " import nn" in source
    ] * len(expected)
