"""The op methods of Tensor are written out in glassnet/tensor_methods/ (no setattr loop), each
with its op's signature, and each calls that op."""

import inspect

import numpy as np
import pytest

import glassnet
from glassnet import tensor_methods
from glassnet.ops import TENSOR_METHODS
from glassnet.ops import reduce as ops_reduce
from glassnet.tensor_methods.lazy import OpsModule

MIXINS = [getattr(tensor_methods, name) for name in tensor_methods.__all__]


def op_of(name: str):
    """The op function behind `glassnet.ops.<name>` (`norm` is shadowed by the ops.norm module)."""
    return ops_reduce.norm if name == "norm" else getattr(glassnet.ops, name)


def params_after_first(fn) -> list:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [(p.name, p.kind, p.default) for p in params]


def test_tensor_inherits_every_mixin():
    assert all(issubclass(glassnet.Tensor, mixin) for mixin in MIXINS)
    assert all(mixin.__slots__ == () for mixin in MIXINS)  # tensors stay without a __dict__
    assert not hasattr(glassnet.tensor([1.0]), "__dict__")


@pytest.mark.parametrize("name", TENSOR_METHODS)
def test_op_method_is_written_in_a_mixin_with_the_op_signature(name):
    owners = [mixin for mixin in MIXINS if name in vars(mixin)]
    assert len(owners) == 1, f"Tensor.{name} must be defined in exactly one mixin"
    method = vars(owners[0])[name]
    assert params_after_first(method) == params_after_first(op_of(name))
    assert method.__doc__, f"Tensor.{name} needs a docstring"


@pytest.mark.parametrize("name", sorted(vars(tensor_methods.TensorInPlaceMethods)))
def test_in_place_method_has_the_op_signature(name):
    if not name.endswith("_") or name.startswith("__"):
        return
    method = vars(tensor_methods.TensorInPlaceMethods)[name]
    assert params_after_first(method) == params_after_first(op_of(name[:-1]))


def test_in_place_method_writes_the_op_result_into_the_tensor():
    x = glassnet.tensor([0.5, -0.25])
    view = x.data
    assert x.atan2_(glassnet.tensor([1.0, 2.0])) is x
    np.testing.assert_allclose(view.numpy(), np.arctan2([0.5, -0.25], [1.0, 2.0]), rtol=1e-6)


def test_ops_module_imports_on_first_read_and_caches():
    lazy = OpsModule("glassnet.ops.reduce")
    assert "sum" not in vars(lazy)
    assert lazy.sum is ops_reduce.sum
    assert vars(lazy)["sum"] is ops_reduce.sum
    with pytest.raises(AttributeError):
        lazy.no_such_op  # noqa: B018
