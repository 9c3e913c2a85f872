"""tile, fliplr, flipud and rot90 against PyTorch (values and gradients) and their errors."""

import numpy as np
import pytest
import torch

import glassnet
from tests.ops._compare import compare_with_torch


@pytest.mark.parametrize(
    "k,dims", [(1, (0, 1)), (2, (0, 1)), (3, (1, 0)), (-1, (0, 2)), (4, (1, 2))]
)
def test_rot90_matches_torch(k, dims):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    compare_with_torch(lambda t: t.rot90(k, dims), lambda t: t.rot90(k, dims), [x])
    with pytest.raises(ValueError, match="rot90: expected total rotation dims == 2"):
        glassnet.rot90(glassnet.tensor(x), 1, (0,))
    with pytest.raises(ValueError, match="rot90: expected the rotation dims to differ"):
        glassnet.rot90(glassnet.tensor(x), 1, (1, -2))


@pytest.mark.parametrize(
    "shape,dims", [((2, 3), (2,)), ((3,), (2, 2)), ((2, 1, 3), (1, 2, 1, 2)), ((), (3,))]
)
def test_tile_fliplr_flipud_match_torch(shape, dims):
    x = np.asarray(np.random.default_rng(0).standard_normal(shape))
    compare_with_torch(lambda t: t.tile(dims), lambda t: t.tile(dims), [x])
    if len(shape) >= 2:
        compare_with_torch(glassnet.fliplr, torch.fliplr, [x])
    if len(shape) >= 1:
        compare_with_torch(lambda t: t.flipud(), lambda t: t.flipud(), [x])
    with pytest.raises(ValueError, match="fliplr: input must be >= 2-d"):
        glassnet.fliplr(glassnet.zeros(3))
    with pytest.raises(ValueError, match="flipud: input must be >= 1-d"):
        glassnet.flipud(glassnet.tensor(1.0))
