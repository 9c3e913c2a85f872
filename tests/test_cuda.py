"""glassnet.cuda, glassnet.accelerator, glassnet.cpu and glassnet.backends answer as PyTorch does on
a machine without a GPU (torch here is a CPU build, so its answers are the reference), the harmless
calls do nothing, the ones that need a GPU fail with a clear error, and the backend flags can be set
and read back."""

import pytest
import torch

import glassnet
from glassnet._device import DeviceUnavailableError

QUERIES = [
    ("is_available", ()),
    ("device_count", ()),
    ("is_initialized", ()),
    ("is_bf16_supported", ()),
    ("memory_allocated", ()),
    ("max_memory_allocated", ()),
    ("memory_reserved", ()),
    ("manual_seed", (1,)),
    ("manual_seed_all", (1,)),
    ("seed", ()),
    ("empty_cache", ()),
]


@pytest.mark.parametrize("name, args", QUERIES)
def test_cuda_queries_match_torch_without_gpu(name, args):
    assert getattr(glassnet.cuda, name)(*args) == getattr(torch.cuda, name)(*args)


def test_cuda_harmless_calls_do_nothing():
    assert glassnet.cuda.synchronize() is None
    assert glassnet.cuda.seed_all() is None
    assert glassnet.cuda.reset_peak_memory_stats() is None
    assert glassnet.cuda.max_memory_reserved() == 0
    before = glassnet.random.default_generator.get_state()
    glassnet.cuda.manual_seed_all(123)  # does not touch glassnet's own generator
    assert glassnet.random.default_generator.get_state() == before


@pytest.mark.parametrize(
    "name, args",
    [
        ("current_device", ()),
        ("set_device", (0,)),
        ("get_device_name", ()),
        ("get_device_name", (0,)),
        ("get_device_capability", ()),
        ("get_device_properties", (0,)),
        ("get_rng_state", ()),
        ("set_rng_state", (None,)),
    ],
)
def test_cuda_calls_needing_a_gpu_fail_clearly(name, args):
    with pytest.raises(DeviceUnavailableError) as err:
        getattr(glassnet.cuda, name)(*args)
    assert str(err.value) == (
        f"cuda.{name}: CUDA is not available (glassnet runs on the CPU only; "
        "glassnet.cuda.is_available() is False)"
    )


def test_accelerator_and_cpu_modules():
    assert glassnet.accelerator.is_available() is torch.accelerator.is_available() is False
    assert glassnet.accelerator.current_accelerator() is torch.accelerator.current_accelerator()
    assert glassnet.accelerator.device_count() == torch.accelerator.device_count() == 0
    assert glassnet.cpu.is_available() is torch.cpu.is_available() is True
    assert glassnet.cpu.device_count() == torch.cpu.device_count()
    assert glassnet.cpu.synchronize() is None


def test_backend_defaults_match_torch():
    for mod in ("cudnn",):
        for flag in ("enabled", "benchmark", "deterministic", "allow_tf32"):
            assert getattr(getattr(glassnet.backends, mod), flag) == getattr(
                getattr(torch.backends, mod), flag
            )
    assert glassnet.backends.cudnn.is_available() is torch.backends.cudnn.is_available()
    assert glassnet.backends.cudnn.version() is torch.backends.cudnn.version() is None
    assert glassnet.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert glassnet.backends.mps.is_built() is torch.backends.mps.is_built()
    assert glassnet.backends.cuda.is_built() is torch.backends.cuda.is_built()
    g, t = glassnet.backends.cuda, torch.backends.cuda
    assert g.matmul.allow_tf32 == t.matmul.allow_tf32
    assert (
        g.matmul.allow_fp16_reduced_precision_reduction
        == t.matmul.allow_fp16_reduced_precision_reduction
    )
    assert g.flash_sdp_enabled() == t.flash_sdp_enabled()
    assert g.math_sdp_enabled() == t.math_sdp_enabled()
    assert g.mem_efficient_sdp_enabled() == t.mem_efficient_sdp_enabled()
    assert glassnet.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    assert (
        glassnet.are_deterministic_algorithms_enabled()
        == torch.are_deterministic_algorithms_enabled()
    )


def test_backend_flags_are_settable():
    cudnn = glassnet.backends.cudnn
    try:
        cudnn.benchmark, cudnn.deterministic, cudnn.enabled, cudnn.allow_tf32 = (
            True,
            True,
            False,
            False,
        )
        assert (cudnn.benchmark, cudnn.deterministic, cudnn.enabled, cudnn.allow_tf32) == (
            True,
            True,
            False,
            False,
        )
    finally:
        cudnn.benchmark, cudnn.deterministic, cudnn.enabled, cudnn.allow_tf32 = (
            False,
            False,
            True,
            True,
        )
    cuda = glassnet.backends.cuda
    for flag in ("flash", "mem_efficient", "math", "cudnn"):
        getattr(cuda, f"enable_{flag}_sdp")(False)
        assert getattr(cuda, f"{flag}_sdp_enabled")() is False
        getattr(cuda, f"enable_{flag}_sdp")(True)
        assert getattr(cuda, f"{flag}_sdp_enabled")() is True
    with pytest.raises(AttributeError, match="backends.cuda.matmul: unknown attribute 'foo'"):
        cuda.matmul.foo = 1


def test_allow_tf32_is_tied_to_matmul_precision_as_in_torch():
    try:
        for value in (True, False):
            glassnet.backends.cuda.matmul.allow_tf32 = value
            torch.backends.cuda.matmul.allow_tf32 = value
            assert glassnet.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
        for precision in ("medium", "high", "highest"):
            glassnet.set_float32_matmul_precision(precision)
            torch.set_float32_matmul_precision(precision)
            assert glassnet.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
        with pytest.warns(UserWarning, match="'fast' is not one of 'highest', 'high', or 'medium'"):
            glassnet.set_float32_matmul_precision("fast")
        assert glassnet.get_float32_matmul_precision() == "highest"
    finally:
        glassnet.set_float32_matmul_precision("highest")
        torch.set_float32_matmul_precision("highest")


def test_deterministic_algorithms_flag():
    try:
        glassnet.use_deterministic_algorithms(True, warn_only=True)
        assert glassnet.are_deterministic_algorithms_enabled()
        assert glassnet.is_deterministic_algorithms_warn_only_enabled()
    finally:
        glassnet.use_deterministic_algorithms(False)
    assert not glassnet.are_deterministic_algorithms_enabled()
    assert not glassnet.is_deterministic_algorithms_warn_only_enabled()


def test_backends_import_by_path():
    import glassnet.backends.cudnn as cudnn
    import glassnet.cuda.amp as cuda_amp

    assert cudnn is glassnet.backends.cudnn and cuda_amp is glassnet.cuda.amp
