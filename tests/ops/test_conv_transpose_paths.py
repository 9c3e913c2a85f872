"""Transposed convolutions run on the convolution kernels (their forward is a convolution's
input gradient, their backward a convolution and its weight gradient): every kernel path the
shapes pick (batch innermost, flat rows, wide rows, narrow columns, 1x1, depthwise, grouped,
strided, dilated, output_padding) against torch, in float64 and float32."""

import numpy as np
import pytest
import torch.nn.functional as TF

from glassnet.nn import functional as F
from tests.ops._torch_pair import both, randn

CASES = [
    # N, Cin, H, W, Cout/g, k, stride, padding, output_padding, dilation, groups
    (8, 16, 4, 4, 8, 4, 2, 1, 0, 1, 1),  # DCGAN's upsampling (batch innermost)
    (8, 8, 8, 8, 4, 4, 2, 1, 0, 1, 1),
    (2, 6, 9, 9, 4, 3, 1, 1, 0, 1, 1),  # size-keeping: flat rows
    (3, 4, 7, 6, 5, 3, 1, 0, 0, 1, 1),  # stride 1, valid: wide rows
    (2, 4, 5, 7, 3, 5, 1, 2, 0, 1, 1),
    (10, 4, 5, 5, 3, 3, 2, 1, 1, 1, 1),  # output_padding
    (2, 6, 5, 5, 2, 3, 2, 0, 1, 2, 3),  # grouped, dilated
    (9, 4, 3, 3, 1, 3, 1, 1, 0, 1, 4),  # depthwise
    (2, 4, 6, 6, 6, 1, 1, 0, 0, 1, 1),  # 1x1
    (2, 4, 6, 6, 6, 1, 2, 0, 1, 1, 1),  # strided 1x1
    (1, 100, 1, 1, 16, 4, 1, 0, 0, 1, 1),  # a generator's first layer (noise -> 4x4)
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_conv_transpose2d_paths_match_torch(case, dtype):
    N, C, H, W, Og, k, s, p, op, d, g = case
    arrays = [
        randn((N, C, H, W), 1, dtype),
        randn((C, Og, k, k), 2, dtype),
        randn((Og * g,), 3, dtype),
    ]
    kwargs = dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
    tol = dict(rtol=1e-9, atol=1e-10) if dtype == np.float64 else dict(rtol=2e-4, atol=2e-4)
    both(
        lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv_transpose2d(x, w, b, **kwargs),
        arrays,
        **tol,
    )


@pytest.mark.parametrize("stride, padding, output_padding", [(1, 0, 0), (2, 1, 1), (3, 2, 0)])
def test_conv_transpose1d_paths_match_torch(stride, padding, output_padding):
    arrays = [randn((9, 4, 11), 1), randn((4, 3, 4), 2), randn((3,), 3)]
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding)
    both(
        lambda x, w, b: F.conv_transpose1d(x, w, b, **kwargs),
        lambda x, w, b: TF.conv_transpose1d(x, w, b, **kwargs),
        arrays,
    )
