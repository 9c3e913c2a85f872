"""`glassnet.install_torch_alias()`: PyTorch's import paths give glassnet's own modules; plain
`import glassnet` leaves the import system alone."""

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


def test_import_glassnet_leaves_the_import_system_alone():
    code = (
        "import sys; before = list(sys.meta_path); import glassnet, glassnet.nn, glassnet.train; "
        "print(sys.meta_path == before, 'torch' in sys.modules)"
    )
    assert run(code) == "True False"
