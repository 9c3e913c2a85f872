"""Tensor methods PyTorch scripts use: new_zeros/new_ones/new_full/new_empty/new_tensor,
__format__, and the in-place forms of ops (values against PyTorch, through `.data`, inside the
graph with gradients against PyTorch, refused on leaves that require grad)."""

import numpy as np
import pytest
import torch

import glassnet


# ----------------------------------------------------------------------------- new_*
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_new_factories_keep_the_dtype_like_torch(dtype):
    g, t = glassnet.tensor(np.zeros(2, dtype)), torch.tensor(np.zeros(2, dtype))
    for name, args in [("new_zeros", (2, 3)), ("new_ones", ((2, 3),)), ("new_empty", ([4],))]:
        a, b = getattr(g, name)(*args), getattr(t, name)(*args)
        assert a.shape == tuple(b.shape) and a.dtype == b.numpy().dtype
        if name != "new_empty":
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    a, b = g.new_full((2,), 3), t.new_full((2,), 3)
    assert a.dtype == b.numpy().dtype and a.tolist() == b.tolist()
    a, b = g.new_tensor([1.5, 2.5]), t.new_tensor([1.5, 2.5])
    assert a.dtype == b.numpy().dtype and a.tolist() == b.tolist()


def test_new_factories_take_dtype_device_and_requires_grad():
    x = glassnet.zeros(3, dtype=glassnet.int64)
    z = x.new_zeros(2, dtype=glassnet.float64, device="cpu", requires_grad=True)
    assert z.dtype == np.float64 and z.requires_grad and z.is_leaf
    assert (
        x.new_ones((1,), dtype=glassnet.float32, layout=None, pin_memory=False).dtype == np.float32
    )
    assert not x.new_full((2,), 1).requires_grad
    source = glassnet.tensor([1.0, 2.0])
    copy = source.new_tensor(source, requires_grad=True)
    copy.data.add_(1.0)
    assert source.tolist() == [1.0, 2.0] and copy.requires_grad
    assert glassnet.zeros(2).new_zeros(()).shape == ()
    assert glassnet.zeros(2).new_zeros((0, 3)).shape == (0, 3)


def test_new_factories_errors():
    x = glassnet.zeros(2)
    with pytest.raises(ValueError, match="new_zeros: glassnet runs on the CPU only; device 'cuda'"):
        x.new_zeros(2, device="cuda")
    with pytest.raises(
        ValueError, match="new_tensor: glassnet runs on the CPU only; device 'cuda:0"
    ):
        x.new_tensor([1.0], device="cuda:0")
    with pytest.raises(ValueError, match="tensor: cannot convert list to a tensor"):
        x.new_tensor([[1.0, 2.0], [3.0]])  # ragged
    with pytest.raises(ValueError, match="tensor: cannot convert str to a tensor"):
        x.new_tensor("abc")
    with pytest.raises(ValueError, match="new_ones: invalid size"):
        x.new_ones(-1)
    with pytest.raises(RuntimeError, match="only tensors of floating point dtype can require"):
        glassnet.zeros(2, dtype=glassnet.int64).new_zeros(2, requires_grad=True)


# ----------------------------------------------------------------------------- __format__
@pytest.mark.parametrize("spec", [".4f", "+.2f", "", "e", ">10.3f", "g"])
def test_format_of_a_0d_tensor_is_that_of_its_number(spec):
    g, t = glassnet.tensor(3.14159), torch.tensor(3.14159)
    assert format(g, spec) == format(t, spec) == format(np.float32(3.14159).item(), spec)
    assert f"{glassnet.tensor(7):05d}" == f"{torch.tensor(7):05d}" == "00007"
    loss = glassnet.tensor([0.5, 1.5], requires_grad=True).mean()
    assert f"loss {loss:.4f}" == "loss 1.0000"


def test_format_of_other_tensors_like_torch():
    g = glassnet.tensor([1.0, 2.0])
    assert format(g, "") == str(g) and f"{g}" == str(g)
    with pytest.raises(TypeError, match="unsupported format string '.2f' passed to Tensor"):
        format(g, ".2f")
    with pytest.raises(TypeError):
        format(torch.tensor([1.0, 2.0]), ".2f")
    with pytest.raises(TypeError, match="only a 0-d tensor formats like a number"):
        "{:+.2f}".format(glassnet.tensor([1.0]))  # noqa: UP032  (the str.format path)
    assert "{:+.2f}".format(glassnet.tensor(1.0)) == "+1.00"  # noqa: UP032


