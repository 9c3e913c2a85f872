"""Module and Parameter: registration, tree walking, modes, dtype, state_dict keys and loading
(against torch's for the same architectures), hooks, repr, and every error message."""

import copy
import pickle

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.nn.module import StateDictError


class Net(nn.Module):
    """fc -> layers (a Sequential with a gap at 1) -> a buffer and a non-persistent one."""

    def __init__(self, lib):
        super().__init__()
        self.fc = lib.nn.Linear(3, 4)
        self.layers = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Identity(), lib.nn.Linear(5, 2))
        self.register_buffer("running", lib.zeros(2))
        self.register_buffer("scratch", lib.zeros(1), persistent=False)

    def forward(self, x):
        return self.layers(self.fc(x).relu())


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 4)
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(4, 5), torch.nn.Identity(), torch.nn.Linear(5, 2)
        )
        self.register_buffer("running", torch.zeros(2))
        self.register_buffer("scratch", torch.zeros(1), persistent=False)

    def forward(self, x):
        return self.layers(self.fc(x).relu())


@pytest.fixture
def pair():
    return Net(glassnet), TorchNet()


def test_parameter_is_a_trainable_tensor_sharing_memory():
    t = glassnet.zeros(2, 3)
    p = nn.Parameter(t)
    assert isinstance(p, glassnet.Tensor) and p.requires_grad and p.is_leaf
    p._data[0, 0] = 5.0
    assert t._data[0, 0] == 5.0  # shares the tensor's array, as torch.nn.Parameter
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    assert nn.Parameter([1.0, 2.0]).dtype == glassnet.float32
    assert repr(p).startswith("Parameter containing:\ntensor(")
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(np.array([1, 2]))


def test_names_and_order_match_torch(pair):
    g, t = pair
    assert list(g.state_dict()) == list(t.state_dict())
    assert [n for n, _ in g.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in g.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in g.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in g.named_children()] == [n for n, _ in t.named_children()]
    types = [type(m).__name__ for m in g.modules()]
    assert types[1:] == [type(m).__name__ for m in t.modules()][1:]
    assert len(list(g.children())) == 2
    assert [n for n, _ in g.named_parameters(recurse=False)] == []
    assert [n for n, _ in g.named_parameters(prefix="net")][0] == "net.fc.weight"
    assert g.num_parameters() == sum(p.numel() for p in t.parameters()) == 16 + 25 + 12


def test_state_dict_values_share_memory_and_are_detached(pair):
    g, _ = pair
    sd = g.state_dict()
    assert not sd["fc.weight"].requires_grad
    sd["fc.weight"]._data[0, 0] = 7.0
    assert g.fc.weight._data[0, 0] == 7.0
    kept = g.state_dict(keep_vars=True)
    assert kept["fc.weight"] is g.fc.weight


