"""A small VAE in the style of pytorch/examples/vae: reparameterisation, BCE + KL."""

import numpy as np
import torch
import torch.nn.functional as F
from _weights import load_numpy_weights, report
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 12)
        self.fc21 = nn.Linear(12, 3)
        self.fc22 = nn.Linear(12, 3)
        self.fc3 = nn.Linear(3, 12)
        self.fc4 = nn.Linear(12, 16)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar, eps=None):
        std = torch.exp(0.5 * logvar)
        if eps is None:
            eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x, eps=None):
        mu, logvar = self.encode(x.view(-1, 16))
        z = self.reparameterize(mu, logvar, eps)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 16), reduction="sum")
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


rs = np.random.RandomState(8)
images = torch.from_numpy((rs.uniform(size=(32, 1, 4, 4)) > 0.5).astype(np.float64))
labels = torch.zeros(32, dtype=torch.long)
# the noise of the reparameterisation trick, drawn once from NumPy so both frameworks share it
noise = torch.from_numpy(rs.normal(size=(4, 4, 8, 3)))
train_loader = DataLoader(TensorDataset(images, labels), batch_size=8, shuffle=False)

model = VAE()
load_numpy_weights(model, seed=9, scale=0.3)
optimizer = optim.Adam(model.parameters(), lr=1e-2)

# torch.randn_like: the shape and dtype of the noise, and its law on a large draw
eps = torch.randn_like(torch.zeros(20000, 3))
assert eps.shape == (20000, 3) and eps.dtype == torch.float64
assert abs(eps.mean().item()) < 0.05 and abs(eps.std().item() - 1.0) < 0.05

losses = []
for epoch in range(4):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data, eps=noise[epoch, batch_idx])
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        losses.append(loss.item() / len(data))
    print(f"====> Epoch: {epoch} Average loss: {train_loss / len(train_loader.dataset):.4f}")

model.eval()
with torch.no_grad():
    sample = model.decode(torch.from_numpy(rs.normal(size=(5, 3))))
    losses.append(sample.sum().item())
report(losses=losses)
