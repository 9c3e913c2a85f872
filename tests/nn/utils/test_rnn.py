"""nn.utils.rnn (pad/pack) and recurrent layers on packed batches, against torch."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.nn.utils import rnn

LENGTHS = [2, 5, 3]


def _layers(mode, bidirectional):
    tl = getattr(torch.nn, mode)(4, 3, 2, batch_first=True, bidirectional=bidirectional).double()
    gl = getattr(glassnet.nn, mode)(
        4, 3, 2, batch_first=True, bidirectional=bidirectional, dtype=glassnet.float64
    )
    gl.load_state_dict({k: glassnet.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
    return tl, gl


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_rnn_matches_torch(mode, bidirectional):
    x = np.random.RandomState(0).normal(size=(3, 5, 4))
    tl, gl = _layers(mode, bidirectional)
    xt, xg = torch.tensor(x, requires_grad=True), glassnet.tensor(x, requires_grad=True)
    pt = torch.nn.utils.rnn.pack_padded_sequence(
        xt, LENGTHS, batch_first=True, enforce_sorted=False
    )
    pg = rnn.pack_padded_sequence(xg, LENGTHS, batch_first=True, enforce_sorted=False)
    assert pg.batch_sizes.tolist() == pt.batch_sizes.tolist()
    assert pg.sorted_indices.tolist() == pt.sorted_indices.tolist()
    ot, ht = tl(pt)
    og, hg = gl(pg)
    if mode == "LSTM":
        np.testing.assert_allclose(_np(hg[1]), _np(ht[1]), atol=1e-12)
        ht, hg = ht[0], hg[0]
    np.testing.assert_allclose(_np(og.data), _np(ot.data), atol=1e-12)
    np.testing.assert_allclose(_np(hg), _np(ht), atol=1e-12)
    yt, lt = torch.nn.utils.rnn.pad_packed_sequence(ot, batch_first=True, total_length=6)
    yg, lg = rnn.pad_packed_sequence(og, batch_first=True, total_length=6)
    np.testing.assert_allclose(_np(yg), _np(yt), atol=1e-12)
    assert lg.tolist() == lt.tolist() == LENGTHS
    (yt.pow(2).sum() + ht.sum()).backward()
    (yg.pow(2).sum() + hg.sum()).backward()
    np.testing.assert_allclose(xg.grad.numpy(), xt.grad.numpy(), atol=1e-12)


def test_pad_and_pack_sequence():
    rs = np.random.RandomState(1)
    seqs = [rs.normal(size=(n, 2)) for n in (4, 2, 1)]
    for side in ("right", "left"):
        pt = torch.nn.utils.rnn.pad_sequence(
            [torch.tensor(s) for s in seqs], batch_first=True, padding_value=-1.0, padding_side=side
        )
        pg = rnn.pad_sequence(
            [glassnet.tensor(s) for s in seqs],
            batch_first=True,
            padding_value=-1.0,
            padding_side=side,
        )
        np.testing.assert_array_equal(pg.numpy(), pt.numpy())
    kt = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs])
    kg = rnn.pack_sequence([glassnet.tensor(s) for s in seqs])
    np.testing.assert_array_equal(kg.data.numpy(), kt.data.numpy())
    assert kg.batch_sizes.tolist() == kt.batch_sizes.tolist() and kg.sorted_indices is None


def test_errors_name_the_function():
    x = glassnet.zeros(4, 2, 3)
    with pytest.raises(RuntimeError, match="not sorted"):
        rnn.pack_padded_sequence(x, [1, 3])
    with pytest.raises(ValueError, match="lengths"):
        rnn.pack_padded_sequence(x, [5, 3])
    with pytest.raises(ValueError, match="2 sequences"):
        rnn.pack_padded_sequence(x, [3, 2, 1])
