"""Fuzz the creation functions and the Tensor methods (op methods and the others)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, Spec, check
from tests.fuzz.table_ops import SPECS
from tests.fuzz.table_tensor import CREATION, METHODS, in_place_specs, method_specs

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


ALL = CREATION + METHODS + method_specs(SPECS) + in_place_specs(SPECS)


@pytest.mark.parametrize("spec", ALL, ids=lambda s: s.name)
@FUZZ
@given(data=st.data())
def test_tensor_function_matches_torch_or_raises_cleanly(spec: Spec, data) -> None:
    check(spec, data.draw(spec.cases))
