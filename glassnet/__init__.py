"""glassnet: neural networks from first principles on NumPy, with the working shown.

The API follows PyTorch's names and semantics: `glassnet.tensor`, `glassnet.nn.Linear`,
`glassnet.optim.Adam`, `loss.backward()`, `optimizer.step()`.
"""

# importing glassnet leaves malloc alone: what trains calls tune_allocator (glassnet/allocator.py)
from glassnet.allocator import tune_allocator
from glassnet._torch_alias import add_finder as _add_torch_alias_finder
from glassnet._torch_alias import install_torch_alias  # `import torch` gives glassnet

# the one import-time hook: `import torch.nn` after a bare `sys.modules["torch"] = glassnet` is
# glassnet.nn itself, not a re-run copy; inert while torch is not glassnet (_torch_alias.py)
_add_torch_alias_finder()
from glassnet._dtypes import (
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from glassnet.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from glassnet.tensor import Tensor
from glassnet.ops import *  # noqa: F401,F403  (the public op functions)
from glassnet.ops import TENSOR_METHODS as _TENSOR_METHODS  # noqa: F401
from glassnet import optim
from glassnet.random import Generator, manual_seed, seed
from glassnet import autograd
from glassnet import nn
from glassnet import models
from glassnet import data
from glassnet import io
from glassnet import train
from glassnet import utils
from glassnet.io.serialization import load, save
from glassnet.io.checkpoint import CheckpointError
from glassnet import serialization

from glassnet.version import __version__

from glassnet._threads import get_num_threads, set_num_threads

bool = bool_  # noqa: A001  (glassnet.bool, as torch.bool)
long = int64
int = int32  # noqa: A001
double = float64
float = float32  # noqa: A001
half = float16

# Devices and the CUDA-aware boilerplate of PyTorch scripts (glassnet runs on the CPU only)
from glassnet._device import device, get_default_device, set_default_device
from glassnet._dtypes import bfloat16
from glassnet.autograd.grad_mode import inference_mode, is_inference_mode_enabled
from glassnet.random import default_generator, get_rng_state, initial_seed, set_rng_state
from glassnet._compile import compile  # noqa: A004
from glassnet.backends.flags import (
    are_deterministic_algorithms_enabled,
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    use_deterministic_algorithms,
)
from glassnet.amp import GradScaler, autocast, is_autocast_enabled
from glassnet import accelerator, amp, backends, cpu, cuda, distributions, testing
