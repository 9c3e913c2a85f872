"""glassnet.Tensor: attributes, conversions, dtype rules, in-place updates on leaves under no_grad,
the Python protocols (len, iter, bool, float, index), NumPy interplay and the error messages."""

import numpy as np
import pytest
import torch

import glassnet


def test_attributes_match_torch():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    g, t = glassnet.tensor(a), torch.tensor(a)
    assert g.shape == tuple(t.shape) and g.size() == tuple(t.size()) and g.size(1) == t.size(1)
    assert g.ndim == t.ndim and g.dim() == t.dim() and g.numel() == t.numel()
    assert g.dtype == glassnet.float32 == np.float32
    np.testing.assert_array_equal(g.T._data, t.T.numpy())
    np.testing.assert_array_equal(g.mT._data, t.mT.numpy())
    assert g.device == "cpu" and g.is_floating_point()
    assert not glassnet.tensor([1]).is_floating_point()
    assert g.requires_grad is False and g.grad is None and g.is_leaf and g.grad_fn is None


def test_dtype_names():
    assert glassnet.float32 == np.float32 and glassnet.float64 == np.float64
    assert glassnet.int64 == np.int64 and glassnet.int32 == np.int32
    assert glassnet.bool == np.bool_ and glassnet.long == glassnet.int64
    assert glassnet.double == glassnet.float64 and glassnet.float == glassnet.float32
    for name, dtype in [("float32", np.float32), ("long", np.int64), ("torch.float64", np.float64)]:
        assert glassnet.zeros(1, dtype=name).dtype == dtype
    with pytest.raises(TypeError, match="unknown dtype 'quad'"):
        glassnet.zeros(1, dtype="quad")


def test_default_dtype_can_be_switched_to_float64():
    glassnet.set_default_dtype(glassnet.float64)
    try:
        assert glassnet.tensor([1.5]).dtype == glassnet.float64
        assert glassnet.zeros(2).dtype == glassnet.float64
    finally:
        glassnet.set_default_dtype(glassnet.float32)
    assert glassnet.tensor([1.5]).dtype == glassnet.float32
    with pytest.raises(TypeError, match="set_default_dtype: only floating dtypes"):
        glassnet.set_default_dtype(glassnet.int64)


def test_conversions():
    x = glassnet.tensor([[1.5, -2.0]])
    assert x.tolist() == [[1.5, -2.0]]
    assert glassnet.tensor(3.5).item() == 3.5 and isinstance(glassnet.tensor(3).item(), int)
    assert isinstance(x.numpy(), np.ndarray) and x.numpy() is x._data
    assert x.double().dtype == glassnet.float64 and x.float() is x
    assert x.long().dtype == glassnet.int64 and x.long().tolist() == [[1, -2]]
    assert x.int().dtype == glassnet.int32 and x.bool().dtype == glassnet.bool
    assert x.astype(glassnet.float64).dtype == glassnet.float64
    assert x.astype("float16").dtype == np.float16
    assert x.type(glassnet.int64).dtype == glassnet.int64
    assert x.type_as(glassnet.tensor([1])).dtype == glassnet.int64
    np.testing.assert_array_equal(np.asarray(x), x._data)
    assert np.asarray(x, dtype=np.float64).dtype == np.float64


def test_to_accepts_devices_dtypes_and_tensors():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    assert x.to("cpu") is x and x.cpu() is x
    assert x.to(glassnet.float64).dtype == glassnet.float64
    assert x.to("cpu", glassnet.float64).dtype == glassnet.float64
    assert x.to(dtype=glassnet.float64, device="cpu").dtype == glassnet.float64
    assert x.to(glassnet.tensor([1])).dtype == glassnet.int64
    assert x.to("float64").dtype == glassnet.float64
    y = x.to("cpu", copy=True)
    assert y is not x and y._data is not x._data and y.requires_grad
    x.to(glassnet.float64).sum().backward()  # .to(dtype) is differentiable
    assert x.grad.dtype == glassnet.float32
    with pytest.raises(ValueError, match="to: glassnet runs on the CPU only; device 'cuda'"):
        x.to("cuda")


def test_detach_clone_and_requires_grad_():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d._data is x._data
    c = x.clone()
    assert c.requires_grad and not c.is_leaf and c._data is not x._data
    w = glassnet.tensor([1.0]).requires_grad_()
    assert w.requires_grad
    with pytest.raises(RuntimeError, match="only tensors of floating point dtype can require"):
        glassnet.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="only leaf tensors can be detached this way"):
        c.requires_grad_(False)
    c.detach_()
    assert not c.requires_grad and c.is_leaf


