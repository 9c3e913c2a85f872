"""docs/compat.md and the README's coverage line agree with torch 2.13 and this glassnet."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "compat_table.py"
REGENERATE = "regenerate with `python tools/compat_table.py` (from the repository root)"


def _tool():
    spec = importlib.util.spec_from_file_location("compat_table", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed_tables():
    """{namespace: {name: present}} as docs/compat.md states it."""
    tables, ns = {}, None
    for line in (ROOT / "docs" / "compat.md").read_text().splitlines():
        heading = re.match(r"## `([\w.]+)` \(", line)
        if heading:
            ns = tables.setdefault(heading.group(1), {})
            continue
        row = re.match(r"\| `([\w.]+)` \| (yes|no) \|$", line)
        if row and ns is not None:
            ns[row.group(1)] = row.group(2) == "yes"
    return tables


def test_every_name_the_table_marks_present_exists():
    tool = _tool()
    tables = _committed_tables()
    assert set(tables) == set(tool.NAMESPACES)
    missing = [
        f"{ns}.{name}"
        for ns, table in tables.items()
        for name, present in table.items()
        if present and not tool.glassnet_has(ns, name)
    ]
    assert not missing, f"docs/compat.md says glassnet has {missing}; it does not. {REGENERATE}"


@pytest.fixture(scope="module")
def recomputed():
    """{namespace: percent} from torch and glassnet, in a fresh process (what `import glassnet`
    gives, whatever this test session imported)."""
    out = subprocess.run(
        [sys.executable, str(TOOL), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_percentages_in_docs_match_torch_and_glassnet(recomputed):
    text = (ROOT / "docs" / "compat.md").read_text()
    committed = dict(re.findall(r"^\| `([\w.]+)` \| \d+ \| \d+ \| ([\d.]+%) \|$", text, re.M))
    assert committed == recomputed, f"docs/compat.md is out of date; {REGENERATE}"


def test_percentages_in_readme_match(recomputed):
    tool = _tool()
    lines = [
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith(tool.README_PREFIX)
    ]
    assert len(lines) == 1, f"README.md needs one line starting with {tool.README_PREFIX}"
    for ns, pct in recomputed.items():
        short = ns.removeprefix("torch.")
        assert f" {short} {pct}" in lines[0], f"README: {ns} is {pct} now; {REGENERATE}"


def test_public_name_rules():
    names = _tool().torch_names()
    assert "Graph" not in names["torch"] and "ScriptModule" not in names["torch"]
    assert {"add", "float32", "no_grad", "Tensor"} <= set(names["torch"])
    assert "functional" not in names["torch.nn"] and "Linear" in names["torch.nn"]
    assert "handle_torch_function" not in names["torch.nn.functional"]
    assert "relu" in names["torch.nn.functional"]
    assert "lr_scheduler.StepLR" in names["torch.optim"]
    assert all(not n.startswith("_") for table in names.values() for n in table)
