"""glassnet.bfloat16: a dtype scripts can name and pass around; making a tensor of it (factories,
Tensor.to, Module.to, names) is refused with a message that says why and what to use."""

import pytest

import glassnet

MESSAGE = "dtype glassnet.bfloat16 is not supported: NumPy has no bfloat16 type"


def test_bfloat16_can_be_named():
    table = {"float32": glassnet.float32, "bfloat16": glassnet.bfloat16}
    assert repr(table["bfloat16"]) == "glassnet.bfloat16"
    assert glassnet.bfloat16.is_floating_point
    assert glassnet.float32 != glassnet.bfloat16 and glassnet.bfloat16 == glassnet.bfloat16
    assert glassnet.zeros(2).dtype != glassnet.bfloat16


@pytest.mark.parametrize(
    "make",
    [
        lambda: glassnet.zeros(2, dtype=glassnet.bfloat16),
        lambda: glassnet.tensor([1.0], dtype=glassnet.bfloat16),
        lambda: glassnet.randn(2, dtype="bfloat16"),
        lambda: glassnet.zeros(2).to(glassnet.bfloat16),
        lambda: glassnet.zeros(2).to("cpu", "torch.bfloat16"),
        lambda: glassnet.nn.Linear(2, 2).to(glassnet.bfloat16),
        lambda: glassnet.set_default_dtype(glassnet.bfloat16),
    ],
)
def test_bfloat16_tensors_are_refused_clearly(make):
    with pytest.raises(TypeError, match=MESSAGE):
        make()
    assert glassnet.get_default_dtype() == glassnet.float32
