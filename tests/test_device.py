"""glassnet.device against torch.device (parsing, repr, str, equality, errors), Tensor.device and
.to/.cpu/.cuda, Module.to/.cpu/.cuda, and `device=`/`pin_memory=` on every factory: the CPU is
accepted in every spelling, every other device refused with an error naming it."""

import pickle

import numpy as np
import pytest
import torch

import glassnet
from glassnet._device import DeviceUnavailableError

SPECS = ["cpu", "cpu:0", "cuda", "cuda:1", "mps", "xpu:3", "meta"]


@pytest.mark.parametrize("spec", SPECS)
def test_device_parses_like_torch(spec):
    g, t = glassnet.device(spec), torch.device(spec)
    assert (g.type, g.index) == (t.type, t.index)
    assert str(g) == str(t) and repr(g) == repr(t)
    assert g == spec and g == glassnet.device(spec) and hash(g) == hash(glassnet.device(spec))
    assert pickle.loads(pickle.dumps(g)) == g


def test_device_with_index_argument_and_copies():
    assert glassnet.device("cuda", 0) == "cuda:0" and repr(glassnet.device("cuda", 0)) == repr(
        torch.device("cuda", 0)
    )
    assert glassnet.device(glassnet.device("cuda:2")) == "cuda:2"
    # an explicit index is part of the identity, as in PyTorch
    assert (glassnet.device("cpu") == "cpu:0") == (torch.device("cpu") == torch.device("cpu:0"))
    assert glassnet.device("cpu") != "gpu" and glassnet.device("cpu") != 3
    assert {glassnet.device("cpu"): 1}[glassnet.device("cpu")] == 1


@pytest.mark.parametrize(
    "args, match",
    [
        (("gpu",), "expected one of cpu, cuda, .* device string: gpu"),
        (("cuda:x",), "invalid device string: 'cuda:x'"),
        (("cuda:-1",), "invalid device string: 'cuda:-1'"),
        (("",), "must not be empty"),
        (("cuda:1", 0), "already carries an index"),
        (("cuda", -1), "index must be a non-negative int"),
    ],
)
def test_device_errors(args, match):
    with pytest.raises(RuntimeError, match=match):
        glassnet.device(*args)
    with pytest.raises(RuntimeError):
        torch.device(*args)


def test_device_type_errors():
    with pytest.raises(TypeError, match="expected a device string"):
        glassnet.device(1.5)
    with pytest.raises(DeviceUnavailableError, match=r"device\(0\): an integer names an acc"):
        glassnet.device(0)


def test_default_device():
    assert repr(glassnet.get_default_device()) == repr(torch.get_default_device())
    glassnet.set_default_device("cpu")
    glassnet.set_default_device(None)
    with pytest.raises(ValueError, match="set_default_device: .* device 'cuda' is not available"):
        glassnet.set_default_device("cuda")
    assert glassnet.get_default_device() == "cpu"


def test_unavailable_error_is_both_value_and_runtime_error():
    for kind in (ValueError, RuntimeError):
        with pytest.raises(kind):
            glassnet.zeros(2, device="cuda")


def test_tensor_device_and_moves():
    x = glassnet.tensor([1.0, 2.0])
    assert x.device == glassnet.device("cpu") and x.device == "cpu" and x.device.type == "cpu"
    assert repr(x.device) == repr(torch.tensor([1.0]).device)
    assert x.is_cuda is False and x.get_device() == torch.tensor([1.0]).get_device() == -1
    assert x.cpu() is x and x.to(glassnet.device("cpu")) is x and x.to("cpu:0") is x
    assert x.to(x.device, glassnet.float64).dtype == glassnet.float64
    assert x.to("cpu", non_blocking=True) is x
    message = (
        "to: glassnet runs on the CPU only; device 'cuda:0' is not available "
        "(glassnet.cuda.is_available() is False)"
    )
    with pytest.raises(ValueError) as err:
        x.to("cuda:0")
    assert str(err.value) == message
    with pytest.raises(ValueError, match="to: .* device 'mps' is not available"):
        x.to(glassnet.device("mps"), non_blocking=True)
    with pytest.raises(ValueError, match="to: .* device 'cuda:1' is not available"):
        x.to(1)
    with pytest.raises(ValueError, match="to: .* device 'meta' is not available"):
        x.to(device="meta")
    with pytest.raises(RuntimeError, match="cuda: .* device 'cuda' is not available"):
        x.cuda()
    with pytest.raises(RuntimeError, match="cuda: .* device 'cuda:1' is not available"):
        x.cuda(1)


