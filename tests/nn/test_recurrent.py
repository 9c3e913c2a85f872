"""RNN, LSTM, GRU and their cells against torch 2.13 with copied weights: outputs, final states
and every gradient; state_dicts both ways; float64 gradcheck; argument errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck

CLASSES = {
    "RNN": (nn.RNN, torch.nn.RNN),
    "LSTM": (nn.LSTM, torch.nn.LSTM),
    "GRU": (nn.GRU, torch.nn.GRU),
}


def _pair(kind, dtype=torch.float32, **kw):
    ours, theirs = CLASSES[kind]
    g = ours(**kw, generator=glassnet.Generator(0))
    t = theirs(**kw).to(dtype)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    if dtype == torch.float64:
        g = g.double()
    return g, t


def _state(kind, shape, rng, dtype):
    if kind == "LSTM":
        return rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _g(a):
    return (
        tuple(_g(x) for x in a) if isinstance(a, tuple) else glassnet.tensor(a, requires_grad=True)
    )


def _t(a):
    return tuple(_t(x) for x in a) if isinstance(a, tuple) else torch.tensor(a, requires_grad=True)


def _flat(out):
    """(output, h_n) or (output, (h_n, c_n)) as a flat list."""
    output, state = out
    return [output, *state] if isinstance(state, tuple) else [output, state]


def _leaves(x):
    return list(x) if isinstance(x, tuple) else [x]


CASES = [
    dict(kind="RNN", num_layers=2, bidirectional=True, batch_first=True, nonlinearity="tanh"),
    dict(kind="RNN", num_layers=1, bidirectional=False, batch_first=False, nonlinearity="relu"),
    dict(kind="LSTM", num_layers=2, bidirectional=True, batch_first=True),
    dict(kind="LSTM", num_layers=3, bidirectional=False, batch_first=False, bias=False),
    dict(kind="GRU", num_layers=2, bidirectional=True, batch_first=True),
    dict(kind="GRU", num_layers=1, bidirectional=True, batch_first=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{v}" for v in c.values()))
@pytest.mark.parametrize("with_state", [True, False])
def test_matches_torch_values_and_grads(case, with_state):
    case = dict(case)
    kind = case.pop("kind")
    I, H, T, B = 5, 7, 6, 3
    g, t = _pair(kind, input_size=I, hidden_size=H, **case)
    rng = np.random.default_rng(1)
    D = 2 if case["bidirectional"] else 1
    x = rng.standard_normal((B, T, I) if case["batch_first"] else (T, B, I)).astype(np.float32)
    hx = _state(kind, (case["num_layers"] * D, B, H), rng, np.float32) if with_state else None
    gx, tx = _g(x), _t(x)
    ghx = _g(hx) if with_state else None
    thx = _t(hx) if with_state else None
    gouts, touts = _flat(g(gx, ghx)), _flat(t(tx, thx))
    assert len(gouts) == len(touts)
    for a, b in zip(gouts, touts):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a._data, b.detach().numpy(), rtol=1e-5, atol=1e-5)
    # one backward through output and final states, with random weights on each
    ws = [rng.standard_normal(a.shape).astype(np.float32) for a in gouts]
    sum(
        ((a * glassnet.tensor(w)).sum() for a, w in zip(gouts, ws)), glassnet.tensor(0.0)
    ).backward()
    sum((b * torch.tensor(w)).sum() for b, w in zip(touts, ws)).backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    if with_state:
        for a, b in zip(_leaves(ghx), _leaves(thx)):
            np.testing.assert_allclose(a.grad._data, b.grad.numpy(), rtol=1e-4, atol=1e-5)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        np.testing.assert_allclose(gp[name].grad._data, p.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind, hidden", [("LSTM", 256), ("RNN", 1024), ("GRU", 1024)])
def test_hidden_sizes_whose_step_weights_get_padded_rows(kind, hidden):
    """G * H float32 numbers of 4 KB: the step product's W_hh^T lies in a padded workspace."""
    g, t = _pair(kind, input_size=4, hidden_size=hidden, batch_first=True)
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
    gx, tx = _g(x), _t(x)
    gy, ty = g(gx)[0], t(tx)[0]
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    (gy * gy).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-4)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        np.testing.assert_allclose(gp[name].grad._data, p.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_state_dict_moves_both_ways(kind):
    ours, theirs = CLASSES[kind]
    torch.manual_seed(0)
    t = theirs(4, 6, num_layers=2, bidirectional=True)
    g = ours(4, 6, num_layers=2, bidirectional=True)
    assert list(g.state_dict()) == list(t.state_dict())
    for (name, a), b in zip(g.state_dict().items(), t.state_dict().values()):
        assert a.shape == tuple(b.shape), name
    g.load_state_dict(t.state_dict())
    x = np.random.default_rng(0).standard_normal((3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(
        _flat(g(glassnet.tensor(x)))[0]._data,
        _flat(t(torch.tensor(x)))[0].detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    t2 = theirs(4, 6, num_layers=2, bidirectional=True)
    t2.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    for a, b in zip(t.state_dict().values(), t2.state_dict().values()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_flatten_parameters_is_a_no_op(kind):
    g, t = _pair(kind, input_size=3, hidden_size=4, num_layers=2)
    before = {k: v.numpy().copy() for k, v in g.state_dict().items()}
    params = list(g.parameters())
    x = np.random.default_rng(3).standard_normal((5, 2, 3)).astype(np.float32)
    y = _flat(g(_g(x)))[0]._data
    assert g.flatten_parameters() is None and t.flatten_parameters() is None
    assert all(a is b for a, b in zip(g.parameters(), params))  # the same Parameter objects
    for k, v in g.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    np.testing.assert_array_equal(_flat(g(_g(x)))[0]._data, y)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(kind):
    g, t = _pair(kind, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    hx = _state(kind, (4, 4), rng, np.float32)
    gouts = _flat(g(_g(x), _g(hx)))
    touts = _flat(t(_t(x), _t(hx)))
    for a, b in zip(gouts, touts):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a._data, b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_init_bounds_and_dtype():
    lstm = nn.LSTM(3, 16, num_layers=2, generator=glassnet.Generator(0))
    for name, p in lstm.named_parameters():
        assert p.dtype == np.float32, name
        assert np.abs(p._data).max() <= 0.25
    assert lstm.weight_ih_l1.shape == (64, 16)
    x = glassnet.randn(4, 2, 3)
    out, (h, c) = lstm(x)
    assert out.dtype == h.dtype == c.dtype == np.float32


def test_dropout_between_layers_only_in_training():
    g = nn.GRU(3, 5, num_layers=2, dropout=0.5, generator=glassnet.Generator(0))
    x = glassnet.randn(4, 2, 3)
    glassnet.manual_seed(0)
    a = g(x)[0]._data
    glassnet.manual_seed(1)
    b = g(x)[0]._data
    assert not np.allclose(a, b)  # different dropout masks
    g.eval()
    np.testing.assert_array_equal(g(x)[0]._data, g(x)[0]._data)
    # the eval output equals torch's, which has no dropout in eval either
    t = torch.nn.GRU(3, 5, num_layers=2, dropout=0.5).eval()
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    np.testing.assert_allclose(
        g(x)[0]._data, t(torch.tensor(x._data))[0].detach().numpy(), rtol=1e-5, atol=1e-6
    )
    with pytest.warns(UserWarning, match="does nothing with num_layers=1"):
        nn.LSTM(3, 5, dropout=0.2)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_gradcheck_float64(kind):
    g = CLASSES[kind][0](2, 3, num_layers=2, bidirectional=True, generator=glassnet.Generator(0))
    g = g.double()
    rng = np.random.default_rng(3)
    x = glassnet.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
    h0 = glassnet.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    params = list(g.parameters())[:4] + list(g.parameters())[-4:]
    if kind == "LSTM":
        c0 = glassnet.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
        gradcheck(lambda x, h, c, *ps: _flat(g(x, (h, c))), (x, h0, c0, *params))
    else:
        gradcheck(lambda x, h, *ps: _flat(g(x, h)), (x, h0, *params))


CELLS = {
    "RNNCell": (nn.RNNCell, torch.nn.RNNCell),
    "LSTMCell": (nn.LSTMCell, torch.nn.LSTMCell),
    "GRUCell": (nn.GRUCell, torch.nn.GRUCell),
}


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(name, batched):
    ours, theirs = CELLS[name]
    g = ours(4, 5, generator=glassnet.Generator(0))
    t = theirs(4, 5)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    rng = np.random.default_rng(4)
    shape = (3, 5) if batched else (5,)
    x = rng.standard_normal((3, 4) if batched else (4,)).astype(np.float32)
    hx = _state("LSTM" if name == "LSTMCell" else "RNN", shape, rng, np.float32)
    gx, tx, ghx, thx = _g(x), _t(x), _g(hx), _t(hx)
    go, to = g(gx, ghx), t(tx, thx)
    go, to = (list(go), list(to)) if name == "LSTMCell" else ([go], [to])
    ws = [rng.standard_normal(a.shape).astype(np.float32) for a in go]
    for a, b in zip(go, to):
        np.testing.assert_allclose(a._data, b.detach().numpy(), rtol=1e-5, atol=1e-6)
    sum(((a * glassnet.tensor(w)).sum() for a, w in zip(go, ws)), glassnet.tensor(0.0)).backward()
    sum((b * torch.tensor(w)).sum() for b, w in zip(to, ws)).backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for a, b in zip(_leaves(ghx), _leaves(thx)):
        np.testing.assert_allclose(a.grad._data, b.grad.numpy(), rtol=1e-4, atol=1e-5)
    gp = dict(g.named_parameters())
    for pname, p in t.named_parameters():
        np.testing.assert_allclose(gp[pname].grad._data, p.grad.numpy(), rtol=1e-4, atol=1e-5)
    # without a state: zeros, as torch
    go = g(gx)
    to = t(tx)
    a, b = (go[0], to[0]) if name == "LSTMCell" else (go, to)
    np.testing.assert_allclose(a._data, b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="RNN: unknown nonlinearity 'gelu'"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="LSTM: hidden_size must be a positive int"):
        nn.LSTM(3, 0)
    with pytest.raises(ValueError, match="GRU: num_layers must be a positive int"):
        nn.GRU(3, 4, num_layers=0)
    with pytest.raises(ValueError, match=r"GRU: dropout must be a number in \[0, 1\]"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="LSTM: proj_size is not supported"):
        nn.LSTM(3, 4, proj_size=2)
    lstm = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r"LSTM\(input_size=3\): input has 5 features"):
        lstm(glassnet.randn(2, 2, 5))
    with pytest.raises(ValueError, match="expected a 2-D .unbatched. or 3-D .batched. input"):
        lstm(glassnet.randn(2, 2, 2, 3))
    with pytest.raises(
        ValueError, match=r"LSTM: expected h_0 of shape \(2, 2, 4\), got \(1, 2, 4\)"
    ):
        lstm(glassnet.randn(5, 2, 3), (glassnet.zeros(1, 2, 4), glassnet.zeros(2, 2, 4)))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\)"):
        lstm(glassnet.randn(5, 2, 3), glassnet.zeros(2, 2, 4))
    with pytest.raises(ValueError, match=r"RNN: expected hx of shape \(1, 2, 4\)"):
        nn.RNN(3, 4)(glassnet.randn(5, 2, 3), glassnet.zeros(1, 3, 4))
    with pytest.raises(TypeError, match="GRU: hx must be a tensor"):
        nn.GRU(3, 4)(glassnet.randn(5, 2, 3), [[0.0]])
    with pytest.raises(ValueError, match=r"GRUCell\(input_size=3\): expected input of shape"):
        nn.GRUCell(3, 4)(glassnet.randn(2, 5))
    with pytest.raises(ValueError, match=r"LSTMCell: expected c of shape \(2, 4\)"):
        nn.LSTMCell(3, 4)(glassnet.randn(2, 3), (glassnet.zeros(2, 4), glassnet.zeros(2, 5)))
    with pytest.raises(TypeError, match=r"LSTMCell: hx must be a tuple \(h, c\)"):
        nn.LSTMCell(3, 4)(glassnet.randn(2, 3), glassnet.zeros(2, 4))
    with pytest.raises(ValueError, match="RNNCell: unknown nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")
