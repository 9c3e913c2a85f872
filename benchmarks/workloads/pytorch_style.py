"""(g) Transformers written the common PyTorch way, run unchanged in both frameworks (their model
files in `scripts/`, loaded through `shim`), trained by a PyTorch-style loop.

- nanoGPT: 4 layers x 4 heads x 128 dims, block 64, batch 32, on Tiny Shakespeare; AdamW with a
  decay and a no-decay group, gradient clipping at norm 1.0; with F.scaled_dot_product_attention
  (`g_nanogpt_train`) and with the masked softmax (`g_nanogpt_manual_train`).
- makemore: 4 layers x 4 heads x 64 dims, 16 characters, batch 32, names-like words padded with
  -1 targets; AdamW over all parameters (per-op overhead at small sizes).

Both frameworks start from the same weights (glassnet's, copied into the PyTorch model).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.workloads.common import Workload, torch_setup
from benchmarks.workloads.flops import gpt_forward_flops_per_token
from benchmarks.workloads.gpt import _tokens
from benchmarks.workloads.shim import load

SCRIPTS = Path(__file__).resolve().parent / "scripts"
BATCH = 32


def _framework(framework: str):
    if framework == "torch":
        return torch_setup()
    import glassnet

    return glassnet


def _copy_weights(source, target, torch) -> None:
    """glassnet model -> its PyTorch twin, parameter by parameter (buffers included)."""
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in source.state_dict().items()}
    target.load_state_dict(state)


def _models(script: str, build, framework: str):
    """(framework module, model) with the glassnet model's weights in either framework."""
    import glassnet

    glassnet.manual_seed(0)
    model = build(load(SCRIPTS / script, "glassnet"))
    if framework == "glassnet":
        return glassnet, model
    torch = _framework("torch")
    twin = build(load(SCRIPTS / script, "torch"))
    _copy_weights(model, twin, torch)
    return torch, twin


def _nanogpt(framework: str, quick: bool, flash: bool) -> Workload:
    tokens, vocab = _tokens()
    block, n_layer, n_embd = 64, 4, 128

    def build(m):
        config = m.GPTConfig(block_size=block, vocab_size=vocab, n_layer=n_layer, n_embd=n_embd)
        return m.GPT(config, flash=flash)

    lib, model = _models("nanogpt_model.py", build, framework)
    rng = np.random.default_rng(0)
    data = []
    for _ in range(1 if quick else 5):
        starts = rng.integers(0, len(tokens) - block - 1, BATCH)
        x = np.stack([tokens[s : s + block] for s in starts])
        y = np.stack([tokens[s + 1 : s + block + 1] for s in starts])
        data.append((lib.from_numpy(x), lib.from_numpy(y)))
    model.train()
    optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.95))

    def step() -> None:
        for x, y in data:
            _, loss = model(x, y)
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

    samples = BATCH * block * len(data)
    flops = 3 * gpt_forward_flops_per_token(n_layer, n_embd, block, vocab) * samples
    return Workload(step, samples, flops)


def nanogpt_train(framework: str, quick: bool) -> Workload:
    """One repeat = 5 steps (1 in --quick), attention by F.scaled_dot_product_attention."""
    return _nanogpt(framework, quick, flash=True)


def nanogpt_manual_train(framework: str, quick: bool) -> Workload:
    """One repeat = 5 steps (1 in --quick), attention by the masked softmax."""
    return _nanogpt(framework, quick, flash=False)


def _words(n: int, block: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n names-like words of 3-15 letters (1-26), as makemore's inputs (a 0 start token, then
    the word) and targets (the word, a 0 end token, then -1: ignored)."""
    x = np.zeros((n, block), dtype=np.int64)
    y = np.full((n, block), -1, dtype=np.int64)
    for i, length in enumerate(rng.integers(3, block, n)):
        word = rng.integers(1, 27, length)
        x[i, 1 : length + 1] = word
        y[i, :length] = word
        y[i, length] = 0
    return x, y


def makemore_train(framework: str, quick: bool) -> Workload:
    """One repeat = 20 AdamW steps (2 in --quick) of 32 words."""

    def build(m):
        return m.Transformer(m.ModelConfig())

    lib, model = _models("makemore_model.py", build, framework)
    rng = np.random.default_rng(0)
    steps = 2 if quick else 20
    data = [tuple(lib.from_numpy(a) for a in _words(BATCH, 16, rng)) for _ in range(steps)]
    optimizer = lib.optim.AdamW(
        model.parameters(), lr=5e-4, weight_decay=0.01, betas=(0.9, 0.99), eps=1e-8
    )

    def step() -> None:
        for x, y in data:
            _, loss = model(x, y)
            model.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

    return Workload(step, BATCH * 16 * steps)
