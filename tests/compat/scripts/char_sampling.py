"""A makemore-style character bigram MLP, then top-k sampling with torch.multinomial."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "ella", "luna", "anna"]
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(stoi)
block_size = 3

X, Y = [], []
for w in words:
    context = [0] * block_size
    for ch in w + ".":
        ix = stoi[ch]
        X.append(context)
        Y.append(ix)
        context = context[1:] + [ix]
X = torch.tensor(X)
Y = torch.tensor(Y)


class CharMLP(nn.Module):
    def __init__(self, n_embd=6, n_hidden=32):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(block_size * n_embd, n_hidden), nn.Tanh(), nn.Linear(n_hidden, vocab_size)
        )

    def forward(self, idx, targets=None):
        emb = self.wte(idx)  # (B, T, C)
        logits = self.mlp(emb.view(emb.shape[0], -1))
        loss = None if targets is None else F.cross_entropy(logits, targets)
        return logits, loss


model = CharMLP()
load_numpy_weights(model, seed=10, scale=0.3)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, nesterov=True)
losses = []
for step in range(20):
    logits, loss = model(X, Y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step % 5 == 0:
        print(f"step {step:3d} | loss {loss:.4f}")


@torch.no_grad()
def next_token_probs(idx, temperature=1.0, top_k=None):
    logits, _ = model(idx[:, -block_size:])
    logits = logits / temperature
    if top_k is not None:
        v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
        logits[logits < v[:, [-1]]] = -float("Inf")
    return F.softmax(logits, dim=-1)


@torch.no_grad()
def generate(idx, max_new_tokens, temperature=1.0, top_k=None, generator=None):
    for _ in range(max_new_tokens):
        probs = next_token_probs(idx, temperature, top_k)
        idx_next = torch.multinomial(probs, num_samples=1, generator=generator)
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


# the deterministic part is compared exactly: the top-k distribution the sampler draws from
start = torch.zeros((4, block_size), dtype=torch.long)
probs = next_token_probs(start, temperature=0.8, top_k=3)
top_p, top_i = torch.topk(probs, 3, dim=-1)
assert int((probs > 0).sum(dim=-1).max()) <= 3

# the draws differ between frameworks; their law does not: frequencies match the probabilities
g = torch.Generator().manual_seed(42)
draws = torch.multinomial(probs[0], num_samples=20000, replacement=True, generator=g)
freq = torch.bincount(draws, minlength=vocab_size).double() / 20000
assert (freq - probs[0]).abs().max().item() < 0.02, (freq, probs[0])

samples = generate(start, 6, temperature=0.8, top_k=3, generator=g)
names = ["".join(itos[i] for i in row[block_size:].tolist()).split(".")[0] for row in samples]
print("samples:", names)
assert all(set(n) <= set(chars) for n in names)
report(losses=losses, top_p=top_p[0].tolist(), top_i=top_i[0].tolist())
