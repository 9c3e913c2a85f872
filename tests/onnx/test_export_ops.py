"""The tensor ops one by one (inside a module with a parameter, so the graph has weights):
onnxruntime and glassnet.onnx.load agree with glassnet, at two batch sizes."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
import glassnet as G
from glassnet import nn
from tests.onnx.helpers import check_roundtrip

rng = np.random.default_rng(0)
MASK = np.array([True, False, True, False, False])
INDEX = np.array([4, 0, 2])

OPS = {
    "exp_log_sqrt": lambda x: G.log(G.exp(x) + 1.0) + G.sqrt(x.abs()) + G.rsqrt(x * x + 1.0),
    "log1p_sin_cos": lambda x: G.log1p(x.abs()) + G.sin(x) * G.cos(x),
    "sign_neg_div": lambda x: x.sign() - (-x) / (x.abs() + 2.0),
    "pow": lambda x: x.abs() ** 1.5 + x**2 + G.pow(x.abs() + 1.0, x),
    "clamp": lambda x: x.clamp(-0.5, 0.7) + x.clamp(min=0.1),
    "maximum_minimum_where": lambda x: G.where(x > 0, G.maximum(x, x * 2), G.minimum(x, -x)),
    "sum_mean": lambda x: x.sum(dim=1, keepdim=True) + x.mean(dim=-1)[:, None] + x.sum(),
    "amax_amin_max": lambda x: x.amax(dim=1) + x.amin(dim=1) + x.max(dim=1)[0],
    "prod_logsumexp": lambda x: x.prod(dim=1) + x.logsumexp(dim=1),
    "var_std_norm": lambda x: x.var(dim=1) + x.std(dim=1, correction=0) + x.norm(dim=1),
    "permute_repeat": lambda x: x.reshape(-1, 5, 1).permute(0, 2, 1).repeat(1, 2, 1).flatten(1),
    "stack_unbind": lambda x: (
        G.stack([x, x * 2], dim=1).sum(dim=1) + G.cat(x.unbind(1)[::-1], 0)[:1]
    ),
    "pad_flip": lambda x: G.pad(x, (1, 2), value=0.5).flip(1),
    "tril_triu": lambda x: x[:, :, None].expand(-1, 5, 5).tril(-1) - x[:, None, :].triu(1),
    "gather_index_select": lambda x: (
        x.gather(1, G.tensor(np.tile(INDEX, (x.shape[0], 1)))) + x.index_select(1, G.tensor(INDEX))
    ),
    "masked_fill": lambda x: x.masked_fill(G.tensor(MASK), -1.0) + x.masked_fill(x < 0, 0.0),
    "comparisons": lambda x: (
        G.where(((x > 0) & (x < 0.5)) | (x == 0), x, -x)
        + (x != 1).float()
        + (x >= x.mean(dim=1, keepdim=True)).float() * (x <= 0.3).float()
    ),
    "getitem": lambda x: x[:, None, 1:4][..., ::2] + x[:, -1:, None][:, :, 0] + x[:, INDEX].sum(),
    "cast": lambda x: x.double().float() * 2,
    "matmul": lambda x: x @ x.t()[:, :1] + x.unsqueeze(1).matmul(x.unsqueeze(2)).squeeze(2),
    "softmax_log_softmax": lambda x: G.softmax(x, dim=1) + G.log_softmax(x, dim=0),
}


class Wrap(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fc = nn.Linear(5, 5)
        self.fn = fn

    def forward(self, x):
        return self.fn(self.fc(x))


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_matches_onnxruntime(name):
    glassnet.manual_seed(0)
    x = glassnet.tensor(rng.standard_normal((3, 5)).astype(np.float32))
    other = glassnet.tensor(rng.standard_normal((3, 5)).astype(np.float32))
    dynamic = name not in ("stack_unbind", "getitem", "gather_index_select")
    if dynamic:
        other = glassnet.tensor(rng.standard_normal((4, 5)).astype(np.float32))
    check_roundtrip(Wrap(OPS[name]), (x,), (other,), dynamic=dynamic)


def test_rms_norm():
    glassnet.manual_seed(0)
    model = nn.RMSNorm(4)
    model.weight._data[:] = rng.standard_normal(4)
    check_roundtrip(model, (glassnet.randn(2, 3, 4),), (glassnet.randn(5, 3, 4),))
