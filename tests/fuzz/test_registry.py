"""Every public op, layer, loss and Tensor method has a fuzz Spec, or a reasoned entry in SKIP.

A new public function (topk, sort, cumsum, einsum, ...) fails this test until it gets one line in
a table (`table_ops.py` for `glassnet.*`, `table_nn.py` / `table_layers.py` / `table_losses.py`
for `glassnet.nn`, `table_tensor.py` for creation functions and Tensor-only methods).
"""

import inspect

import glassnet
import glassnet.nn as nn
import glassnet.nn.functional as F
from glassnet.ops import TENSOR_METHODS
from tests.fuzz import table_layers, table_losses, table_nn, table_ops, table_tensor

NOT_AN_OP = "not an op on tensors"
AUTOGRAD = "autograd plumbing, tested in tests/autograd"
RANDOM_INIT = "fills in place with random numbers: tested in tests/test_tensor.py"
ALIAS = "an alias of a fuzzed op (the same function object)"
GLOBAL = "global setting, not an op on tensors"
AMP = "mixed-precision plumbing: tests/test_amp.py"
TENSOR_INFO = (
    "a question about the tensor (size, layout, dtype), not an op: tests/test_tensor_methods.py"
)
DEVICE = "device plumbing (CPU only): tests/test_device.py"

# name -> why it has no fuzz Spec
SKIP = {
    # glassnet.*
    "Generator": "random generator class: tests/test_random.py",
    "Tensor": "the class itself; its methods are fuzzed",
    "enable_grad": AUTOGRAD,
    "no_grad": AUTOGRAD,
    "set_grad_enabled": AUTOGRAD,
    "set_num_threads": NOT_AN_OP + " (BLAS threads: tests/test_threads.py)",
    "get_num_threads": NOT_AN_OP + " (BLAS threads: tests/test_threads.py)",
    "tune_allocator": NOT_AN_OP + " (process malloc settings: tests/test_allocator.py)",
    "install_torch_alias": NOT_AN_OP + " (import hook: tests/test_torch_alias.py)",
    "is_grad_enabled": AUTOGRAD,
    "get_default_dtype": NOT_AN_OP,
    "set_default_dtype": NOT_AN_OP + " (global setting)",
    "manual_seed": NOT_AN_OP + " (global seed)",
    "seed": NOT_AN_OP + " (global seed)",
    "load": "file reader: fuzzed with mutated files in tests/io",
    "save": "file writer: tests/io",
    "CheckpointError": "exception class: tests/io/test_checkpoint.py",
    "GradScaler": AMP,
    "autocast": AMP,
    "is_autocast_enabled": AMP,
    "compile": "returns the module/function unchanged: tests/test_compile.py",
    "inference_mode": AUTOGRAD,
    "is_inference_mode_enabled": AUTOGRAD,
    "get_default_device": DEVICE,
    "set_default_device": DEVICE,
    "get_float32_matmul_precision": GLOBAL + ": tests/test_cuda.py",
    "set_float32_matmul_precision": GLOBAL + ": tests/test_cuda.py",
    "are_deterministic_algorithms_enabled": GLOBAL + ": tests/test_cuda.py",
    "is_deterministic_algorithms_warn_only_enabled": GLOBAL + ": tests/test_cuda.py",
    "use_deterministic_algorithms": GLOBAL + ": tests/test_cuda.py",
    "get_rng_state": NOT_AN_OP + " (generator state): tests/test_random.py",
    "set_rng_state": NOT_AN_OP + " (generator state): tests/test_random.py",
    "initial_seed": NOT_AN_OP + " (global seed): tests/test_random.py",
    "to_index": "internal helper turning index arguments into NumPy indices (getitem is fuzzed)",
    # Tensor methods
    "astype": "NumPy-style spelling of cast, which is fuzzed",
    "backward": AUTOGRAD + " (every Spec runs it)",
    "copy_": "in-place copy: tests/test_tensor.py",
    "cpu": NOT_AN_OP + " (returns self)",
    "data": NOT_AN_OP + " (a view attribute)",
    "detach_": AUTOGRAD,
    "device": NOT_AN_OP,
    "dim": NOT_AN_OP,
    "dtype": NOT_AN_OP,
    "fill_": "in-place fill with a number: tests/test_tensor.py",
    "grad": AUTOGRAD,
    "grad_fn": AUTOGRAD,
    "is_floating_point": NOT_AN_OP,
    "result_type": NOT_AN_OP + " (a dtype question): tests/ops/test_result_type_edges.py",
    "promote_types": NOT_AN_OP + " (a dtype question): tests/ops/test_result_type_edges.py",
    "is_leaf": AUTOGRAD,
    "ndim": NOT_AN_OP,
    "normal_": RANDOM_INIT,
    "numel": NOT_AN_OP,
    "numpy": NOT_AN_OP + " (the array itself)",
    "requires_grad": AUTOGRAD,
    "requires_grad_": AUTOGRAD,
    "retain_grad": AUTOGRAD,
    "shape": NOT_AN_OP,
    "size": NOT_AN_OP,
    "to": "dtype conversion like float()/double(), which are fuzzed",
    "type": "dtype conversion like float()/double(), which are fuzzed",
    "uniform_": RANDOM_INIT,
    "zero_": "in-place fill with 0: tests/test_tensor.py",
    "cauchy_": RANDOM_INIT.replace("test_tensor.py", "test_tensor_methods.py"),
    "exponential_": RANDOM_INIT.replace("test_tensor.py", "ops/test_sampling.py"),
    "geometric_": RANDOM_INIT.replace("test_tensor.py", "test_tensor_methods.py"),
    "log_normal_": RANDOM_INIT.replace("test_tensor.py", "test_tensor_methods.py"),
    "random_": RANDOM_INIT.replace("test_tensor.py", "test_tensor_methods.py"),
    "fill_diagonal_": "in-place fill of a diagonal with a number: tests/test_tensor_methods.py",
    "cuda": DEVICE,
    "is_cuda": DEVICE,
    "get_device": DEVICE,
    "data_ptr": TENSOR_INFO,
    "element_size": TENSOR_INFO,
    "is_complex": TENSOR_INFO,
    "is_contiguous": TENSOR_INFO,
    "is_signed": TENSOR_INFO,
    "itemsize": TENSOR_INFO,
    "nbytes": TENSOR_INFO,
    "ndimension": TENSOR_INFO,
    "nelement": TENSOR_INFO,
    "stride": TENSOR_INFO,
    "register_post_accumulate_grad_hook": AUTOGRAD
    + " (the DDP gradient hook: tests/distributed, via glassnet/distributed/ddp.py)",
    # glassnet.nn
    "Module": "base class",
    "Parameter": "a Tensor subclass",
    "Sequential": "container: tests/nn/test_containers.py",
    "ModuleList": "container: tests/nn/test_containers.py",
    "ModuleDict": "container: tests/nn/test_containers.py",
    "RNNBase": "base class of RNN/LSTM/GRU, which are fuzzed",
    "TransformerEncoder": "a stack of TransformerEncoderLayer (fuzzed); takes a layer instance",
    "TransformerDecoder": "a stack of TransformerDecoderLayer (fuzzed); takes a layer instance:"
    " tests/nn/test_transformer_decoder.py",
    "SyncBatchNorm": "torch's needs a process group (and a GPU) to train; the glassnet one is"
    " BatchNorm across MPI ranks: tests/distributed/ddp_worker.py",
}


