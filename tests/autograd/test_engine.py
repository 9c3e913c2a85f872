"""The backward engine: deep graphs without recursion, shared sub-expressions, accumulation across
calls, freeing the graph (and the errors around it), retain_graph, retain_grad, and its messages."""

import gc
import sys
import weakref

import numpy as np
import pytest
import torch

import glassnet


def test_a_chain_of_100000_ops_backpropagates_without_recursion():
    x = glassnet.tensor([0.5, -1.0], requires_grad=True)
    y = x
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # a recursive walk would need 100,000 frames
    try:
        for k in range(100_000):
            y = y * 1.0 if k % 2 else y + 0.0
        y.sum().backward()
    finally:
        sys.setrecursionlimit(old_limit)
    np.testing.assert_array_equal(x.grad._data, [1.0, 1.0])


def test_a_deep_graph_is_freed_without_backward_and_without_recursion():
    x = glassnet.ones(2, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    ref = weakref.ref(y.grad_fn)
    del y  # dropping the root must not overflow the C stack while freeing 100,000 nodes
    gc.collect()
    assert ref() is None


def test_shared_subexpressions_sum_their_gradients():
    a = np.array([0.3, -1.2, 2.0])
    g = glassnet.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    for x in (g, t):
        y = x * x
        z = y * x + y.exp() - x  # x used three times, y twice
        (z * z).sum().backward()
    np.testing.assert_allclose(g.grad._data, t.grad.numpy(), rtol=1e-12)


def test_gradients_accumulate_across_backward_calls():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (3 * x).sum().backward()
    np.testing.assert_array_equal(x.grad._data, [2 + 3, 4 + 3])
    x.grad.zero_()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad._data, [2, 4])
    x.grad = None
    x.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [1, 1])


def test_leaf_gradient_keeps_the_leaf_dtype_and_is_its_own_array():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.backward(glassnet.ones(2))
    assert x.grad.dtype == glassnet.float32 and not x.grad.requires_grad
    gy = np.ones(2, np.float32)
    x.backward(gy)  # backward on a leaf adds the gradient itself
    gy[:] = 100  # the stored gradient is a copy
    np.testing.assert_array_equal(x.grad._data, [3.0, 3.0])


def test_second_backward_through_a_freed_graph_raises():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad._data, [4.0, 8.0])
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_graph_is_freed_after_backward():
    x = glassnet.tensor(np.ones(1000), requires_grad=True)
    h = x.exp()
    y = (h * 2).sum()
    saved = weakref.ref(h.grad_fn.saved_tensors[0])  # exp saves its output array
    node = y.grad_fn
    y.backward()
    assert node._freed and not hasattr(node, "inputs")
    del h
    gc.collect()
    assert saved() is None


def test_no_reference_cycles_intermediates_die_with_refcounting():
    gc.disable()
    try:
        x = glassnet.randn(100, requires_grad=True)
        h = (x * 2).tanh()
        ref = weakref.ref(h)
        loss = (h * h).sum()
        del h
        assert ref() is not None  # the graph holds it until backward
        loss.backward()
        del loss
        assert ref() is None  # freed at once, no cycle for the collector to find
    finally:
        gc.enable()


def test_retain_grad_keeps_the_gradient_of_a_non_leaf():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad._data, [6.0, 12.0])
    assert x.grad is not None
    other = x * 3
    (other * 2).sum().backward()
    assert other.grad is None  # non-leaves keep no gradient unless asked


def test_backward_with_an_explicit_gradient():
    x = glassnet.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * x
    y.backward(glassnet.tensor([[1.0, 0.0], [0.5, 2.0]]))
    np.testing.assert_array_equal(x.grad._data, [[2.0, 0.0], [3.0, 16.0]])
    z = x.sum(0)
    z.backward(np.array([1.0, -1.0]))  # an ndarray works too
    np.testing.assert_array_equal(x.grad._data, [[3.0, -1.0], [4.0, 15.0]])


def test_detach_and_constants_stop_the_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    c = glassnet.tensor([5.0, 6.0])
    y = (x * c + x.detach() * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad._data, [5 + 1, 6 + 2])
    assert c.grad is None
    assert x.detach()._data is x._data  # shares memory, as in PyTorch


def test_requires_grad_propagates_and_is_leaf():
    x = glassnet.ones(2, requires_grad=True)
    c = glassnet.ones(2)
    assert x.is_leaf and c.is_leaf
    y = x + c
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    z = c * 2
    assert not z.requires_grad and z.is_leaf and z.grad_fn is None


def test_int_and_bool_outputs_are_cut_from_the_graph():
    x = glassnet.tensor([1.5, -2.0], requires_grad=True)
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad
    assert not x.long().requires_grad
    assert x.double().requires_grad


def test_cast_between_floats_is_differentiable():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * glassnet.tensor(np.array([3.0, 4.0]))).sum().backward()
    assert x.grad.dtype == glassnet.float32
    np.testing.assert_array_equal(x.grad._data, [3.0, 4.0])


# ----------------------------------------------------------------------------- errors
def test_backward_on_a_non_scalar_without_gradient_says_so():
    x = glassnet.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"only for scalar outputs.*shape \(2, 3\)"):
        (x * 2).backward()