def test_numpy_and_item_errors_say_what_to_do():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"requires grad; use tensor.detach\(\).numpy\(\)"):
        x.numpy()
    assert x.detach().numpy() is x._data
    with pytest.raises(ValueError, match=r"item: only a tensor with one element.*shape \(2,\)"):
        x.item()


def test_python_protocols():
    x = glassnet.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert len(x) == 2
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [3.0, 4.0]
    assert bool(glassnet.tensor([1.0])) and not bool(glassnet.tensor(0.0))
    assert float(glassnet.tensor([2.5])) == 2.5 and int(glassnet.tensor(7)) == 7
    assert [10, 20, 30][glassnet.tensor(1)] == 20  # __index__
    with pytest.raises(RuntimeError, match="truth value of a tensor with 4 elements is ambiguous"):
        bool(x)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(glassnet.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(glassnet.tensor(1.0))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][glassnet.tensor(0.0)]
    assert hash(x) != hash(glassnet.tensor([1.0]))  # hashable by identity (usable in sets/dicts)


def test_numpy_operands_on_either_side_give_tensors():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0], dtype=np.float32)
    for y in (a + x, x + a, a * x, np.float32(2) * x, a - x, a / x, a @ x):
        assert isinstance(y, glassnet.Tensor) and y.requires_grad
    (a * x).sum().backward()
    np.testing.assert_array_equal(x.grad._data, a)


def test_operators_match_torch():
    a = np.array([[1.5, -2.0], [0.5, 3.0]])
    g, t = glassnet.tensor(a), torch.tensor(a)
    for op in [
        lambda u: u + 1,
        lambda u: 1 - u,
        lambda u: u * u,
        lambda u: u / 2,
        lambda u: 2 / u,
        lambda u: u**2,
        lambda u: 2**u,
        lambda u: u @ u,
        lambda u: -u,
        lambda u: +u,
        lambda u: abs(u),
        lambda u: (u > 0) & (u < 2),
        lambda u: (u > 0) | (u < -1),
        lambda u: (u > 0) ^ (u < 2),
        lambda u: ~(u > 0),
        lambda u: u == 0.5,
        lambda u: u != 0.5,
        lambda u: u >= 0.5,
        lambda u: u <= 0.5,
    ]:
        np.testing.assert_array_equal(op(g)._data, op(t).numpy())


def test_in_place_methods_under_no_grad():
    w = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with glassnet.no_grad():
        w.mul_(2).add_(1).sub_(glassnet.tensor([1.0, 1.0, 1.0]), alpha=2).div_(2)
        np.testing.assert_array_equal(w._data, [0.5, 1.5, 2.5])
        w.clamp_(1.0, 4.0)
        np.testing.assert_array_equal(w._data, [1.0, 1.5, 2.5])
        w.copy_(glassnet.tensor([7.0]))  # broadcast, as PyTorch
        np.testing.assert_array_equal(w._data, [7.0, 7.0, 7.0])
        w.copy_(np.array([1, 2, 3]))  # an int array is cast into the float tensor
        assert w.dtype == glassnet.float32
        w.fill_(0.5)
        np.testing.assert_array_equal(w._data, [0.5, 0.5, 0.5])
        w.zero_()
        w.normal_(generator=glassnet.Generator(0))
        w.uniform_(-1, 1, generator=glassnet.Generator(0))
        assert np.all(np.abs(w._data) <= 1)
    assert w.requires_grad and w.is_leaf and w.dtype == glassnet.float32
    with pytest.raises(ValueError, match=r"copy_: source shape \(2,\) does not fit \(3,\)"):
        with glassnet.no_grad():
            w.copy_(glassnet.tensor([1.0, 2.0]))


def test_grad_of_a_leaf_can_be_zeroed_in_place():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.grad.zero_()  # the gradient itself does not require grad: allowed anywhere
    np.testing.assert_array_equal(w.grad._data, [0.0, 0.0])


def test_repr():
    assert repr(glassnet.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert "dtype=glassnet.float64" in repr(glassnet.tensor(np.array([1.0])))
    assert "requires_grad=True" in repr(glassnet.tensor([1.0], requires_grad=True))
    assert "grad_fn=<MulBackward>" in repr(glassnet.tensor([1.0], requires_grad=True) * 2)


def test_ops_are_methods_too():
    x = glassnet.tensor([[1.0, -2.0], [3.0, 0.5]])
    assert x.exp().allclose(glassnet.exp(x))
    assert x.sum(1).equal(glassnet.sum(x, 1))
    assert x.abs().max().item() == 3.0
    assert x.reshape(4).tolist() == [1.0, -2.0, 3.0, 0.5]
    assert x.where(x > 0, glassnet.zeros(2, 2)).tolist() == [[1.0, 0.0], [3.0, 0.5]]
