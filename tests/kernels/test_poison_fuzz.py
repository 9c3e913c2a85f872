"""The fuzz tables' convolution, pooling, fold, GELU and batch-norm rows (tests/fuzz) run in
poison mode (glassnet/kernels/cache.py): with every undefined buffer filled with NaN they must
still match PyTorch. Here 8 fixed examples per row, in the normal suite; a dedicated run:

    GLASSNET_FUZZ=long python -m pytest tests/kernels/test_poison_fuzz.py

and every fuzz table (every op, each poisoned from import on):

    GLASSNET_POISON_WORKSPACES=1 python -m pytest tests/fuzz
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glassnet.kernels.cache import poisoned
from tests.fuzz.harness import FUZZ, Spec, check
from tests.fuzz.table_layers import LAYERS
from tests.fuzz.table_nn import FUNCTIONAL

KERNEL_WORDS = ("conv", "pool", "fold", "gelu", "batch_norm", "batchnorm")
SPECS = [s for s in FUNCTIONAL + LAYERS if any(w in s.name.lower() for w in KERNEL_WORDS)]

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


def test_the_kernel_rows_are_all_there():
    assert len(SPECS) >= 20


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@FUZZ
@given(data=st.data())
def test_kernel_rows_match_torch_poisoned(spec: Spec, data) -> None:
    case = data.draw(spec.cases)
    with poisoned():
        check(spec, case)
