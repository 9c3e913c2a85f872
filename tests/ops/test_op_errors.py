"""Issue 13's op-level failures: each gives PyTorch's value or a glassnet error whose message
names the op and what is wrong (never a raw NumPy/Python exception)."""

import numpy as np
import pytest
import torch

import glassnet
import glassnet.nn.functional as F
from glassnet.autograd.function import GlassnetShapeError, GlassnetTypeError, GlassnetValueError


def test_batch_norm_with_no_channels_returns_the_empty_input_as_torch():
    x = glassnet.zeros(2, 0, 3, requires_grad=True)
    y = F.batch_norm(x, None, None, training=True)
    assert y.shape == (2, 0, 3)
    y.sum().backward()
    assert x.grad.shape == (2, 0, 3)


def test_argmax_over_an_empty_dim_names_the_op_and_shape():
    with pytest.raises(
        ValueError, match=r"argmax: cannot reduce an empty tensor of shape \(0, 4\)"
    ):
        glassnet.zeros(0, 4).argmax(dim=0)
    with pytest.raises(ValueError, match="argmin: cannot reduce an empty tensor"):
        glassnet.zeros(0).argmin()


def test_argmax_over_a_nonempty_dim_of_an_empty_tensor_is_empty_as_torch():
    assert glassnet.zeros(0, 4).argmax(dim=1).shape == (0,)
    assert glassnet.zeros(0, 4).amax(dim=1).shape == (0,)


def test_avg_pool_on_int64_truncates_as_torch():
    x = np.arange(32).reshape(1, 2, 4, 4) * 3 - 20
    y = F.avg_pool2d(glassnet.tensor(x), 2)
    want = torch.nn.functional.avg_pool2d(torch.tensor(x), 2)
    assert y.dtype == glassnet.int64
    np.testing.assert_array_equal(y.numpy(), want.numpy())
    with pytest.raises(TypeError, match="avg_pool1d: not implemented for bool"):
        F.avg_pool1d(glassnet.tensor(x[0] > 0), 2)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
@pytest.mark.parametrize("data", [[1, 2], [True, False]])
def test_softmax_of_integers_or_bools_is_refused_as_torch(fn, data):
    with pytest.raises(GlassnetTypeError, match=r"softmax: expected a floating-point tensor"):
        fn(glassnet.tensor(data), dim=0)


@pytest.mark.parametrize("data", [[1, 2], [True, False]])
def test_sigmoid_of_integers_or_bools_is_float32_as_torch(data):
    y = F.sigmoid(glassnet.tensor(data))
    want = torch.sigmoid(torch.tensor(data))
    assert y.dtype == glassnet.float32
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["exp", "log1p", "sqrt", "sin", "cos", "tanh", "logsumexp"])
def test_float_math_of_integers_is_the_default_float_as_torch(name):
    args = (0,) if name == "logsumexp" else ()
    y = getattr(glassnet, name)(glassnet.tensor([1, 2]), *args)
    want = getattr(torch, name)(torch.tensor([1, 2]), *args)
    assert y.dtype == glassnet.float32
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-6)


def test_sdpa_on_integer_inputs_is_a_glassnet_error():
    q = glassnet.ones(1, 2, 2, dtype=glassnet.int64)
    with pytest.raises(TypeError, match="scaled_dot_product_attention: expected a floating-point"):
        F.scaled_dot_product_attention(q, q, q)


def test_prod_backward_on_an_empty_tensor_gives_an_empty_gradient():
    x = glassnet.zeros(0, requires_grad=True)
    y = x.prod()
    assert y.item() == 1.0
    y.backward()
    assert x.grad.shape == (0,)


def test_embedding_backward_with_no_indices_gives_a_zero_gradient():
    w = glassnet.randn(5, 3, requires_grad=True)
    F.embedding(glassnet.tensor([], dtype=glassnet.int64), w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros((5, 3), np.float32))


@pytest.mark.parametrize("value", [1e30, float("nan"), float("inf")])
def test_masked_fill_with_a_value_the_dtype_cannot_hold_names_value_and_dtype(value):
    x = glassnet.zeros(3, dtype=glassnet.int32)
    mask = glassnet.tensor([True, False, True])
    with pytest.raises(ValueError, match=r"masked_fill: value .* cannot be converted to .*int32"):
        x.masked_fill(mask, value)


