"""GPT: a decoder-only transformer language model, after Karpathy's nanoGPT, readable top to bottom.

    idx (B, T) token ids
      -> token embedding (B, T, C) + position embedding (T, C)  -> dropout
      -> n_layer blocks:  x = x + attn(LN(x));  x = x + mlp(LN(x))     (pre-LayerNorm)
      -> final LayerNorm -> lm_head (C -> vocab), whose weight IS the token embedding's (tied)
      -> logits (B, T, vocab);  loss = cross-entropy with the next tokens, when targets are given

The attention is causal: position t sees positions 0..t only, so every position of a block is a
training example for "predict the next token". Module and parameter names are nanoGPT's
(transformer.wte, transformer.h.0.attn.c_attn, ..., lm_head), so a state_dict moves between
this model and a PyTorch nanoGPT of the same config.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.nn import init
from glassnet.nn.containers import ModuleDict, ModuleList
from glassnet.nn.dropout import Dropout
from glassnet.nn.embedding import Embedding
from glassnet.nn.linear import Linear
from glassnet.nn.module import Module
from glassnet.nn.norm import LayerNorm
from glassnet.ops import arange, cat
from glassnet.ops.activation import gelu
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.ops.loss import cross_entropy
from glassnet.random import rng_of
from glassnet.tensor import Tensor


@dataclass
class GPTConfig:
    """Size of a GPT. The defaults are GPT-2 small's (with the vocabulary padded to 50304)."""

    block_size: int = 1024  # longest context, T
    vocab_size: int = 50304  # number of distinct tokens, V
    n_layer: int = 12  # transformer blocks
    n_head: int = 12  # attention heads per block
    n_embd: int = 768  # width of the residual stream, C
    dropout: float = 0.0
    bias: bool = True  # biases in Linear layers and LayerNorms (False: a little better, faster)

    def __post_init__(self) -> None:
        for name in ("block_size", "vocab_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"GPTConfig: {name} must be a positive int, got {value!r}")
        if self.n_embd % self.n_head:
            raise ValueError(
                f"GPTConfig: n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig: dropout must be in [0, 1), got {self.dropout}")


class CausalSelfAttention(Module):
    """Multi-head self-attention where each position attends only to itself and earlier ones."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        C = config.n_embd
        self.c_attn = Linear(C, 3 * C, bias=config.bias)  # queries, keys, values in one product
        self.c_proj = Linear(C, C, bias=config.bias)  # joins the heads back
        self.resid_dropout = Dropout(config.dropout)
        self.n_head = config.n_head
        self.n_embd = C
        self.dropout = config.dropout

    def forward(self, x: Tensor, kv_cache: list | None = None) -> Tensor:
        """x (B, T, C) -> (B, T, C). With `kv_cache` (generation): the keys and values of the
        earlier positions, [] at first; x holds only the new positions, and the cache grows."""
        B, T, C = x.shape
        nh = self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
        q = q.reshape(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
        k = k.reshape(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
        v = v.reshape(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
        mask = None
        if kv_cache:  # earlier positions' keys and values come first: (B, nh, S, hs)
            k, v = cat([kv_cache[0], k], dim=2), cat([kv_cache[1], v], dim=2)
            S = k.shape[2]  # new query i is position S - T + i: it sees keys j <= S - T + i
            mask = None if T == 1 else Tensor._wrap(np.tril(np.ones((T, S), bool), S - T))
        if kv_cache is not None:
            kv_cache[:] = [k, v]
        p = self.dropout if self.training else 0.0
        causal = mask is None and k.shape[2] == T
        y = scaled_dot_product_attention(q, k, v, mask, dropout_p=p, is_causal=causal)
        y = y.transpose(1, 2).reshape(B, T, C)  # heads side by side again: (B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(Module):
    """Position-wise feed-forward net: C -> 4C -> GELU -> C."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        C = config.n_embd
        self.c_fc = Linear(C, 4 * C, bias=config.bias)
        self.c_proj = Linear(4 * C, C, bias=config.bias)
        self.dropout = Dropout(config.dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.dropout(self.c_proj(gelu(self.c_fc(x))))  # (B, T, C)


class Block(Module):
    """One transformer block with pre-LayerNorm residual branches."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: Tensor, kv_cache: list | None = None) -> Tensor:
        x = x + self.attn(self.ln_1(x), kv_cache)  # (B, T, C)
        x = x + self.mlp(self.ln_2(x))  # (B, T, C)
        return x


class GPT(Module):
    """A decoder-only transformer language model (see the module docstring for the flow).

    Parameters
    ----------
    config : GPTConfig
        Sizes and dropout.
    generator : Generator, optional
        Random source of the initial weights: N(0, 0.02) for Linear and Embedding weights,
        N(0, 0.02 / sqrt(2 n_layer)) for the projections into the residual stream (c_proj),
        zero biases, LayerNorms at (1, 0) -- GPT-2's scheme, as nanoGPT.

    Shape
    -----
    idx: (B, T) int64 with T <= block_size; targets: (B, T) int64 (-1 to skip a position).
    Returns (logits (B, T, vocab_size), loss (a scalar tensor) or None).

    Example
    -------
    >>> model = GPT(GPTConfig(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128))
    >>> logits, loss = model(x, y)                     # x, y: (B, 64)
    >>> out = model.generate(x[:, :1], max_new_tokens=100, top_k=10)  # (B, 101)
    """

    def __init__(self, config: GPTConfig, generator: Any = None) -> None:
        super().__init__()
        self.config = config
        self.transformer = ModuleDict(
            dict(
                wte=Embedding(config.vocab_size, config.n_embd),  # token embedding
                wpe=Embedding(config.block_size, config.n_embd),  # position embedding
                drop=Dropout(config.dropout),
                h=ModuleList([Block(config) for _ in range(config.n_layer)]),
                ln_f=LayerNorm(config.n_embd, bias=config.bias),
            )
        )
        self.lm_head = Linear(config.n_embd, config.vocab_size, bias=False)
        # Weight tying: reading a token in and writing it out use one (V, C) matrix.
        self.transformer.wte.weight = self.lm_head.weight
        self._init_weights(generator)

    def _init_weights(self, generator: Any) -> None:
        residual_std = 0.02 / math.sqrt(2 * self.config.n_layer)
        for name, module in self.named_modules():
            if isinstance(module, Linear):
                std = residual_std if name.endswith("c_proj") else 0.02
                init.normal_(module.weight, 0.0, std, generator=generator)
                if module.bias is not None:
                    init.zeros_(module.bias)
            elif isinstance(module, Embedding) and module is not self.transformer.wte:
                init.normal_(module.weight, 0.0, 0.02, generator=generator)
            # (wte.weight is lm_head.weight, drawn above; LayerNorms start at weight 1, bias 0)

    def num_params(self, non_embedding: bool = True) -> int:
        """Number of parameters (the tied matrix counted once); without the position embedding
        by default, as nanoGPT reports it."""
        n = sum(p.numel() for p in self.parameters())
        return n - self.transformer.wpe.weight.numel() if non_embedding else n

    def forward(self, idx: Tensor, targets: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        if idx.ndim != 2 or idx.dtype.kind not in "iu":
            raise ValueError(
                f"GPT: idx must be a (B, T) integer tensor, got shape {tuple(idx.shape)} and "
                f"dtype {idx.dtype}"
            )
        B, T = idx.shape
        if T > self.config.block_size:
            raise ValueError(
                f"GPT: cannot forward a sequence of length {T}, block_size is only "
                f"{self.config.block_size}"
            )
        pos = arange(T)  # (T,)
        tok_emb = self.transformer.wte(idx)  # (B, T, C)
        pos_emb = self.transformer.wpe(pos)  # (T, C), the same for every sequence
        x = self.transformer.drop(tok_emb + pos_emb)  # (B, T, C)
        for block in self.transformer.h:
            x = block(x)  # (B, T, C)
        x = self.transformer.ln_f(x)  # (B, T, C)
        logits = self.lm_head(x)  # (B, T, V)
        loss = None
        if targets is not None:
            if tuple(targets.shape) != (B, T):
                raise ValueError(
                    f"GPT: targets must have the shape of idx {(B, T)}, got {tuple(targets.shape)}"
                )
            V = self.config.vocab_size
            loss = cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T), ignore_index=-1)
        return logits, loss

    def _next_logits(self, idx: Tensor, kv_caches: list | None, start: int) -> np.ndarray:
        """The logits (B, V) after the last token of idx, whose first token is at position
        `start`. With `kv_caches` (one list per block) idx holds only the tokens the caches
        have not seen; only the last position goes through ln_f and lm_head."""
        T = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(arange(start, start + T))
        x = self.transformer.drop(x)  # (B, T, C)
        for i, block in enumerate(self.transformer.h):
            x = block(x, None if kv_caches is None else kv_caches[i])
        return self.lm_head(self.transformer.ln_f(x[:, -1:, :]))._data[:, -1, :]

    def generate(
        self,
        idx: Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: Any = None,
    ) -> Tensor:
        """Extend each sequence of idx (B, T) by `max_new_tokens` sampled tokens: (B, T + n).

        Each step feeds the last block_size tokens, divides the last position's logits by
        `temperature` (< 1: more conservative, > 1: more random), keeps only the `top_k` largest
        if given, and samples from the softmax with `generator`. Runs under no_grad; call
        `model.eval()` first to switch dropout off.

        While the sequence fits in block_size, each block keeps the keys and values of the tokens
        it has seen (a KV cache), so a step runs only the newest token through the model: the
        same products as feeding the whole sequence, without recomputing the old positions. Once
        the window slides, every position moves and each step is a full forward, as nanoGPT.
        """
        if temperature <= 0:
            raise ValueError(f"GPT.generate: temperature must be positive, got {temperature}")
        if top_k is not None and top_k < 1:
            raise ValueError(f"GPT.generate: top_k must be a positive int, got {top_k}")
        rng = rng_of(generator)
        block_size = self.config.block_size
        caches = None  # per block: [keys, values] of the tokens seen so far
        with no_grad():
            for _ in range(max_new_tokens):
                T = idx.shape[1]
                if T > block_size:  # the last block_size tokens, at positions 0.. again
                    z = self._next_logits(idx[:, -block_size:], None, 0)
                elif caches is None:  # the first step: the whole prompt fills the caches
                    caches = [[] for _ in self.transformer.h]
                    z = self._next_logits(idx, caches, 0)
                else:  # the newest token only, at position T - 1
                    z = self._next_logits(idx[:, -1:], caches, T - 1)
                z = z / temperature  # (B, V), the next token's scores
                if top_k is not None:
                    k = min(top_k, z.shape[-1])
                    kth = np.partition(z, -k, axis=-1)[:, -k]  # (B,) the k-th largest
                    z = np.where(z < kth[:, None], -np.inf, z)
                probs = np.exp(z - z.max(axis=-1, keepdims=True))
                probs /= probs.sum(axis=-1, keepdims=True)  # (B, V)
                # inverse-CDF sampling: the first token whose cumulative probability passes u
                u = rng.random((probs.shape[0], 1))
                next_id = (np.cumsum(probs, axis=-1) < u).sum(axis=-1)  # (B,)
                next_id = np.minimum(next_id, probs.shape[-1] - 1)  # guard against rounding
                idx = cat([idx, Tensor._wrap(next_id[:, None].astype(np.int64))], dim=1)
        return idx

    def optim_groups(self, weight_decay: float) -> list[dict]:
        """Parameter groups for AdamW as nanoGPT uses them: weight decay on the matrices
        (Linear and Embedding weights, >= 2-D), none on biases and LayerNorm parameters.

        Example
        -------
        >>> opt = glassnet.optim.AdamW(model.optim_groups(0.1), lr=1e-3, betas=(0.9, 0.99))
        """
        params = list(self.parameters())  # the tied matrix once
        return [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]
