"""GPT against a PyTorch replica of the same architecture (nanoGPT's, written out below) with
glassnet's initial weights copied in: logits, loss and every gradient on one batch; then the
loss curves of the two trained side by side on Tiny Shakespeare with AdamW, the same batches and
the same settings (mean relative gap < 1%), and text generation."""

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from threadpoolctl import threadpool_limits

import glassnet
from glassnet.data.text import char_splits, load_text
from glassnet.models import GPT, GPTConfig
from glassnet.optim import AdamW

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("GLASSNET_DATA", REPO.parent / "shared" / "data"))
SHAKESPEARE = DATA / "tinyshakespeare" / "input.txt"
FULL = bool(os.environ.get("GLASSNET_FULL"))


# --------------------------------------------------------------------------- the torch replica
class TorchAttention(tnn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_attn = tnn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = tnn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.resid_dropout = tnn.Dropout(cfg.dropout)
        self.n_head, self.dropout = cfg.n_head, cfg.dropout

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        p = self.dropout if self.training else 0.0
        y = TF.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))


class TorchMLP(tnn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = tnn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = tnn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.dropout = tnn.Dropout(cfg.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(TF.gelu(self.c_fc(x))))


class TorchBlock(tnn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = tnn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.attn = TorchAttention(cfg)
        self.ln_2 = tnn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.mlp = TorchMLP(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class TorchGPT(tnn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = tnn.ModuleDict(
            dict(
                wte=tnn.Embedding(cfg.vocab_size, cfg.n_embd),
                wpe=tnn.Embedding(cfg.block_size, cfg.n_embd),
                drop=tnn.Dropout(cfg.dropout),
                h=tnn.ModuleList([TorchBlock(cfg) for _ in range(cfg.n_layer)]),
                ln_f=tnn.LayerNorm(cfg.n_embd, bias=cfg.bias),
            )
        )
        self.lm_head = tnn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight

    def forward(self, idx, targets=None):
        T = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(T))
        x = self.transformer.drop(x)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = TF.cross_entropy(
                logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1
            )
        return logits, loss


def _pair(cfg, seed=0):
    g = GPT(cfg, generator=glassnet.Generator(seed))
    t = TorchGPT(cfg)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    return g, t


def _torch_groups(t, weight_decay):
    params = list(t.parameters())
    return [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]


SMALL = GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16, dropout=0.0)


# --------------------------------------------------------------------------- structure
def test_state_dict_layout_matches_torch_and_weights_are_tied():
    g, t = _pair(SMALL)
    assert list(g.state_dict()) == list(t.state_dict())
    for (k, a), b in zip(g.state_dict().items(), t.state_dict().values()):
        assert a.shape == tuple(b.shape), k
    assert g.transformer.wte.weight is g.lm_head.weight
    assert len(list(g.parameters())) == len(list(t.parameters()))  # the tied matrix once
    # a torch state_dict loads into glassnet too
    g2 = GPT(SMALL)
    g2.load_state_dict(t.state_dict())
    for a, b in zip(g2.state_dict().values(), t.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_initialisation_follows_gpt2():
    cfg = GPTConfig(vocab_size=50, block_size=32, n_layer=4, n_head=4, n_embd=64)
    g = GPT(cfg, generator=glassnet.Generator(0))
    sd = g.state_dict()
    assert abs(sd["transformer.wte.weight"].numpy().std() - 0.02) < 0.003
    assert abs(sd["transformer.h.0.mlp.c_fc.weight"].numpy().std() - 0.02) < 0.002
    proj_std = sd["transformer.h.0.attn.c_proj.weight"].numpy().std()
    assert abs(proj_std - 0.02 / math.sqrt(8)) < 0.001
    assert np.all(sd["transformer.h.1.attn.c_attn.bias"].numpy() == 0)
    assert np.all(sd["transformer.ln_f.weight"].numpy() == 1)
    assert g.num_params() == g.num_params(non_embedding=False) - 32 * 64
    same = GPT(cfg, generator=glassnet.Generator(0))
    np.testing.assert_array_equal(same.lm_head.weight._data, g.lm_head.weight._data)


@pytest.mark.parametrize("bias", [True, False])
def test_logits_loss_and_gradients_match_torch(bias):
    cfg = GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16, bias=bias)
    g, t = _pair(cfg)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 11, (3, 7))
    y = rng.integers(0, 11, (3, 7))
    y[0, :2] = -1  # ignored positions
    gl, gloss = g(glassnet.tensor(x), glassnet.tensor(y))
    tl, tloss = t(torch.tensor(x), torch.tensor(y))
    assert gl.shape == (3, 7, 11) and gloss.dtype == np.float32
    np.testing.assert_allclose(gl._data, tl.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gloss.item(), tloss.item(), rtol=1e-5)
    gloss.backward()
    tloss.backward()
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        np.testing.assert_allclose(gp[name].grad._data, p.grad.numpy(), rtol=1e-3, atol=2e-6)


def test_forward_without_targets_and_dropout_modes():
    cfg = GPTConfig(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=16, dropout=0.3)
    g = GPT(cfg, generator=glassnet.Generator(0))
    x = glassnet.tensor(np.arange(12).reshape(2, 6) % 11)
    glassnet.manual_seed(0)
    a, loss = g(x)
    assert loss is None and a.shape == (2, 6, 11)
    glassnet.manual_seed(1)
    b, _ = g(x)
    assert not np.allclose(a._data, b._data)  # dropout in training
    g.eval()
    np.testing.assert_array_equal(g(x)[0]._data, g(x)[0]._data)


def test_generate_shapes_crop_and_determinism():
    g = GPT(SMALL, generator=glassnet.Generator(0)).eval()
    idx = glassnet.tensor(np.zeros((2, 3), dtype=np.int64))
    out = g.generate(idx, 12, temperature=0.8, top_k=4, generator=glassnet.Generator(5))
    assert out.shape == (2, 15) and out.dtype == np.int64
    assert out._data.min() >= 0 and out._data.max() < 11
    np.testing.assert_array_equal(out._data[:, :3], 0)
    again = g.generate(idx, 12, temperature=0.8, top_k=4, generator=glassnet.Generator(5))
    np.testing.assert_array_equal(out._data, again._data)
    # greedy decoding (top_k=1) is the argmax of the model's own logits, step by step
    greedy = g.generate(idx[:1], 10, top_k=1)._data[0]  # grows past block_size (8): cropped
    for i in range(3, 13):
        ctx = glassnet.tensor(greedy[None, max(0, i - 8) : i])
        assert greedy[i] == g(ctx)[0]._data[0, -1].argmax()


def test_kv_cache_gives_the_full_forward_logits():
    # generation's cached path (prompt once, then one token at a time) against a full forward
    g = GPT(SMALL, generator=glassnet.Generator(0)).eval()
    idx = np.random.default_rng(0).integers(0, 11, (3, 8))
    caches = [[] for _ in g.transformer.h]
    with glassnet.no_grad():
        steps = [g._next_logits(glassnet.tensor(idx[:, :4]), caches, 0)]
        steps.append(g._next_logits(glassnet.tensor(idx[:, 4:6]), caches, 4))  # 2 new: masked
        steps += [g._next_logits(glassnet.tensor(idx[:, t : t + 1]), caches, t) for t in (6, 7)]
        full = g(glassnet.tensor(idx))[0]._data  # (3, 8, 11)
    assert caches[0][0].shape == (3, SMALL.n_head, 8, SMALL.n_embd // SMALL.n_head)
    for t, z in zip((3, 5, 6, 7), steps):
        assert z.dtype == np.float32
        np.testing.assert_allclose(z, full[:, t], rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match=r"GPTConfig: n_embd \(10\) must be divisible by n_head"):
        GPTConfig(n_embd=10, n_head=4)
    with pytest.raises(ValueError, match="GPTConfig: vocab_size must be a positive int"):
        GPTConfig(vocab_size=0)
    with pytest.raises(ValueError, match=r"GPTConfig: dropout must be in \[0, 1\)"):
        GPTConfig(dropout=1.0)
    g = GPT(SMALL)
    with pytest.raises(
        ValueError, match="cannot forward a sequence of length 9, block_size is only 8"
    ):
        g(glassnet.tensor(np.zeros((1, 9), dtype=np.int64)))
    with pytest.raises(ValueError, match=r"GPT: idx must be a \(B, T\) integer tensor"):
        g(glassnet.zeros(2, 3))
    with pytest.raises(ValueError, match=r"GPT: targets must have the shape of idx \(1, 3\)"):
        g(glassnet.tensor([[1, 2, 3]]), glassnet.tensor([[1, 2]]))
    with pytest.raises(ValueError, match="GPT.generate: temperature must be positive"):
        g.generate(glassnet.tensor([[1]]), 3, temperature=0)
    with pytest.raises(ValueError, match="GPT.generate: top_k must be a positive int"):
        g.generate(glassnet.tensor([[1]]), 3, top_k=0)


# --------------------------------------------------------------------------- training parity
@pytest.mark.slow
@pytest.mark.skipif(not SHAKESPEARE.is_file(), reason="Tiny Shakespeare not found")
def test_training_on_tiny_shakespeare_follows_pytorch():
    """4 layers, 4 heads, 128-dim embeddings, block 64; the same initial weights, batches and
    AdamW settings. Default: 30 steps at batch 8; GLASSNET_FULL=1: 300 steps at batch 16."""
    steps, batch = (300, 16) if FULL else (30, 8)
    # One BLAS/torch thread each: on a shared 2-core machine, threads that spin-wait for a busy
    # core make these small matrix products several times slower (the values do not change).
    torch_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            _train_side_by_side(steps, batch)
    finally:
        torch.set_num_threads(torch_threads)


def _train_side_by_side(steps: int, batch: int) -> None:
    train, val = char_splits(load_text(SHAKESPEARE), block_size=64)
    vocab = train.vocab
    cfg = GPTConfig(
        vocab_size=vocab.vocab_size, block_size=64, n_layer=4, n_head=4, n_embd=128, dropout=0.0
    )
    g, t = _pair(cfg, seed=0)
    settings = dict(lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
    g_opt = AdamW(g.optim_groups(weight_decay=0.1), **settings)
    t_opt = torch.optim.AdamW(_torch_groups(t, weight_decay=0.1), **settings)
    batches = glassnet.Generator(1234)
    g_losses, t_losses = [], []
    for _ in range(steps):
        x, y = train.get_batch(batch, generator=batches)
        _, loss = g(x, y)
        g_opt.zero_grad()
        loss.backward()
        g_opt.step()
        g_losses.append(loss.item())
        _, tloss = t(torch.from_numpy(x.numpy()), torch.from_numpy(y.numpy()))
        t_opt.zero_grad()
        tloss.backward()
        t_opt.step()
        t_losses.append(tloss.item())
    g_losses, t_losses = np.array(g_losses), np.array(t_losses)
    gap = np.abs(g_losses - t_losses) / t_losses
    print(
        f"\nGPT parity over {steps} steps (batch {batch}): loss {g_losses[0]:.4f} -> "
        f"{g_losses[-1]:.4f} (torch {t_losses[0]:.4f} -> {t_losses[-1]:.4f}); relative gap "
        f"mean {gap.mean():.2e}, max {gap.max():.2e}"
    )
    assert gap.mean() < 0.01
    assert abs(g_losses[0] - math.log(vocab.vocab_size)) < 0.1  # starts near uniform guessing
    assert g_losses[-5:].mean() < (0.6 if FULL else 0.8) * g_losses[0]  # and learns
    # it generates text from the vocabulary, the same text for the same generator
    g.eval()
    start = glassnet.tensor(vocab.encode("\n")[None])
    out = g.generate(start, 100, temperature=0.8, top_k=20, generator=glassnet.Generator(0))
    text = vocab.decode(out[0])
    assert len(text) == 101 and set(text) <= set(vocab.itos)
    again = g.generate(start, 100, temperature=0.8, top_k=20, generator=glassnet.Generator(0))
    assert vocab.decode(again[0]) == text
    print("sample:", text[:120].replace("\n", " | "))