# ----------------------------------------------------------------------------- in-place forms
def _pair(shape=(3, 4), seed=0, low=None):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.0, shape) if low else rng.standard_normal(shape)
    return x


IN_PLACE = [
    ("lerp_", lambda m, x: (m.tensor(x[::-1].copy()), 0.3)),
    ("addcmul_", lambda m, x: (m.tensor(x * 2), m.tensor(x + 1))),
    ("addcdiv_", lambda m, x: (m.tensor(x * 2), m.tensor(np.abs(x) + 1))),
    ("masked_fill_", lambda m, x: (m.tensor(x > 0), -1.0)),
    ("clamp_min_", lambda m, x: (0.1,)),
    ("clamp_max_", lambda m, x: (0.1,)),
    ("pow_", lambda m, x: (2,)),
    ("exp_", lambda m, x: ()),
    ("neg_", lambda m, x: ()),
    ("abs_", lambda m, x: ()),
    ("sigmoid_", lambda m, x: ()),
    ("tanh_", lambda m, x: ()),
    ("relu_", lambda m, x: ()),
    ("floor_", lambda m, x: ()),
    ("ceil_", lambda m, x: ()),
    ("round_", lambda m, x: ()),
    ("trunc_", lambda m, x: ()),
    ("square_", lambda m, x: ()),
    ("tril_", lambda m, x: (1,)),
    ("triu_", lambda m, x: (-1,)),
    ("cumsum_", lambda m, x: (1,)),
    ("nan_to_num_", lambda m, x: ()),
    ("scatter_", lambda m, x: (1, m.tensor([[0], [2], [1]]), m.tensor(np.ones((3, 1))))),
    (
        "scatter_add_",
        lambda m, x: (1, m.tensor([[0, 0], [2, 1], [1, 3]]), m.tensor(np.ones((3, 2)))),
    ),
    ("index_fill_", lambda m, x: (1, m.tensor([0, 2]), 5.0)),
    ("index_add_", lambda m, x: (0, m.tensor([0, 2]), m.tensor(np.ones((2, 4))))),
    ("index_copy_", lambda m, x: (0, m.tensor([2, 0]), m.tensor(np.ones((2, 4))))),
]
POSITIVE = ["sqrt_", "log_", "rsqrt_", "reciprocal_"]


@pytest.mark.parametrize("name,make_args", IN_PLACE + [(n, lambda m, x: ()) for n in POSITIVE])
def test_in_place_matches_torch_and_writes_through_views(name, make_args):
    x = _pair(low=name in POSITIVE)
    g, t = glassnet.tensor(x), torch.tensor(x)
    view = g.data  # shares memory, as p.data in PyTorch
    out = getattr(g, name)(*make_args(glassnet, x))
    getattr(t, name)(*make_args(torch, x))
    assert out is g
    np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-12)
    np.testing.assert_array_equal(view.numpy(), g.numpy())


@pytest.mark.parametrize(
    "name,make_args", IN_PLACE[:4] + [("exp_", IN_PLACE[7][1]), ("relu_", IN_PLACE[12][1])]
)
def test_in_place_on_a_graph_tensor_keeps_gradients_like_torch(name, make_args):
    x = _pair(seed=1)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gh, th = gx * 2, tx * 2  # non-leaf tensors in the graph
    getattr(gh, name)(*make_args(glassnet, x))
    getattr(th, name)(*make_args(torch, x))
    assert gh.requires_grad and not gh.is_leaf
    (gh * gh).sum().backward()
    (th * th).sum().backward()
    np.testing.assert_allclose(gh.detach().numpy(), th.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_in_place_with_an_argument_that_requires_grad():
    x = _pair(seed=2)
    ge, te = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ga, ta = glassnet.zeros(3, 4, dtype=glassnet.float64), torch.zeros(3, 4, dtype=torch.float64)
    ga.lerp_(ge, 0.25)
    ta.lerp_(te, 0.25)
    assert ga.requires_grad and ga.grad_fn is not None
    ga.sum().backward()
    ta.sum().backward()
    np.testing.assert_allclose(ge.grad.numpy(), te.grad.numpy())


def test_in_place_refusals_and_dtype_rules():
    leaf = glassnet.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="exp_: a leaf tensor that requires grad"):
        leaf.exp_()
    with glassnet.no_grad():
        leaf.add_(1.0).exp_()  # allowed outside the graph, as an optimizer step
    np.testing.assert_allclose(leaf.detach().numpy(), np.e, rtol=1e-6)
    ints = glassnet.tensor([1, 2])
    with pytest.raises(TypeError, match="reciprocal_: result type float32 can't be cast to the"):
        ints.reciprocal_()
    f32 = glassnet.zeros(2)
    f32.lerp_(glassnet.ones(2), 0.5).addcmul_(
        glassnet.ones(2, dtype=glassnet.float64), glassnet.ones(2)
    )
    assert f32.dtype == np.float32 and f32.tolist() == [1.5, 1.5]
    with pytest.raises(ValueError, match="addcmul_: the result's shape \\(2, 2\\) does not match"):
        glassnet.zeros(2).addcmul_(glassnet.ones(2, 1), glassnet.ones(2))


