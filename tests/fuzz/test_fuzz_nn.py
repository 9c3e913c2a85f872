"""Fuzz every `glassnet.nn.functional` function and every `glassnet.nn` layer against PyTorch."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, Spec, check
from tests.fuzz.table_layers import LAYERS
from tests.fuzz.table_nn import FUNCTIONAL

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


@pytest.mark.parametrize("spec", FUNCTIONAL, ids=lambda s: s.name)
@FUZZ
@given(data=st.data())
def test_functional_matches_torch_or_raises_cleanly(spec: Spec, data) -> None:
    check(spec, data.draw(spec.cases))


@pytest.mark.parametrize("spec", LAYERS, ids=lambda s: s.name)
@FUZZ
@given(data=st.data())
def test_layer_matches_torch_or_raises_cleanly(spec: Spec, data) -> None:
    check(spec, data.draw(spec.cases))