def test_load_torch_state_dict_gives_same_output_and_gradients(pair):
    g, t = pair
    with torch.no_grad():
        t.running.fill_(3.0)
    result = g.load_state_dict(t.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    np.testing.assert_array_equal(g.running._data, [3.0, 3.0])
    x = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
    yg, yt = g(glassnet.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(yg._data, yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    (yg * yg).sum().backward()
    (yt * yt).sum().backward()
    for (name, pg), (_, pt) in zip(g.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(
            pg.grad._data, pt.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name
        )


def test_load_accepts_numpy_and_numpy_like_values(pair):
    g, t = pair
    arrays = {k: v.numpy() * 2 for k, v in t.state_dict().items()}
    g.load_state_dict(arrays)
    np.testing.assert_array_equal(g.fc.weight._data, arrays["fc.weight"])

    class HasNumpy:  # e.g. a JAX or TensorFlow array
        def __init__(self, a):
            self.a = a

        def numpy(self):
            return self.a

    g.load_state_dict({k: HasNumpy(v + 1) for k, v in arrays.items()})
    np.testing.assert_array_equal(g.layers[2].bias._data, arrays["layers.2.bias"] + 1)
    assert g.fc.weight.dtype == glassnet.float32  # values are cast into the module's dtype
    # a torch tensor that requires grad is detached, not refused
    g.load_state_dict(dict(t.state_dict(keep_vars=True)))
    np.testing.assert_array_equal(g.fc.weight._data, t.fc.weight.detach().numpy())


def test_load_copies_in_place_unless_assign(pair):
    g, t = pair
    w = g.fc.weight
    before = w._data
    g.load_state_dict(t.state_dict())
    assert g.fc.weight is w and w._data is before
    g.load_state_dict(t.state_dict(), assign=True)
    assert g.fc.weight is w and w._data is not before
    assert w.dtype == glassnet.float32


def test_load_reports_missing_unexpected_and_shape_mismatch_by_name(pair):
    g, t = pair
    sd = dict(t.state_dict())
    del sd["layers.2.bias"]
    sd["extra.weight"] = torch.zeros(1)
    with pytest.raises(StateDictError) as err:
        g.load_state_dict(sd)
    msg = str(err.value)
    assert 'Missing key(s) in state_dict: "layers.2.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in msg
    assert "Net" in msg
    assert isinstance(err.value, RuntimeError) and isinstance(err.value, ValueError)
    result = g.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["layers.2.bias"]
    assert result.unexpected_keys == ["extra.weight"]
    assert result == (["layers.2.bias"], ["extra.weight"])  # a named tuple, as torch's
    np.testing.assert_array_equal(g.fc.weight._data, t.fc.weight.detach().numpy())

    sd = dict(t.state_dict())
    sd["fc.weight"] = torch.zeros(4, 2)
    for strict in (True, False):  # a wrong shape is an error even when not strict (as torch)
        with pytest.raises(
            StateDictError, match=r"size mismatch for fc.weight: .*\(4, 2\).*\(4, 3\)"
        ):
            g.load_state_dict(sd, strict=strict)
    with pytest.raises(TypeError, match="mapping"):
        g.load_state_dict([1, 2])


def test_torch_loads_glassnet_state_dict(pair):
    g, t = pair
    t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in g.state_dict().items()})
    x = np.ones((2, 3), dtype=np.float32)
    np.testing.assert_allclose(
        t(torch.tensor(x)).detach().numpy(), g(glassnet.tensor(x))._data, rtol=1e-6
    )


def test_train_eval_propagate(pair):
    g, _ = pair
    assert g.training and g.layers[0].training
    assert g.eval() is g
    assert not any(m.training for m in g.modules())
    g.train()
    assert all(m.training for m in g.modules())
    with pytest.raises(ValueError, match="bool"):
        g.train("no")


def test_zero_grad_and_requires_grad_(pair):
    g, _ = pair
    g(glassnet.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in g.parameters())
    grad = g.fc.weight.grad
    g.zero_grad(set_to_none=False)
    assert g.fc.weight.grad is grad and not grad._data.any()  # zeroed in place
    g.zero_grad()
    assert all(p.grad is None for p in g.parameters())
    g.fc.requires_grad_(False)
    assert not g.fc.weight.requires_grad and g.layers[0].weight.requires_grad
    assert g.num_parameters(only_trainable=True) == 25 + 12
    g(glassnet.ones(2, 3)).sum().backward()
    assert g.fc.weight.grad is None and g.layers[0].weight.grad is not None


def test_apply_visits_children_first(pair):
    g, _ = pair
    seen = []
    assert g.apply(lambda m: seen.append(type(m).__name__)) is g
    assert seen == ["Linear", "Linear", "Identity", "Linear", "Sequential", "Net"]

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)

    g.apply(init_weights)
    assert (g.layers[2].weight._data == 0.5).all()


def test_to_float_double_keep_parameter_objects(pair):
    g, _ = pair
    w = g.fc.weight
    g(glassnet.ones(1, 3)).sum().backward()
    assert g.double() is g
    assert g.fc.weight is w and w.dtype == glassnet.float64 and w.grad.dtype == glassnet.float64
    assert g.running.dtype == glassnet.float64
    assert g(glassnet.ones(1, 3, dtype=glassnet.float64)).dtype == glassnet.float64
    g.to(glassnet.float32)
    assert w.dtype == glassnet.float32
    g.to("float64")
    assert w.dtype == glassnet.float64
    g.to(glassnet.zeros(1))  # the dtype of a tensor
    assert w.dtype == glassnet.float32
    g.to("cpu").to(device="cpu").float().cpu()
    assert w.dtype == glassnet.float32
    with pytest.raises(ValueError, match="CPU only"):
        g.to("cuda")
    with pytest.raises(TypeError, match="float dtype"):
        g.to(glassnet.int64)


def test_setattr_registers_and_reassigns():
    m = nn.Module()
    m.w = nn.Parameter(glassnet.zeros(2))
    m.sub = nn.Linear(2, 2)
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._modules) == ["sub"]
    assert "plain" not in m._parameters
    m.w = None  # a declared but absent parameter
    assert m.w is None and list(m.state_dict()) == ["sub.weight", "sub.bias"]
    m.w = nn.Linear(1, 1)  # a parameter name reused for a module moves registries
    assert "w" not in m._parameters and "w" in m._modules
    del m.w
    assert "w" not in m._modules and not hasattr(m, "w")
    m.register_buffer("b", glassnet.ones(1))
    m.b = glassnet.zeros(1)  # assigning a tensor to a buffer name updates the buffer
    assert m._buffers["b"] is m.b
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'b'"):
        m.b = 1
    m.register_parameter("p", nn.Parameter(glassnet.zeros(1)))
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'p'"):
        m.p = glassnet.zeros(1)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'sub'"):
        m.sub = 1
    with pytest.raises(KeyError, match="already exists"):
        m.register_parameter("plain", None)
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", None)
    with pytest.raises(TypeError, match="Parameter or None"):
        m.register_parameter("q", glassnet.zeros(1))
    with pytest.raises(TypeError, match="Tensor or None"):
        m.register_buffer("q", np.zeros(1))
    with pytest.raises(TypeError, match="not a Module"):
        m.add_module("q", 3)
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        m.nothing  # noqa: B018