def test_fill_diagonal_matches_torch():
    for shape, wrap in [((3, 3), False), ((5, 2), False), ((7, 3), True), ((3, 3, 3), False)]:
        g, t = glassnet.zeros(*shape), torch.zeros(*shape)
        g.fill_diagonal_(2.0, wrap=wrap)
        t.fill_diagonal_(2.0, wrap=wrap)
        np.testing.assert_array_equal(g.numpy(), t.numpy())
    with pytest.raises(ValueError, match="fill_diagonal_: dimensions must be larger than 1"):
        glassnet.zeros(3).fill_diagonal_(1.0)


# ----------------------------------------------------------------------------- the audit
COMMON = """topk sort argsort cumsum cumprod lerp nan_to_num unique bincount roll repeat_interleave
bernoulli multinomial clamp_min clamp_max new_zeros new_ones new_full new_empty new_tensor lerp_
addcmul_ addcdiv_ exp_ masked_fill_ clamp_min_ sqrt_ pow_ neg_ copy_ scatter scatter_ index_fill
index_fill_ fill_diagonal_ addmm baddbmm tril_ triu_ argmax argmin softmax log_softmax type_as
allclose any all nonzero logical_and logical_or logical_xor logical_not floor ceil round trunc frac
reciprocal sigmoid_ relu_ log2 log10 exp2 expm1 atan2 erf count_nonzero diag diagonal trace cross
outer masked_select index_add index_add_ index_copy scatter_add_ abs_ log_ tanh_ isinf isclose
movedim moveaxis ravel numel is_floating_point median kthvalue nansum nanmean aminmax mv inner
take_along_dim cummax cummin logcumsumexp fmod remainder hypot logaddexp xlogy bernoulli_
index_put_ nelement stride is_contiguous squeeze_ unsqueeze_ t_ transpose_ unfold diff take
tensor_split tile rot90 sin_ cos_ clip_ mul_ gt_""".split()


@pytest.mark.parametrize("name", COMMON)
def test_common_torch_methods_exist(name):
    assert hasattr(torch.Tensor, name), name  # the list names only real PyTorch methods
    assert callable(getattr(glassnet.Tensor, name, None)), f"Tensor.{name} is missing"


@pytest.mark.parametrize(
    "name",
    "topk sort argsort cumsum cumprod einsum lerp nan_to_num unique bincount roll "
    "repeat_interleave bernoulli multinomial numel is_tensor is_floating_point clamp_min "
    "clamp_max std_mean var_mean "
    "addcmul addcdiv floor ceil erf diag trace any all nonzero".split(),
)
def test_top_level_functions_exist(name):
    assert hasattr(torch, name)
    assert callable(getattr(glassnet, name, None)), f"glassnet.{name} is missing"


# ----------------------------------------------------------------------------- layout, shape
def test_layout_questions_match_torch():
    g, t = glassnet.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert g.nelement() == t.nelement() and g.element_size() == t.element_size()
    assert g.stride() == t.stride() and g.stride(1) == t.stride(1)
    assert g.transpose(0, 2).stride() == t.transpose(0, 2).stride()
    assert g.is_contiguous() and not g.transpose(0, 1).is_contiguous()
    assert isinstance(g.data_ptr(), int)