def test_masked_fill_truncates_a_float_into_an_integer_tensor_as_torch():
    y = glassnet.zeros(2, dtype=glassnet.int32).masked_fill(glassnet.tensor([True, False]), 2.5)
    assert y.tolist() == [2, 0] and y.dtype == glassnet.int32


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std_of_integers_are_refused_as_torch(name):
    with pytest.raises(
        TypeError, match=f"{name}: expected a floating-point tensor, got dtype int64"
    ):
        getattr(glassnet.tensor([1, 2]), name)()


def test_mean_of_integers_is_refused_as_torch():
    with pytest.raises(TypeError, match="mean: input dtype should be floating point"):
        glassnet.tensor([1, 2]).mean()


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_keeps_float16(approximate):
    x = np.array([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=np.float16)
    y = F.gelu(glassnet.tensor(x), approximate=approximate)
    want = torch.nn.functional.gelu(torch.from_numpy(x), approximate=approximate)
    assert y.dtype == glassnet.float16
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=2e-3, atol=1e-3)


@pytest.mark.parametrize(
    "data, kind",
    [("abc", "str"), (["a", "b"], "list"), (1 + 2j, "complex"), ([1, None], "list")],
)
def test_tensor_refuses_strings_complex_and_objects(data, kind):
    with pytest.raises(TypeError, match=f"tensor: .*{kind}"):
        glassnet.tensor(data)


def test_tensor_of_a_ragged_list_or_huge_int_is_a_value_error():
    with pytest.raises(ValueError, match="tensor: cannot convert list"):
        glassnet.tensor([[1], [1, 2]])
    with pytest.raises((TypeError, ValueError), match="tensor"):
        glassnet.tensor(2**70)


def test_from_numpy_and_as_tensor_refuse_complex_arrays():
    a = np.zeros(2, dtype=np.complex64)
    with pytest.raises(TypeError, match="from_numpy: .*complex64"):
        glassnet.from_numpy(a)
    with pytest.raises(TypeError, match="as_tensor: .*complex64"):
        glassnet.as_tensor(a)


def test_bce_target_outside_0_1_is_refused_as_torch():
    with pytest.raises(
        ValueError, match=r"binary_cross_entropy: all elements of target .*\[0, 1\]"
    ):
        F.binary_cross_entropy(glassnet.tensor([0.5]), glassnet.tensor([2.0]))


def test_bce_with_logits_accepts_any_target_as_torch():
    got = F.binary_cross_entropy_with_logits(glassnet.tensor([0.5]), glassnet.tensor([2.0]))
    want = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor([0.5]), torch.tensor([2.0])
    )
    np.testing.assert_allclose(got.item(), want.item(), rtol=1e-6)


def test_numpy_errors_inside_an_op_become_named_glassnet_errors():
    # bool tensors have no subtraction in NumPy: the op's name and the inputs are in the message
    with pytest.raises(GlassnetTypeError, match=r"bool"):
        glassnet.tensor([True]) - glassnet.tensor([False])
    with pytest.raises(GlassnetShapeError, match=r"\(2,\) float32, \(3,\) float32"):
        glassnet.ones(2) + glassnet.ones(3)
    assert issubclass(GlassnetValueError, ValueError)


def test_an_op_given_a_numpy_array_names_the_op():
    with pytest.raises(TypeError, match="relu: expected Tensor inputs, got \\(ndarray\\)"):
        glassnet.relu(np.ones(2))


def test_linear_with_mismatched_dtypes_is_refused_as_torch():
    x = glassnet.ones(2, 3, dtype=glassnet.float16)
    w = glassnet.ones(4, 3, dtype=glassnet.int64)
    with pytest.raises(TypeError, match=r"linear: input \(float16\), weight \(int64\)"):
        F.linear(x, w)


def test_in_place_update_that_cannot_keep_the_dtype_is_explained():
    with pytest.raises(TypeError, match="add_: result type of bool and float"):
        glassnet.tensor([True]).add_(0.5)


def test_unbind_and_chunk_of_a_0d_tensor_are_refused_as_torch():
    with pytest.raises(IndexError, match="unbind: expects a tensor with at least 1 dimension"):
        glassnet.tensor(1.0).unbind()
    with pytest.raises(IndexError, match="chunk: expects a tensor with at least 1 dimension"):
        glassnet.tensor(1.0).chunk(2)
    assert len(glassnet.zeros(0).chunk(2)) == len(torch.zeros(0).chunk(2))
