"""The usual epoch loop with StepLR, CosineAnnealingLR, OneCycleLR, LambdaLR and a chain."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _weights import load_numpy_weights, report
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, OneCycleLR, StepLR

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

rs = np.random.RandomState(12)
inputs = torch.from_numpy(rs.normal(size=(24, 5)))
targets = torch.from_numpy(rs.randint(0, 3, size=24)).long()


def make(kind):
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    load_numpy_weights(model, seed=13, scale=0.4)
    if kind == "step":
        opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        return model, opt, StepLR(opt, step_size=3, gamma=0.5)
    if kind == "cosine":
        opt = torch.optim.Adam(model.parameters(), lr=0.05)
        return model, opt, CosineAnnealingLR(opt, T_max=6, eta_min=1e-3)
    if kind == "onecycle":
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return model, opt, OneCycleLR(opt, max_lr=0.5, total_steps=10)
    opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
    return model, opt, LambdaLR(opt, lr_lambda=lambda epoch: 0.8**epoch)


losses, lrs = [], []
for kind in ("step", "cosine", "onecycle", "lambda"):
    model, optimizer, scheduler = make(kind)
    for _epoch in range(10):
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        lrs.append(scheduler.get_last_lr()[0])
        lrs.append(optimizer.param_groups[0]["lr"])
    print(f"{kind}: last lr {scheduler.get_last_lr()[0]:.5f} loss {loss:.4f}")
    state = scheduler.state_dict()
    lrs.append(float(state["last_epoch"]))
report(losses=losses, lrs=lrs)
