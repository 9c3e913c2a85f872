"""A layer given something that is not a Tensor says so, naming the layer (issue 13)."""

import numpy as np
import pytest

import glassnet
import glassnet.nn as nn


@pytest.mark.parametrize(
    "layer", [nn.Linear(4, 2), nn.LayerNorm(4), nn.Sequential(nn.Linear(4, 2), nn.ReLU())]
)
def test_numpy_input_to_a_layer_is_a_type_error_saying_how_to_wrap_it(layer):
    x = np.ones((3, 4), dtype=np.float32)
    with pytest.raises(TypeError, match=r"Linear|LayerNorm") as info:
        layer(x)
    assert "must be a glassnet Tensor, got numpy.ndarray" in str(info.value)
    assert "glassnet.tensor(x)" in str(info.value) and "from_numpy" in str(info.value)


def test_a_list_input_is_refused_the_same_way():
    with pytest.raises(
        TypeError, match="Linear: input 0 must be a glassnet Tensor, got builtins.list"
    ):
        nn.Linear(2, 1)([[1.0, 2.0]])


def test_an_attribute_error_of_a_layer_given_a_tensor_is_not_hidden():
    class Broken(nn.Module):
        def forward(self, x):
            return x.no_such_attribute

    with pytest.raises(AttributeError, match="no_such_attribute"):
        Broken()(glassnet.ones(2))


@pytest.mark.parametrize("norm", [nn.LayerNorm(3), nn.BatchNorm1d(3), nn.GroupNorm(1, 3)])
def test_norm_layers_keep_float16_input_float16_as_torch(norm):
    y = norm(glassnet.randn(4, 3, dtype=glassnet.float16))
    assert y.dtype == glassnet.float16


@pytest.mark.parametrize("norm", [nn.LayerNorm(3), nn.BatchNorm1d(3), nn.RMSNorm(3)])
def test_norm_layers_refuse_integer_input_as_torch(norm):
    with pytest.raises(TypeError, match="norm: expected a floating-point tensor, got dtype int64"):
        norm(glassnet.ones(4, 3, dtype=glassnet.int64))
