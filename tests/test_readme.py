"""The README's Python examples run as written (and the training one learns)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_examples_run_and_the_digits_loop_learns():
    blocks = _python_blocks()
    assert len(blocks) >= 2
    for code in blocks:
        scope: dict = {}
        exec(compile(code, str(README), "exec"), scope)  # the README is our own file
    assert scope["accuracy"] >= 0.95


def test_readme_first_lines_are_the_install_and_test_commands():
    first_block = README.read_text().split("```")[1]
    assert "pip install . && glassnet train" in first_block
    ci = (README.parent / ".ci" / "run").read_text()
    test_command = [line for line in first_block.splitlines() if "pytest" in line][0].strip()
    assert test_command in ci
