"""A tiny seq2seq nn.Transformer learning to reverse sequences (translation-tutorial style)."""

import math

import numpy as np
import torch
import torch.nn as nn
from _weights import load_numpy_weights, report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

PAD_IDX, BOS_IDX, VOCAB, EMB = 0, 1, 10, 16


class PositionalEncoding(nn.Module):
    def __init__(self, emb_size, dropout, maxlen=50):
        super().__init__()
        den = torch.exp(-torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = torch.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = torch.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = torch.sin(pos * den)
        pos_embedding[:, 1::2] = torch.cos(pos * den)
        pos_embedding = pos_embedding.unsqueeze(0)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", pos_embedding)

    def forward(self, token_embedding):
        return self.dropout(token_embedding + self.pos_embedding[:, : token_embedding.size(1), :])


class Seq2SeqTransformer(nn.Module):
    def __init__(self, num_layers, emb_size, nhead, vocab, dim_feedforward, dropout=0.1):
        super().__init__()
        self.transformer = nn.Transformer(
            d_model=emb_size,
            nhead=nhead,
            num_encoder_layers=num_layers,
            num_decoder_layers=num_layers,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            batch_first=True,
        )
        self.generator = nn.Linear(emb_size, vocab)
        self.src_tok_emb = nn.Embedding(vocab, emb_size)
        self.tgt_tok_emb = nn.Embedding(vocab, emb_size)
        self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

    def forward(self, src, trg, tgt_mask, src_padding_mask, tgt_padding_mask):
        src_emb = self.positional_encoding(self.src_tok_emb(src) * math.sqrt(EMB))
        tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg) * math.sqrt(EMB))
        outs = self.transformer(
            src_emb,
            tgt_emb,
            src_mask=None,
            tgt_mask=tgt_mask,
            memory_mask=None,
            src_key_padding_mask=src_padding_mask,
            tgt_key_padding_mask=tgt_padding_mask,
            memory_key_padding_mask=src_padding_mask,
        )
        return self.generator(outs)


def create_mask(src, tgt):
    tgt_seq_len = tgt.shape[1]
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt_seq_len)
    src_padding_mask = src == PAD_IDX
    tgt_padding_mask = tgt == PAD_IDX
    return tgt_mask, src_padding_mask, tgt_padding_mask


rs = np.random.RandomState(6)
src = torch.from_numpy(rs.randint(2, VOCAB, size=(6, 7))).long()
src[0, 5:] = PAD_IDX  # a padded sentence
tgt = torch.cat([torch.full((6, 1), BOS_IDX, dtype=torch.long), src.flip(1)], dim=1)

model = Seq2SeqTransformer(2, EMB, 2, VOCAB, 32, dropout=0.0)
load_numpy_weights(model, seed=7, scale=0.15)
loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_IDX)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, betas=(0.9, 0.98), eps=1e-9)

losses = []
for _epoch in range(8):
    model.train()
    tgt_input = tgt[:, :-1]
    tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
    logits = model(src, tgt_input, tgt_mask, src_padding_mask, tgt_padding_mask)
    optimizer.zero_grad()
    tgt_out = tgt[:, 1:]
    loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

# greedy decoding of the first sentence
model.eval()
with torch.no_grad():
    memory = model.transformer.encoder(
        model.positional_encoding(model.src_tok_emb(src[:1]) * math.sqrt(EMB))
    )
    ys = torch.ones(1, 1).fill_(BOS_IDX).type(torch.long)
    for _ in range(4):
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(ys.size(1))
        tgt_emb = model.positional_encoding(model.tgt_tok_emb(ys) * math.sqrt(EMB))
        out = model.transformer.decoder(tgt_emb, memory, tgt_mask=tgt_mask)
        prob = model.generator(out[:, -1])
        _, next_word = torch.max(prob, dim=1)
        losses.append(prob.max().item())
        ys = torch.cat([ys, torch.ones(1, 1).type_as(src.data).fill_(next_word.item())], dim=1)
report(losses=losses, decoded=ys.tolist())
