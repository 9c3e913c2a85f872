"""A SimCLR-style contrastive embedding with a causal 1-D conv encoder: F.pad for causality,
F.normalize, F.cosine_similarity, NT-Xent through cross_entropy, and F.one_hot soft targets."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = CausalConv1d(2, 8, 3)
        self.conv2 = CausalConv1d(8, 8, 3, dilation=2)
        self.proj = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8))

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h)) + h
        return self.proj(h.mean(dim=-1))


def nt_xent(z1, z2, temperature=0.5):
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    n = z1.shape[0]
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


rs = np.random.RandomState(26)
signals = torch.from_numpy(rs.normal(size=(12, 2, 16)))
# two "augmentations" per signal, drawn once from NumPy
view_noise = torch.from_numpy(rs.normal(scale=0.1, size=(10, 2, 12, 2, 16)))
labels = torch.from_numpy(rs.randint(0, 3, size=12))

model = Encoder()
head = nn.Linear(8, 3)
load_numpy_weights(model, seed=27, scale=0.3)
load_numpy_weights(head, seed=28, scale=0.3)
optimizer = torch.optim.SGD(
    [{"params": model.parameters()}, {"params": head.parameters(), "lr": 0.05}],
    lr=0.1,
    momentum=0.9,
    weight_decay=1e-4,
)

losses = []
for step in range(10):
    z1 = model(signals + view_noise[step, 0])
    z2 = model(signals + view_noise[step, 1])
    loss = nt_xent(z1, z2)
    # a linear probe on soft one-hot targets (label smoothing by hand)
    soft = F.one_hot(labels, num_classes=3).to(z1.dtype) * 0.9 + 0.1 / 3
    probe = -(soft * F.log_softmax(head(z1.detach()), dim=1)).sum(dim=1).mean()
    optimizer.zero_grad()
    (loss + probe).backward()
    optimizer.step()
    agreement = F.cosine_similarity(z1, z2, dim=1).mean()
    losses += [loss.item(), probe.item(), agreement.item()]
    print(f"step {step} nt-xent {loss:.4f} probe {probe:.4f} cos {agreement:+.3f}")
report(losses=losses)
