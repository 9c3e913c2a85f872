"""glassnet/kernels/im2col.py: the column chunks, wide rows and the policy that picks them
(the convolutions built on them are checked against torch in test_conv.py)."""

import numpy as np
import pytest

from glassnet.kernels import im2col as im2col_ops
from tests.ops._torch_pair import randn


def test_column_chunks_cover_im2col_and_stay_small(monkeypatch):
    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", 3 * 3 * 3 * 16 * 2)  # two 4x4 images' columns
    xp = im2col_ops.pad_hw(randn((5, 3, 4, 4), 1), (1, 1, 1, 1))
    geometry = ((3, 3), (1, 1), (1, 1), (4, 4))
    full = im2col_ops.im2col(xp, *geometry).reshape(1, 27, 5 * 16)
    seen = []
    for n0, n1, cols in im2col_ops.column_chunks(xp, geometry, groups=1):
        assert cols.size <= im2col_ops.COLS_CHUNK
        np.testing.assert_array_equal(cols, full[:, :, n0 * 16 : n1 * 16])
        seen.append((n0, n1))
    assert seen == [(0, 2), (2, 4), (4, 5)]


@pytest.mark.parametrize("pads", [(1, 1, 1, 1), (0, 1, 2, 0)])
def test_wide_rows_hold_the_columns_plus_junk(pads):
    """Wide rows: each output row runs over the padded width; its first Wo columns are the
    ordinary im2col columns (the rest are junk the callers drop)."""
    xp = im2col_ops.pad_hw(randn((3, 2, 5, 6), 1), pads)
    Hp, Wp = xp.shape[2:]
    Ho, Wo = Hp - 2, Wp - 2
    geometry = ((3, 3), (1, 1), (1, 1), (Ho, Wo))
    narrow = im2col_ops.im2col(xp, *geometry)  # (C, kh, kw, N, Ho, Wo)
    (_, _, cols), *rest = im2col_ops.column_chunks(xp, geometry, groups=1, wide=True)
    assert not rest
    wide = cols.reshape(2, 3, 3, 3, Ho, Wp)
    np.testing.assert_array_equal(wide[..., :Wo], narrow)


def test_wide_rows_are_used_only_where_they_pay():
    use_wide_rows = im2col_ops.use_wide_rows
    assert use_wide_rows((1, 1), (1, 1), 16, 28, 30)  # ResNet 3x3, 16 channels
    assert use_wide_rows((1, 1), (1, 1), 64, 7, 9)  # its last stage
    assert use_wide_rows((1, 1), (1, 1), 16, 10, 14)  # LeNet-5's unpadded 5x5 (copied first)
    assert use_wide_rows((1, 1), (1, 1), 512, 7, 7)  # 1x1: no junk at all
    assert not use_wide_rows((1, 1), (1, 1), 256, 14, 16)  # wide layers: too many junk products
    assert not use_wide_rows((2, 2), (1, 1), 16, 14, 30)  # strided
    assert not use_wide_rows((1, 1), (2, 2), 16, 28, 32)  # dilated


def test_padded_buffer_keeps_slack_after_its_last_plane():
    """A wide window of the last plane reads up to kw - 1 numbers past it: pad_hw's buffer must
    extend beyond the returned array (and copy=True makes one even without padding)."""
    x = randn((2, 3, 4, 5), 1)
    for pads, copy in (((1, 1, 1, 1), False), ((0, 0, 0, 0), True)):
        xp = im2col_ops.pad_hw(x, pads, copy=copy)
        assert not np.shares_memory(xp, x)
        assert xp.base is not None and xp.base.size >= xp.size + xp.shape[3]
    assert im2col_ops.pad_hw(x, (0, 0, 0, 0)) is x


def test_padded_buffers_of_one_size_but_other_layouts_keep_their_borders():
    """(1, 1, 4, 1) and (1, 2, 1, 1) padded by one row top and bottom need buffers of one size;
    rows 2-3 are interior in the first and border in the second: the second must read zeros
    there, not the first call's numbers (a conv2d gave 45.3 instead of 0.10 before)."""
    first = im2col_ops.pad_hw(np.full((1, 1, 4, 1), 100.0), (1, 1, 0, 0))
    second = im2col_ops.pad_hw(np.ones((1, 2, 1, 1)), (1, 1, 0, 0))
    assert first.size == second.size
    np.testing.assert_array_equal(second[0, :, :, 0], [[0, 1, 0], [0, 1, 0]])
