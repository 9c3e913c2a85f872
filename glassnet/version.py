"""glassnet's version (the one in pyproject.toml, kept equal by tests/test_version.py)."""

__version__ = "0.1.0"