def test_backward_on_a_tensor_that_does_not_require_grad_says_so():
    with pytest.raises(RuntimeError, match="does not require grad"):
        glassnet.ones(1).sum().backward()
    x = glassnet.ones(2, requires_grad=True)
    with glassnet.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_backward_with_a_gradient_of_the_wrong_shape():
    x = glassnet.ones(2, 3, requires_grad=True)
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\).*output has shape \(2, 3\)"):
        (x * 2).backward(glassnet.ones(3))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.add_(1.0),
        lambda t: t.sub_(1.0),
        lambda t: t.mul_(2.0),
        lambda t: t.div_(2.0),
        lambda t: t.zero_(),
        lambda t: t.fill_(3.0),
        lambda t: t.copy_(glassnet.zeros(2)),
        lambda t: t.clamp_(0, 1),
        lambda t: t.normal_(),
        lambda t: t.uniform_(),
        lambda t: t.__setitem__(0, 5.0),
        lambda t: t.__iadd__(1.0),
        lambda t: t.__isub__(1.0),
        lambda t: t.__imul__(2.0),
        lambda t: t.__itruediv__(2.0),
    ],
)
def test_in_place_on_a_leaf_requiring_grad_is_refused_outside_no_grad(mutate):
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
        mutate(w)
    np.testing.assert_array_equal(w._data, [1.0, 2.0])
    with glassnet.no_grad():
        out = mutate(w)  # the optimizer's way: allowed, and in place
    assert out is None or out is w


def test_in_place_updates_under_no_grad_change_the_data_in_place():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    data = w._data
    with glassnet.no_grad():
        w -= 0.5 * glassnet.tensor([2.0, 2.0])
        w.add_(glassnet.tensor([1.0, 1.0]), alpha=-2)
        w.mul_(2)
    assert w._data is data and w.dtype == glassnet.float32
    np.testing.assert_array_equal(w._data, [-4.0, -2.0])


def test_augmented_assignment_on_an_intermediate_records_a_new_node():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h += x  # an intermediate of the graph: out of place, as a new node
    h.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [3.0, 3.0])


def _both(fn, a):
    """fn on a glassnet leaf and a torch leaf made from the array a; their gradients."""
    g = glassnet.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    fn(g, glassnet).backward()
    fn(t, torch).backward()
    return g.grad._data, t.grad.numpy()


SLICE_USES = {
    # all pieces of a split, each through its own op
    "split_all": lambda x, lib: sum(
        (p * (i + 1.0)).exp().sum() for i, p in enumerate((x * 1.0).split(2, dim=1))
    ),
    # only some pieces reach the loss
    "split_some": lambda x, lib: (x * 1.0).split(2, dim=1)[1].square().sum(),
    # one piece used twice, and the whole tensor used beside its slices
    "piece_twice_and_whole": lambda x, lib: (
        lambda y: (y[:, :2] * y[:, :2]).sum() + y[:, 2:].sum() + (y * y).sum()
    )(x * 1.0),
    # a tensor with a shared gradient (an add hands the same array to both inputs) also sliced
    "shared_and_sliced": lambda x, lib: (
        lambda u, v: (u + v).sum() + (u[0:2] * 3.0).sum() + (v[1] * v[1]).sum()
    )(x * 1.0, x * 2.0),
    # slices of a leaf itself, overlapping, and ints
    "leaf_slices": lambda x, lib: x[:, 1:3].sum() + (x[:, 2:] ** 2).sum() + x[1].sum() * 2.0,
}


@pytest.mark.parametrize("use", list(SLICE_USES))
def test_gradients_of_slices_add_up_like_torch(use):
    """Basic-index slices hand the engine (index, gy) pairs that it adds into one array; every
    way of combining them must give torch's gradient, and no shared array may be written."""
    a = np.random.default_rng(0).standard_normal((3, 5))
    got, expected = _both(SLICE_USES[use], a)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_slice_gradients_accumulate_into_an_existing_leaf_gradient_and_keep_its_dtype():
    x = glassnet.tensor(np.ones((2, 4), np.float32), requires_grad=True)
    x[:, :2].sum().backward()
    first = x.grad
    x[:, 1:].sum().backward()
    assert x.grad is first and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad._data, [[1, 2, 1, 1], [1, 2, 1, 1]])


def test_slice_gradients_with_retain_graph_and_retain_grad():
    a = np.arange(6.0).reshape(2, 3)
    results = []
    for lib, x in ((glassnet, glassnet.tensor(a, requires_grad=True)),
                   (torch, torch.tensor(a, requires_grad=True))):  # fmt: skip
        y = x * 2.0
        y.retain_grad()
        q, k, v = y.split(1, dim=1)
        loss = (q * k).sum() + v.sum()
        loss.backward(retain_graph=True)
        first = np.array(y.grad._data if lib is glassnet else y.grad.numpy())
        loss.backward()  # a second pass through the same graph adds the same again
        results.append([first, y.grad, x.grad])
    (g_first, g_y, g_x), (t_first, t_y, t_x) = results
    np.testing.assert_array_equal(g_first, [[2, 0, 1], [8, 6, 1]])
    np.testing.assert_array_equal(g_first, t_first)
    np.testing.assert_array_equal(g_y._data, t_y.numpy())
    np.testing.assert_array_equal(g_x._data, t_x.numpy())
