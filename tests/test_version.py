"""glassnet.__version__ is the version pyproject.toml declares."""

from pathlib import Path

import tomllib

import glassnet


def test_version_is_pyprojects():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert glassnet.__version__ == pyproject["project"]["version"]
