"""Run one compat script under real PyTorch or under glassnet posing as ``torch``.

Usage: ``python run_script.py {torch|glassnet} SCRIPT``. For ``glassnet``,
``glassnet.install_torch_alias()`` puts the module in ``sys.modules["torch"]`` before the script
runs, so its own ``import torch`` gets glassnet, as a user porting a script would do. The
script's folder goes on ``sys.path`` (for ``_weights``).
"""

import runpy
import sys
from pathlib import Path


def main() -> None:
    """Parse ``argv`` and run the script as ``__main__``."""
    framework, script = sys.argv[1], sys.argv[2]
    if framework == "glassnet":
        import glassnet

        glassnet.install_torch_alias()
    elif framework != "torch":
        raise SystemExit(f"run_script.py: framework must be torch or glassnet, not {framework!r}")
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
