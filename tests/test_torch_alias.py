"""With `sys.modules["torch"] = glassnet`, PyTorch's import paths give glassnet's own modules."""

import subprocess
import sys

SCRIPT = """
import sys
import glassnet
sys.modules["torch"] = glassnet
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
assert torch is glassnet and nn is glassnet.nn and F is glassnet.nn.functional
assert optim is glassnet.optim and sys.modules["torch.nn"] is glassnet.nn
assert DataLoader is glassnet.data.DataLoader
assert dist is sys.modules["glassnet.distributed"] and not dist.is_initialized()
assert glassnet.nn.__spec__.name == "glassnet.nn"
try:
    import torch.no_such_module
except ModuleNotFoundError as e:
    assert "torch.no_such_module" in str(e)
else:
    raise AssertionError("torch.no_such_module imported")
print("ok")
"""


def test_torch_submodules_are_glassnets_own():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_real_torch_still_imports_beside_glassnet():
    out = subprocess.run(
        [sys.executable, "-c", "import glassnet, torch.nn; print(torch.nn.Linear.__module__)"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("torch.nn")
