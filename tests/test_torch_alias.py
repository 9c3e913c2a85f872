"""`glassnet.install_torch_alias()` or a bare `sys.modules["torch"] = glassnet`: PyTorch's import
paths give glassnet's own modules; plain `import glassnet` adds only the inert finder."""

import subprocess
import sys

SCRIPT = """
import sys
import glassnet
glassnet.install_torch_alias()
glassnet.install_torch_alias()  # twice: still one finder
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from glassnet._torch_alias import TorchAliasFinder
assert torch is glassnet and nn is glassnet.nn and F is glassnet.nn.functional
assert optim is glassnet.optim and sys.modules["torch.nn"] is glassnet.nn
assert DataLoader is glassnet.data.DataLoader
assert dist is sys.modules["glassnet.distributed"] and not dist.is_initialized()
assert glassnet.nn.__spec__.name == "glassnet.nn"
assert sum(isinstance(f, TorchAliasFinder) for f in sys.meta_path) == 1
try:
    import torch.no_such_module
except ModuleNotFoundError as e:
    assert "torch.no_such_module" in str(e)
else:
    raise AssertionError("torch.no_such_module imported")
print("ok")
"""


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_torch_submodules_are_glassnets_own():
    assert run(SCRIPT) == "ok"


def test_real_torch_still_imports_beside_glassnet():
    code = "import glassnet, torch.nn; print(torch.nn.Linear.__module__)"
    assert run(code).startswith("torch.nn")


def test_a_bare_sys_modules_alias_gets_glassnets_own_submodules():
    code = (
        "import sys, glassnet; sys.modules['torch'] = glassnet\n"
        "import torch.nn as nn, torch.nn.functional as F, torch.optim as optim\n"
        "print(nn is glassnet.nn, F is glassnet.nn.functional, optim is glassnet.optim)"
    )
    assert run(code) == "True True True"


def test_import_glassnet_adds_only_the_inert_alias_finder():
    code = (
        "import sys; before = list(sys.meta_path); import glassnet, glassnet.nn, glassnet.train\n"
        "from glassnet._torch_alias import TorchAliasFinder\n"
        "added = [f for f in sys.meta_path if f not in before]\n"
        "print([type(f).__name__ for f in added], 'torch' in sys.modules)"
    )
    assert run(code) == "['TorchAliasFinder'] False"
