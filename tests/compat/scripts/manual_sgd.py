"""Fit y = sin(x) with a two-layer net and hand-written SGD through ``p.data`` (tutorial style)."""

import numpy as np
import torch
import torch.nn as nn
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

rs = np.random.RandomState(1)
x = torch.from_numpy(rs.uniform(-3, 3, size=(64, 1)))
y = torch.sin(x)

model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
load_numpy_weights(model, seed=2, scale=0.5)
loss_fn = nn.MSELoss(reduction="sum")
learning_rate = 1e-3

losses = []
for t in range(30):  # noqa: B007 (as the tutorial writes it)
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    losses.append(loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-learning_rate)  # the older idiom, outside no_grad
    for p in model.parameters():
        p.grad.zero_()

w = model[0].weight
w.data.mul_(0.5).sub_(0.01).div_(2.0)
w.data.clamp_(-0.2, 0.2)
losses.append(loss_fn(model(x), y).item())
report(losses=losses, w_sum=w.sum().item())