def test_module_to_cpu_cuda():
    model = glassnet.nn.Sequential(glassnet.nn.Linear(2, 3), glassnet.nn.BatchNorm1d(3))
    weight = model[0].weight
    assert model.to(glassnet.device("cpu")) is model and model.cpu() is model
    assert model.to("cpu", glassnet.float64) is model and weight.dtype == glassnet.float64
    assert model[0].weight is weight  # the same Parameter objects, as PyTorch keeps
    assert model.to(torch.device("cpu").type) is model
    assert model.to("cpu", non_blocking=True, memory_format=None) is model
    with pytest.raises(ValueError, match="Module.to: .* device 'cuda' is not available"):
        model.to(glassnet.device("cuda"))
    with pytest.raises(ValueError, match="Module.to: .* device 'cuda:0' is not available"):
        model.to(0)
    with pytest.raises(ValueError, match="Module.cuda: .* device 'cuda' is not available"):
        model.cuda()


# (name, positional arguments) for every factory; the `*_like` ones take a tensor first.
FACTORIES = [
    ("tensor", ([1.0, 2.0],)),
    ("as_tensor", ([1.0, 2.0],)),
    ("zeros", (2, 3)),
    ("ones", (2, 3)),
    ("empty", (2, 3)),
    ("full", ((2, 3), 1.5)),
    ("arange", (0, 5)),
    ("linspace", (0.0, 1.0, 5)),
    ("eye", (3,)),
    ("rand", (2, 3)),
    ("randn", (2, 3)),
    ("randint", (0, 5, (2, 3))),
    ("randperm", (5,)),
    ("normal", (0.0, 1.0, (2, 3))),
    ("zeros_like", "like"),
    ("ones_like", "like"),
    ("empty_like", "like"),
    ("full_like", "like_fill"),
    ("rand_like", "like"),
    ("randn_like", "like"),
]
PIN_MEMORY = {"tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "rand",
              "randn", "randint", "randperm", "normal"}  # fmt: skip


def _args(spec):
    if isinstance(spec, str):
        like = glassnet.zeros(2, 3)
        return {"like": (like,), "like_fill": (like, 2.0)}[spec]
    return spec


@pytest.mark.parametrize("name, spec", FACTORIES)
def test_factories_accept_the_cpu_and_refuse_others(name, spec):
    fn, args = getattr(glassnet, name), _args(spec)
    for dev in (None, "cpu", "cpu:0", glassnet.device("cpu"), glassnet.get_default_device()):
        out = fn(*args, device=dev)
        assert out.device == "cpu"
    with pytest.raises(ValueError) as err:
        fn(*args, device="cuda")
    assert str(err.value).startswith(f"{name}: glassnet runs on the CPU only; device 'cuda' ")
    for dev in ("mps", glassnet.device("cuda", 1), 0):
        with pytest.raises(DeviceUnavailableError, match=f"{name}: "):
            fn(*args, device=dev)


@pytest.mark.parametrize("name", sorted(PIN_MEMORY))
def test_pin_memory_is_accepted(name):
    spec = dict(FACTORIES)[name]
    out = getattr(glassnet, name)(*_args(spec), pin_memory=False)
    pinned = getattr(glassnet, name)(*_args(spec), pin_memory=True)
    assert out.shape == pinned.shape and out.dtype == pinned.dtype


def test_factory_requires_grad_added_with_device():
    assert glassnet.normal(0.0, 1.0, (2,), requires_grad=True).requires_grad
    assert glassnet.randn_like(glassnet.zeros(2), requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="only tensors of floating point dtype"):
        glassnet.randint(0, 3, (2,), requires_grad=True)
    with pytest.raises(RuntimeError):
        torch.randint(0, 3, (2,), requires_grad=True)


def test_arange_with_device_matches_torch():
    t = 7
    dev = glassnet.device("cuda" if glassnet.cuda.is_available() else "cpu")
    g = glassnet.arange(0, t, dtype=glassnet.long, device=dev)
    ref = torch.arange(0, t, dtype=torch.long, device=torch.device("cpu"))
    np.testing.assert_array_equal(g.numpy(), ref.numpy())
    assert g.dtype == glassnet.int64


def test_device_as_a_context_manager():
    with glassnet.device("cpu") as dev:
        assert glassnet.zeros(1).device == dev
    with pytest.raises(ValueError, match="device: .* device 'cuda' is not available"):
        with glassnet.device("cuda"):
            pass
