"""Fuzz every top-level glassnet op (function and Tensor-method forms) against PyTorch 2.13."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, Spec, check
from tests.fuzz.table_ops import SPECS

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@FUZZ
@given(data=st.data())
def test_op_matches_torch_or_raises_cleanly(spec: Spec, data) -> None:
    check(spec, data.draw(spec.cases))
