"""FGSM adversarial examples and adversarial training (the FGSM tutorial's idioms):
input gradients through ``data.grad`` and through ``torch.autograd.grad``."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def fgsm_attack(image, epsilon, data_grad):
    sign_data_grad = data_grad.sign()
    perturbed_image = image + epsilon * sign_data_grad
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 4))
load_numpy_weights(model, seed=22, scale=0.4)
rs = np.random.RandomState(23)
images = torch.from_numpy(rs.uniform(size=(30, 10)))
labels = torch.from_numpy(rs.randint(0, 4, size=30))
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-2, alpha=0.9)

losses = []
for _epoch in range(6):
    # the attack, tutorial style: gradients land in data.grad
    data = images.clone()
    data.requires_grad = True
    output = model(data)
    loss = F.nll_loss(F.log_softmax(output, dim=1), labels)
    model.zero_grad()
    loss.backward()
    data_grad = data.grad.data
    perturbed = fgsm_attack(data, 0.05, data_grad)

    # the same gradient without touching .grad, as training loops write it
    x = images.clone().requires_grad_(True)
    (x_grad,) = torch.autograd.grad(F.cross_entropy(model(x), labels), x)
    assert torch.equal(x_grad.sign(), data_grad.sign())
    assert all(p.grad is None or p.grad.abs().sum() > 0 for p in model.parameters())

    # adversarial training step on clean + perturbed inputs
    optimizer.zero_grad()
    adv_loss = 0.5 * (
        F.cross_entropy(model(images), labels) + F.cross_entropy(model(perturbed.detach()), labels)
    )
    adv_loss.backward()
    optimizer.step()
    with torch.no_grad():
        final_pred = model(perturbed).max(1, keepdim=True)[1]
        correct = final_pred.eq(labels.view_as(final_pred)).sum().item()
    losses += [loss.item(), adv_loss.item(), float(x_grad.norm()), float(correct)]
    print(f"Epsilon: 0.05\tTest Accuracy = {correct} / {len(images)} = {correct / len(images)}")
report(losses=losses)
