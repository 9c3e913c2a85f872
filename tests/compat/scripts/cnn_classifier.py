"""An MNIST-example-style CNN: DataLoader, train()/eval(), no_grad, the device boilerplate."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from _weights import load_numpy_weights, report
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
torch.set_default_dtype(torch.float64)
use_cuda = torch.cuda.is_available()
device = torch.device("cuda" if use_cuda else "cpu")
# dropout masks are random draws that differ between frameworks; the losses are compared without
DROPOUT = 0.0


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(DROPOUT)
        self.dropout2 = nn.Dropout(DROPOUT)
        self.fc1 = nn.Linear(8 * 3 * 3, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer, epoch, losses):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        print(
            f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)}]"
            f"\tLoss: {loss.item():.6f} ({loss:.4f})"
        )


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    n = len(test_loader.dataset)
    print(f"Test set: Average loss: {test_loss:.4f}, Accuracy: {correct}/{n}")
    return test_loss, correct


rs = np.random.RandomState(16)
images = rs.normal(size=(48, 1, 10, 10))
labels = rs.randint(0, 3, size=48)
images[np.arange(48), 0, labels * 3, labels * 3] += 3.0  # a learnable signal
train_set = TensorDataset(torch.from_numpy(images[:32]), torch.from_numpy(labels[:32]).long())
test_set = TensorDataset(torch.from_numpy(images[32:]), torch.from_numpy(labels[32:]).long())

# training order: an explicit permutation (a framework's own shuffle draws differ)
order = rs.permutation(32).tolist()
train_loader = DataLoader(train_set, batch_size=8, sampler=order)
# the test loss is a sum, so the seeded shuffle cannot change it
test_loader = DataLoader(
    test_set, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(0)
)

model = Net().to(device)
load_numpy_weights(model, seed=17, scale=0.3)
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
losses = []
for epoch in range(1, 4):
    train(model, device, train_loader, optimizer, epoch, losses)
    test_loss, correct = test(model, device, test_loader)
    losses.append(test_loss)
    scheduler.step()
report(losses=losses, correct=correct)
