"""An MLP built from nn.ModuleList with F.dropout, trained by AdamW with two parameter groups."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class MLP(nn.Module):
    def __init__(self, sizes, dropout=0.1):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        self.norms = nn.ModuleList([nn.LayerNorm(b) for b in sizes[1:-1]])
        self.dropout = dropout

    def forward(self, x):
        for layer, norm in zip(self.layers[:-1], self.norms):
            x = F.gelu(norm(layer(x)))
            x = F.dropout(x, p=self.dropout, training=self.training)
        return self.layers[-1](x)


rs = np.random.RandomState(18)
x = torch.from_numpy(rs.normal(size=(40, 7)))
y = torch.from_numpy(rs.normal(size=(40, 1)))

model = MLP([7, 16, 16, 1], dropout=0.2)
load_numpy_weights(model, seed=19, scale=0.3)

# F.dropout in training mode: zeros about p of the entries and scales the rest by 1 / (1 - p)
model.train()
h = F.dropout(torch.ones(200, 100), p=0.2, training=True)
zero_fraction = (h == 0).double().mean().item()
assert abs(zero_fraction - 0.2) < 0.02 and set(h.unique().tolist()) <= {0.0, 1.25}

decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if p.dim() < 2 or "norms" in name else decay).append(p)
optimizer = torch.optim.AdamW(
    [
        {"params": decay, "weight_decay": 0.1},
        {"params": no_decay, "weight_decay": 0.0},
    ],
    lr=1e-2,
    betas=(0.9, 0.95),
)
print(f"{sum(p.numel() for p in decay)} decayed, {sum(p.numel() for p in no_decay)} not")

losses = []
model.eval()  # dropout off: its masks are random draws that differ between frameworks
for step in range(25):
    loss = F.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step == 12:
        optimizer.param_groups[0]["lr"] = 5e-3
with torch.no_grad():
    losses.append(F.mse_loss(model(x), y).item())
report(losses=losses, groups=[g["weight_decay"] for g in optimizer.param_groups])
