"""Save a checkpoint mid-training (to a file and to io.BytesIO), reload it and continue."""

import io
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

rs = np.random.RandomState(14)
X = torch.from_numpy(rs.normal(size=(32, 6)))
y = torch.from_numpy(rs.normal(size=(32, 2)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10)
        self.bn = nn.BatchNorm1d(10)
        self.fc2 = nn.Linear(10, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


def build():
    model = Net()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.7)
    return model, optimizer, scheduler


def train_steps(model, optimizer, scheduler, n, losses):
    model.train()
    for _ in range(n):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(X), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())


losses = []
model, optimizer, scheduler = build()
load_numpy_weights(model, seed=15)
train_steps(model, optimizer, scheduler, 5, losses)

checkpoint = {
    "epoch": 5,
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "scheduler_state_dict": scheduler.state_dict(),
    "loss": losses[-1],
}
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pt")
    torch.save(checkpoint, path)
    loaded = torch.load(path, map_location="cpu", weights_only=True)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
weights_only = torch.load(buffer)

# the original keeps training ...
train_steps(model, optimizer, scheduler, 5, losses)

# ... and so does a fresh copy restored from the file: the losses must agree
model2, optimizer2, scheduler2 = build()
model2.load_state_dict(loaded["model_state_dict"])
optimizer2.load_state_dict(loaded["optimizer_state_dict"])
scheduler2.load_state_dict(loaded["scheduler_state_dict"])
resumed = []
train_steps(model2, optimizer2, scheduler2, 5, resumed)
assert loaded["epoch"] == 5 and abs(loaded["loss"] - losses[4]) == 0.0
assert max(abs(p - q) for p, q in zip(resumed, losses[5:])) < 1e-12, (resumed, losses[5:])

# the BytesIO copy holds the weights of step 5 (buffers included): evaluate them
model3 = Net()
model3.load_state_dict(weights_only)
model3.eval()
with torch.no_grad():
    losses.append(nn.functional.mse_loss(model3(X), y).item())
losses.append(float(model3.bn.num_batches_tracked))
report(losses=losses, keys=sorted(weights_only.keys()))
