"""DCGAN-style ``weights_init`` through ``.data``, then a few discriminator steps."""

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from _weights import report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        m.weight.data.normal_(0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)
    elif classname.find("Linear") != -1:
        m.weight.data.uniform_(-0.1, 0.1)
        m.bias.data.zero_()


class Discriminator(nn.Module):
    def __init__(self, nc=1, ndf=4):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(),
            nn.Linear(ndf * 2 * 2 * 2, 1),
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


netD = Discriminator()
netD.apply(weights_init)

# the statistics the init promises (random draws differ between frameworks; their law does not)
conv_w = netD.main[0].weight
bn = netD.main[3]
stats_ok = (
    abs(conv_w.std().item() - 0.02) < 0.01
    and abs(bn.weight.data.mean().item() - 1.0) < 0.05
    and bn.bias.data.abs().sum().item() == 0.0
    and netD.main[6].bias.data.abs().max().item() == 0.0
    and netD.main[6].weight.data.abs().max().item() <= 0.1
)
assert stats_ok, "weights_init did not produce the documented statistics"

# identical starting weights for the loss comparison, set through .data
rs = np.random.RandomState(3)
for p in netD.parameters():
    p.data = torch.from_numpy(rs.normal(0.0, 0.2, size=tuple(p.shape)))
for p in netD.parameters():
    p.data.copy_(p.data * 1.0)

criterion = nn.BCELoss()
optimizerD = optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
real = torch.from_numpy(rs.uniform(-1, 1, size=(8, 1, 8, 8)))
fake = torch.from_numpy(rs.uniform(-1, 1, size=(8, 1, 8, 8)))
real_label, fake_label = 1.0, 0.0

losses = []
for i in range(8):
    netD.zero_grad()
    label = torch.full((8,), real_label, dtype=real.dtype)
    errD_real = criterion(netD(real), label)
    errD_real.backward()
    label.fill_(fake_label)
    output = netD(fake.detach())
    errD_fake = criterion(output, label)
    errD_fake.backward()
    errD = errD_real + errD_fake
    optimizerD.step()
    losses.append(errD.item())
    print(f"[{i}/8] Loss_D: {errD.item():.4f} D(G(z)): {output.mean().item():.4f}")
report(losses=losses, running_mean=bn.running_mean.tolist())