def test_in_place_shape_changes_match_torch_and_keep_gradients():
    x = np.random.default_rng(0).standard_normal((1, 3, 2))
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gh, th = gx * 3, tx * 3
    gh.squeeze_(0).t_().unsqueeze_(-1).transpose_(0, 2)
    th.squeeze_(0).t_().unsqueeze_(-1).transpose_(0, 2)
    assert gh.shape == tuple(th.shape)
    (gh * glassnet.tensor(np.arange(6.0).reshape(th.shape))).sum().backward()
    (th * torch.arange(6.0, dtype=torch.float64).reshape(th.shape)).sum().backward()
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy())
    p = glassnet.zeros(1, 3, requires_grad=True)
    with glassnet.no_grad():
        p.squeeze_(0)
    assert p.shape == (3,) and p.requires_grad and p.is_leaf
    with pytest.raises(RuntimeError, match="squeeze_: a leaf tensor that requires grad"):
        p.squeeze_()


def test_random_fills():
    g = glassnet.Generator(0)
    x = glassnet.empty(10000, dtype=glassnet.int64).random_(3, 7, generator=g)
    assert set(np.unique(x.numpy())) == {3, 4, 5, 6}
    assert set(np.unique(glassnet.empty(1000).random_(4, generator=g).numpy())) == {0, 1, 2, 3}
    assert glassnet.empty(100).random_(generator=g).numpy().min() >= 0
    with pytest.raises(ValueError, match="random_: expects 'from' < 'to'"):
        glassnet.empty(3).random_(5, 2)
    y = glassnet.empty(20000, dtype=glassnet.float64).log_normal_(0.0, 0.5, generator=g)
    assert abs(np.log(y.numpy()).std() - 0.5) < 0.02
    z = glassnet.empty(20000, dtype=glassnet.float64).geometric_(0.25, generator=g)
    assert z.numpy().min() >= 1 and abs(z.numpy().mean() - 4.0) < 0.15
    c = glassnet.empty(20001, dtype=glassnet.float64).cauchy_(2.0, 1.0, generator=g)
    assert abs(np.median(c.numpy()) - 2.0) < 0.05


GENERIC_IN_PLACE = [
    ("sin_", ()), ("cos_", ()), ("atan_", ()), ("expm1_", ()), ("erf_", ()), ("frac_", ()),
    ("sign_", ()), ("log1p_", ((),)), ("fmod_", (0.7,)), ("remainder_", (0.7,)),
    ("hypot_", ("other",)), ("atan2_", ("other",)), ("xlogy_", (2.0,)), ("cumprod_", (1,)),
    ("clip_", (-0.5, 0.5)), ("negative_", ()), ("multiply_", ("other",)),
    ("subtract_", ("other",)), ("divide_", ("other",)), ("gt_", (0.1,)), ("eq_", ("other",)),
    ("addmm_", ("mat", "mat")), ("copysign_", ("other",)), ("logit_", ()),
]  # fmt: skip


@pytest.mark.parametrize("name,args", GENERIC_IN_PLACE)
def test_generic_in_place_forms_match_torch(name, args):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 0.9, (3, 3))
    other = rng.uniform(0.1, 0.9, (3, 3))
    args = () if args == ((),) else args

    def made(lib):
        return tuple(lib.tensor(other) if a in ("other", "mat") else a for a in args)

    g, t = glassnet.tensor(x), torch.tensor(x)
    assert getattr(g, name)(*made(glassnet)) is g
    getattr(t, name)(*made(torch))
    np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-12)


def test_aliases_and_dtype_helpers_match_torch():
    g, t = glassnet.tensor([[1.0, -2.0]]), torch.tensor([[1.0, -2.0]])
    for name in ("greater", "less", "greater_equal", "less_equal", "not_equal"):
        assert getattr(g, name)(0.0).tolist() == getattr(t, name)(0.0).tolist()
    assert g.swapdims(0, 1).shape == tuple(t.swapdims(0, 1).shape)
    assert g.multiply(2).tolist() == t.multiply(2).tolist()
    assert g.broadcast_to((3, 2)).shape == (3, 2)
    assert g.reshape_as(glassnet.zeros(2, 1)).shape == (2, 1)
    assert g.ndimension() == 2 and g.nbytes == t.nbytes and g.itemsize == t.itemsize
    assert g.is_signed() and not glassnet.tensor([1], dtype=glassnet.uint8).is_signed()
    assert not g.is_complex()
    for name in ("half", "short", "char", "byte"):
        assert getattr(g, name)().dtype == getattr(t, name)().numpy().dtype
