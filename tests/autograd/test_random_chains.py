"""Random compositions of ops, run in glassnet and in PyTorch from the same leaves: the values and
the gradients of every leaf must agree. Each step maps a (3, 4) tensor to a (3, 4) tensor, so
any sequence of steps is a valid program; hypothesis picks the sequences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import glassnet


class Lib:
    """The few free functions whose names differ between the libraries; the rest are methods."""

    def __init__(self, module, linear, pad, tensor):
        self.M, self.linear, self.pad, self.tensor = module, linear, pad, tensor


GLASSNET = Lib(glassnet, glassnet.linear, glassnet.pad, glassnet.tensor)
TORCH = Lib(torch, TF.linear, TF.pad, torch.tensor)

IDX = np.array([0, 0, 3, 1])
GATHER = np.array([[0, 1, 1, 3], [2, 2, 0, 1], [3, 3, 3, 3]])
MASK = np.array([[True, False, False, True], [False] * 4, [True] * 4])

# name -> step(L, x, P): each takes and returns a (3, 4) tensor; P holds the leaves
STEPS = {
    "tanh": lambda L, x, P: x.tanh(),
    "sigmoid": lambda L, x, P: x.sigmoid(),
    "relu": lambda L, x, P: x.relu() + 0.1 * x,
    "sin_cos": lambda L, x, P: x.sin() + x.cos(),
    "exp": lambda L, x, P: x.tanh().exp(),
    "log": lambda L, x, P: (x * x + 1).log(),
    "log1p": lambda L, x, P: L.M.log1p(x * x),
    "sqrt": lambda L, x, P: (x * x + 1).sqrt(),
    "rsqrt": lambda L, x, P: L.M.rsqrt(x * x + 0.5),
    "abs_sign": lambda L, x, P: x.abs() * 0.5 + x.sign() * x,
    "pow": lambda L, x, P: x.tanh() ** 3 - x**2 * 0.1,
    "tensor_pow": lambda L, x, P: (x.sigmoid() + 0.5) ** (P["v"].tanh() + 1),
    "scalars": lambda L, x, P: 2.5 * x - 1 / (1 + x * x) + 3,
    "mul_v": lambda L, x, P: x * P["v"],
    "add_c": lambda L, x, P: x + P["c"] - P["s"],
    "div": lambda L, x, P: x / (1 + P["v"] * P["v"]),
    "matmul": lambda L, x, P: x @ P["W"],
    "linear": lambda L, x, P: L.linear(x, P["W"], P["v"]),
    "maximum": lambda L, x, P: L.M.maximum(x, P["v"]) - L.M.minimum(x, P["c"]),
    "where": lambda L, x, P: L.M.where(x > 0, x, x * P["s"]),
    "softmax": lambda L, x, P: x.softmax(-1) * 4,
    "log_softmax": lambda L, x, P: x.log_softmax(0),
    "center": lambda L, x, P: x - x.mean(-1, keepdim=True),
    "norm": lambda L, x, P: x / (x.norm(dim=-1, keepdim=True) + 1),
    "std": lambda L, x, P: x / (x.std(0, keepdim=True) + 1) + x.var() * 0.1,
    "amax": lambda L, x, P: x - x.amax(-1, keepdim=True) + x.max(0).values,
    "logsumexp": lambda L, x, P: x - x.logsumexp(-1, keepdim=True),
    "prod": lambda L, x, P: x * x.tanh().prod(0, keepdim=True),
    "sum": lambda L, x, P: x * x.sum(0, keepdim=True).tanh() + x.sum() * 0.01,
    "cat": lambda L, x, P: L.M.cat([x, 2 * x], -1)[:, 2:6],
    "stack": lambda L, x, P: L.M.stack([x, x * P["s"]], 0).sum(0),
    "reshape_T": lambda L, x, P: x.reshape(4, 3).T,
    "permute": lambda L, x, P: x.unsqueeze(0).permute(2, 0, 1).squeeze(1).transpose(0, 1),
    "flip": lambda L, x, P: x.flip(-1),
    "int_index": lambda L, x, P: x[:, L.tensor(IDX)] + x[[2, 2, 0]],
    "bool_index": lambda L, x, P: x.masked_fill(L.tensor(MASK), 0.5) + x[L.tensor(MASK)].sum(),
    "gather": lambda L, x, P: x.gather(1, L.tensor(GATHER)),
    "pad": lambda L, x, P: L.pad(x, (1, 1, 0, 2))[:3, 1:5] * 2,
    "tril_triu": lambda L, x, P: x.tril() - x.triu(1),
    "expand": lambda L, x, P: x[:, :1].expand(3, 4) + x,
    "repeat": lambda L, x, P: x.repeat(1, 2)[:, 1:5],
    "split": lambda L, x, P: L.M.cat(list(reversed(x.split(2, -1))), -1),
    "chunk": lambda L, x, P: L.M.cat([c * (i + 1) for i, c in enumerate(x.chunk(2, 0))], 0),
    "clamp": lambda L, x, P: x.clamp(-0.5, 0.5) + 0.1 * x,
    "index_select": lambda L, x, P: x.index_select(1, L.tensor(IDX)),
}


def _leaves(rng, dtype):
    return {
        "x": rng.standard_normal((3, 4)).astype(dtype),
        "v": rng.standard_normal(4).astype(dtype),
        "c": rng.standard_normal((3, 1)).astype(dtype),
        "W": (rng.standard_normal((4, 4)) * 0.5).astype(dtype),
        "s": np.asarray(rng.standard_normal(), dtype=dtype),
    }


def _run(L, arrays, names, G):
    P = {k: L.tensor(a, requires_grad=True) for k, a in arrays.items()}
    x = P["x"]
    for name in names:
        x = STEPS[name](L, x, P)
        assert tuple(x.shape) == (3, 4), name
    loss = (x * L.tensor(G)).sum()
    loss.backward()
    return x, P


TOL = {np.float64: {"rtol": 1e-8, "atol": 1e-10}, np.float32: {"rtol": 2e-3, "atol": 2e-4}}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    names=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=8),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_random_chain_matches_torch(names, seed, dtype):
    rng = np.random.default_rng(seed)
    arrays = _leaves(rng, dtype)
    G = rng.standard_normal((3, 4)).astype(dtype)
    gx, gP = _run(GLASSNET, arrays, names, G)
    tx, tP = _run(TORCH, arrays, names, G)
    assert gx.dtype == dtype
    np.testing.assert_allclose(gx._data, tx.detach().numpy(), err_msg="values", **TOL[dtype])
    for k in arrays:
        expected = np.zeros_like(arrays[k]) if tP[k].grad is None else tP[k].grad.numpy()
        got = np.zeros_like(arrays[k]) if gP[k].grad is None else gP[k].grad._data
        assert got.dtype == dtype, k
        np.testing.assert_allclose(got, expected, err_msg=f"grad of {k}", **TOL[dtype])


@pytest.mark.parametrize("name", sorted(STEPS))
def test_every_step_alone_matches_torch(name):
    """Each step on its own, so a failure in a chain can be traced to one op."""
    rng = np.random.default_rng(0)
    arrays = _leaves(rng, np.float64)
    G = rng.standard_normal((3, 4))
    gx, gP = _run(GLASSNET, arrays, [name], G)
    tx, tP = _run(TORCH, arrays, [name], G)
    np.testing.assert_allclose(gx._data, tx.detach().numpy(), rtol=1e-10, atol=1e-12)
    for k in arrays:
        expected = np.zeros_like(arrays[k]) if tP[k].grad is None else tP[k].grad.numpy()
        got = np.zeros_like(arrays[k]) if gP[k].grad is None else gP[k].grad._data
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=k)
