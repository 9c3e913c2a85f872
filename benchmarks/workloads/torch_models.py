"""PyTorch twins of glassnet's models, with the same parameter names, so weights copy across."""

from __future__ import annotations

import numpy as np


def copy_weights(torch, glassnet_model, torch_model) -> None:
    """Load glassnet's state_dict into the torch twin (names match; a mismatch raises)."""
    state = {
        k: torch.from_numpy(np.array(getattr(v, "data", v)))
        for k, v in glassnet_model.state_dict().items()
    }
    torch_model.load_state_dict(state, strict=True)


def lenet5(torch):
    nn, F = torch.nn, torch.nn.functional

    class LeNet5(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(400, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    return LeNet5()


def resnet(torch, layers=(2, 2, 2), width=16, in_channels=1, num_classes=10):
    nn, F = torch.nn, torch.nn.functional

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = None
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
                )

        def forward(self, x):
            out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
            return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(in_channels, width, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            blocks, channels = [], width
            for stage, n in enumerate(layers):
                out = width * 2**stage
                for i in range(n):
                    blocks.append(BasicBlock(channels, out, 2 if stage > 0 and i == 0 else 1))
                    channels = out
            self.blocks = nn.Sequential(*blocks)
            self.fc = nn.Linear(channels, num_classes)

        def forward(self, x):
            x = F.relu(self.bn1(self.conv1(x)))
            return self.fc(self.blocks(x).mean(dim=(2, 3)))

    return ResNet()
