"""Variable-length sequence classification: pad_sequence in a collate_fn, pack_padded_sequence
into a bidirectional LSTM, pad_packed_sequence back, ReduceLROnPlateau on the validation loss."""

import numpy as np
import torch
import torch.nn as nn
from _weights import load_numpy_weights, report
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
PAD = 0


class SeqDataset(Dataset):
    def __init__(self, rs, n):
        self.items = []
        for _ in range(n):
            length = rs.randint(2, 8)
            tokens = rs.randint(1, 9, size=length)
            self.items.append((torch.from_numpy(tokens).long(), int(tokens.sum() % 2)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_batch(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return padded, lengths, torch.tensor(labels)


class Classifier(nn.Module):
    def __init__(self, vocab, emb, hidden, n_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(4 * hidden, n_class)

    def forward(self, text, lengths):
        embedded = self.embedding(text)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        packed_output, (hidden, cell) = self.lstm(packed)
        output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
        assert torch.equal(output_lengths, lengths)
        mean = output.sum(dim=1) / lengths.unsqueeze(1).to(output.dtype)
        last = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
        return self.fc(torch.cat((mean, last), dim=1))


rs = np.random.RandomState(24)
train_loader = DataLoader(SeqDataset(rs, 24), batch_size=6, collate_fn=collate_batch)
valid_loader = DataLoader(SeqDataset(rs, 12), batch_size=12, collate_fn=collate_batch)

model = Classifier(9, 5, 6, 2)
load_numpy_weights(model, seed=25, scale=0.3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
    optimizer, mode="min", factor=0.5, patience=0
)

losses = []
for epoch in range(4):
    model.train()
    for text, lengths, label in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(text, lengths), label)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        text, lengths, label = next(iter(valid_loader))
        logits = model(text, lengths)
        val_loss = criterion(logits, label).item()
        acc = (logits.argmax(1) == label).sum().item() / len(label)
    scheduler.step(val_loss)
    losses += [val_loss, optimizer.param_groups[0]["lr"]]
    print(f"epoch {epoch} | valid loss {val_loss:.4f} | accuracy {acc:.3f}")
report(losses=losses, padding_row=model.embedding.weight[PAD].tolist())
