"""(e) GPT, 4 layers x 4 heads x 128 dims, block 64, batch 32: AdamW training steps and
generation tokens/s, on Tiny Shakespeare. The PyTorch twin is the replica that
tests/models/test_gpt.py proves equal to glassnet's GPT (same logits, gradients and loss curve)."""

from __future__ import annotations

import numpy as np

from benchmarks.workloads.common import Workload, data_root, torch_setup
from benchmarks.workloads.flops import gpt_forward_flops_per_token

BATCH, BLOCK = 32, 64
N_LAYER, N_HEAD, N_EMBD = 4, 4, 128


def _tokens() -> np.ndarray:
    root = data_root()
    path = None if root is None else root / "tinyshakespeare" / "input.txt"
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        text = "".join(chr(97 + i % 26) for i in range(200_000))  # stand-in when the file is absent
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    return np.array([index[c] for c in text], dtype=np.int64), len(chars)


def _pair(framework: str, vocab: int):
    import glassnet
    from glassnet.models import GPT, GPTConfig

    cfg = GPTConfig(
        vocab_size=vocab,
        block_size=BLOCK,
        n_layer=N_LAYER,
        n_head=N_HEAD,
        n_embd=N_EMBD,
        dropout=0.0,
    )
    g = GPT(cfg, generator=glassnet.Generator(0))
    if framework == "glassnet":
        return glassnet, g
    torch = torch_setup()
    from tests.models.test_gpt import TorchGPT

    t = TorchGPT(cfg)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    return torch, t


def _batches(tokens: np.ndarray, steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    out = []
    for _ in range(steps):
        starts = rng.integers(0, len(tokens) - BLOCK - 1, BATCH)
        x = np.stack([tokens[s : s + BLOCK] for s in starts])
        y = np.stack([tokens[s + 1 : s + BLOCK + 1] for s in starts])
        out.append((x, y))
    return out


def gpt_train(framework: str, quick: bool) -> Workload:
    """One repeat = 5 AdamW steps (1 in --quick) of 32 sequences of 64 characters."""
    tokens, vocab = _tokens()
    lib, model = _pair(framework, vocab)
    data = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in _batches(tokens, 1 if quick else 5)]
    model.train()
    if framework == "glassnet":
        opt = lib.optim.AdamW(model.optim_groups(0.1), lr=1e-3, betas=(0.9, 0.99))
    else:
        params = list(model.parameters())
        groups = [
            {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
            {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
        ]
        opt = lib.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99))

    def step() -> None:
        for x, y in data:
            opt.zero_grad()
            _, loss = model(x, y)
            loss.backward()
            opt.step()

    tokens_per_repeat = BATCH * BLOCK * len(data)
    per_token = gpt_forward_flops_per_token(N_LAYER, N_EMBD, BLOCK, vocab)
    return Workload(step, tokens_per_repeat, 3 * per_token * tokens_per_repeat)


def gpt_generate(framework: str, quick: bool) -> Workload:
    """One repeat = 32 new tokens (8 in --quick) for 8 prompts, sampled with top_k=10."""
    tokens, vocab = _tokens()
    lib, model = _pair(framework, vocab)
    model.eval()
    new = 8 if quick else 32
    prompt = lib.from_numpy(np.ascontiguousarray(tokens[: 8 * 16].reshape(8, 16)))
    if framework == "glassnet":
        gen = lib.Generator(0)

        def step() -> None:
            model.generate(prompt, new, temperature=1.0, top_k=10, generator=gen)

    else:
        lib.manual_seed(0)

        def step() -> None:  # nanoGPT's sampling loop, the same work as glassnet's generate
            idx = prompt
            with lib.no_grad():
                for _ in range(new):
                    logits, _ = model(idx[:, -BLOCK:])
                    logits = logits[:, -1, :]
                    v, _ = lib.topk(logits, 10)
                    logits[logits < v[:, [-1]]] = -float("inf")
                    nxt = lib.multinomial(lib.softmax(logits, dim=-1), num_samples=1)
                    idx = lib.cat((idx, nxt), dim=1)

    return Workload(step, 8 * new)
