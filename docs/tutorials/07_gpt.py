"""Tutorial 7 - a small GPT on Tiny Shakespeare: next-character prediction with attention.

A language model assigns a probability to the next token given the ones before it. Trained with
cross-entropy, its loss is the average surprise -ln p(true next character), in nats. Two baselines
frame the numbers (both are computed below from the training text):

* uniform guessing over V characters:           loss = ln V
* a bigram table p(next | current character):   the best a model can do that looks back 1 step

A GPT (glassnet/models/gpt.py, after nanoGPT) looks back up to block_size characters. Each block
mixes information between positions with causal self-attention and then transforms each position
with an MLP, both added to a residual stream:

    x = x + Attention(LayerNorm(x)),   Attention: softmax(Q K^T / sqrt(d) + causal mask) V
    x = x + MLP(LayerNorm(x))

where Q, K, V are three linear maps of x; the causal mask (-inf above the diagonal) lets position
t attend to positions 0..t only, so every position of a block is a training example. Beating
the bigram loss means the model uses more than the previous character.

Data: $GLASSNET_DATA/tinyshakespeare/input.txt, else ../shared/data/tinyshakespeare/input.txt
beside the repository; if neither exists the script says so and exits with status 0.
The full run trains a 2-layer model (block 64, width 64) for 300 AdamW steps (a few minutes on two
cores); --fast a 1-layer model of width 32 for 20 steps, enough to see the loss fall and the
machinery work - its text is still gibberish.

Run: python docs/tutorials/07_gpt.py [--fast] [--out DIR]
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
from _tutorial import parse_args, plt, save

import glassnet
from glassnet import optim
from glassnet.data.text import char_splits, load_text
from glassnet.models.gpt import GPT, GPTConfig

REPO = Path(__file__).resolve().parents[2]


def find_text() -> Path | None:
    candidates = []
    if os.environ.get("GLASSNET_DATA"):
        candidates.append(Path(os.environ["GLASSNET_DATA"]) / "tinyshakespeare" / "input.txt")
    candidates.append(REPO.parent / "shared" / "data" / "tinyshakespeare" / "input.txt")
    for path in candidates:
        if path.is_file():
            return path
    print("Tiny Shakespeare not found; looked for:")
    for path in candidates:
        print(f"  {path}")
    return None


def bigram_loss(train_ids: np.ndarray, val_ids: np.ndarray, vocab_size: int) -> float:
    """Validation cross-entropy of p(next | current) counted on the training text (add-one)."""
    counts = np.ones((vocab_size, vocab_size))
    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)
    p = counts / counts.sum(1, keepdims=True)
    return float(-np.log(p[val_ids[:-1], val_ids[1:]]).mean())


def val_loss(model: GPT, val, batches: int, batch_size: int, rng) -> float:
    model.eval()
    with glassnet.no_grad():
        losses = [
            model(*val.get_batch(batch_size, generator=rng))[1].item() for _ in range(batches)
        ]
    model.train()
    return float(np.mean(losses))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    path = find_text()
    if path is None:
        print("Set GLASSNET_DATA to a folder holding tinyshakespeare/input.txt to run it.")
        return
    if args.fast:
        config = dict(block_size=32, n_layer=1, n_head=2, n_embd=32)
        steps, batch_size, eval_every, eval_batches, new_chars = 20, 16, 5, 2, 120
    else:
        config = dict(block_size=64, n_layer=2, n_head=4, n_embd=64)
        steps, batch_size, eval_every, eval_batches, new_chars = 300, 32, 25, 8, 400
    text = load_text(path)
    train, val = char_splits(text, config["block_size"])
    vocab = train.vocab
    V = vocab.vocab_size
    cfg = GPTConfig(vocab_size=V, dropout=0.0, **config)
    model = GPT(cfg, generator=glassnet.Generator().manual_seed(0))
    optimizer = optim.AdamW(model.optim_groups(weight_decay=0.1), lr=3e-3, betas=(0.9, 0.99))
    rng = np.random.default_rng(0)
    eval_rng = np.random.default_rng(1)

    uniform = math.log(V)
    bigram = bigram_loss(train.ids, val.ids, V)
    print(f"{path}: {len(text):,} characters, {V} distinct")
    print(f"GPT {config}, {model.num_params():,} parameters; {steps} AdamW steps of {batch_size}")
    print(
        f"baselines (validation loss, nats/char): uniform ln {V} = {uniform:.3f}, "
        f"bigram table = {bigram:.3f}"
    )

    train_losses, val_points = [], []
    start = time.perf_counter()
    for step in range(steps):
        x, y = train.get_batch(batch_size, generator=rng)  # (B, T) each, y = x shifted by one
        _, loss = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        train_losses.append(loss.item())
        if step % eval_every == 0 or step == steps - 1:
            v = val_loss(model, val, eval_batches, batch_size, eval_rng)
            val_points.append((step, v))
            print(f"  step {step:4d}  train loss {train_losses[-1]:.3f}  val loss {v:.3f}")
    seconds = time.perf_counter() - start
    final_val = val_points[-1][1]
    verdict = "below" if final_val < bigram else "not yet below"
    print(
        f"trained in {seconds:.1f} s; final validation loss {final_val:.3f} is {verdict} the "
        f"bigram baseline ({bigram:.3f})"
    )

    model.eval()
    prompt = glassnet.tensor(vocab.encode("\n")[None, :])
    out = model.generate(
        prompt, max_new_tokens=new_chars, temperature=0.8, generator=np.random.default_rng(0)
    )
    sample = vocab.decode(out[0].tolist())
    print(f"\n--- {new_chars} sampled characters (temperature 0.8) ---{sample}\n---")
    (args.out / "07_gpt_sample.txt").write_text(sample)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(train_losses, color="tab:blue", alpha=0.5, lw=0.9, label="training batch loss")
    vs, vl = zip(*val_points)
    ax.plot(vs, vl, "o-", color="tab:orange", ms=4, label="validation loss")
    ax.axhline(uniform, color="gray", ls="--", lw=1, label=f"uniform guess, ln {V}")
    ax.axhline(bigram, color="tab:green", ls=":", lw=1.5, label="bigram table")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title(f"GPT ({cfg.n_layer} layer(s), width {cfg.n_embd}) on Tiny Shakespeare")
    ax.legend()
    save(fig, args.out, "07_gpt_loss.png")


if __name__ == "__main__":
    main()