def test_registration_before_init_is_refused():
    class Forgot(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(glassnet.zeros(1))

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Forgot()


def test_shared_submodule_and_parameter_counted_once():
    lin = nn.Linear(2, 2)
    net = nn.Sequential(lin, lin)
    assert len(list(net.parameters())) == 2
    assert len(list(net.modules())) == 2
    assert [n for n, _ in net.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    tlin = torch.nn.Linear(2, 2)
    assert list(net.state_dict()) == list(torch.nn.Sequential(tlin, tlin).state_dict())
    assert net.num_parameters() == 6


def test_get_submodule_and_parameter(pair):
    g, _ = pair
    assert g.get_submodule("layers.2") is g.layers[2]
    assert g.get_submodule("") is g
    assert g.get_parameter("layers.0.bias") is g.layers[0].bias
    with pytest.raises(AttributeError, match="no submodule `nope`"):
        g.get_submodule("layers.nope")
    with pytest.raises(AttributeError, match="no parameter `nope`"):
        g.get_parameter("fc.nope")


def test_forward_hooks_and_missing_forward():
    lin = nn.Linear(2, 2)
    seen = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: seen.append(out.shape) or out + 1)
    y = lin(glassnet.ones(3, 2))
    np.testing.assert_allclose(y._data, np.broadcast_to(lin.bias._data + 1, (3, 2)))
    assert seen == [(3, 2)]
    h1.remove()
    h2.remove()
    assert not lin._has_hooks
    np.testing.assert_allclose(lin(glassnet.zeros(1, 2))._data[0], lin.bias._data)
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def test_repr_tree_matches_torch(pair):
    g, t = pair
    assert repr(g) == repr(t).replace("TorchNet", "Net")
    assert repr(nn.Module()) == "Module()"


def test_deepcopy_keeps_the_tree_consistent(pair):
    g, _ = pair
    c = copy.deepcopy(g)
    assert c.fc.weight is c._modules["fc"]._parameters["weight"]
    assert c.fc.weight is not g.fc.weight
    np.testing.assert_array_equal(c.fc.weight._data, g.fc.weight._data)
    c.fc.weight._data[...] = 0
    assert g.fc.weight._data.any()
    assert list(c.state_dict()) == list(g.state_dict())


def test_pickle_round_trip(pair):
    g, _ = pair
    c = pickle.loads(pickle.dumps(g))
    assert isinstance(c.fc.weight, nn.Parameter) and c.fc.weight.requires_grad
    assert c.fc.weight is c._modules["fc"]._parameters["weight"]
    assert list(c.state_dict()) == list(g.state_dict())
    x = glassnet.ones(2, 3)
    np.testing.assert_array_equal(c(x)._data, g(x)._data)


def test_delattr_of_a_registered_name_not_mirrored():
    m = nn.Module()
    m._parameters["w"] = nn.Parameter(glassnet.zeros(1))  # written behind the module's back
    assert m.w is m._parameters["w"]  # found through __getattr__
    del m.w
    assert "w" not in m._parameters
    with pytest.raises(AttributeError):
        del m.never_there