def _names(specs) -> set:
    return {s.name for s in specs}


def _public_functions(module) -> set:
    return {
        n
        for n in dir(module)
        if not n.startswith("_")
        and callable(getattr(module, n))
        and getattr(getattr(module, n), "__module__", "").startswith("glassnet")
    }


def _missing(public: set, covered: set, prefix: str = "") -> list:
    return sorted(n for n in public if prefix + n not in covered and n not in SKIP)


def test_every_top_level_function_is_fuzzed():
    covered = _names(table_ops.SPECS) | _names(table_tensor.CREATION)
    public = {n for n in _public_functions(glassnet) if not inspect.ismodule(getattr(glassnet, n))}
    assert {"sum", "tensor", "zeros"} <= public  # the listing sees the ops
    assert _missing(public, covered) == [], "add a Spec to tests/fuzz/table_ops.py or SKIP"


def test_every_tensor_method_is_fuzzed():
    covered = (
        _names(table_tensor.METHODS)
        | _names(table_tensor.method_specs(table_ops.SPECS))
        | _names(table_tensor.in_place_specs(table_ops.SPECS))
    )
    public = {n for n in dir(glassnet.Tensor) if not n.startswith("_")}
    assert _missing(public, covered, "Tensor.") == [], "add a Spec to table_tensor.py or SKIP"
    assert set(TENSOR_METHODS) <= {s.name for s in table_ops.SPECS}, "op methods need a Spec"


def test_every_functional_is_fuzzed():
    covered = _names(table_nn.FUNCTIONAL) | _names(table_losses.SPECS)
    assert {"relu", "mse_loss"} <= _public_functions(F)
    assert _missing(_public_functions(F), covered, "F.") == [], "add a Spec to table_nn.py"


def test_every_layer_and_loss_is_fuzzed():
    covered = _names(table_layers.LAYERS) | _names(table_losses.SPECS)
    public = {n for n in dir(nn) if inspect.isclass(getattr(nn, n)) and not n.startswith("_")}
    assert {"Linear", "MSELoss"} <= public
    assert _missing(public, covered, "nn.") == [], "add a Spec to table_layers.py/table_losses.py"


def test_every_skip_is_still_public():
    """A reason for something that no longer exists is stale: remove it."""
    public = (
        _public_functions(glassnet)
        | {n for n in dir(glassnet.Tensor) if not n.startswith("_")}
        | {n for n in dir(nn) if not n.startswith("_")}
    )
    assert sorted(set(SKIP) - public) == []
