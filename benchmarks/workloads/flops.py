"""Floating-point operation counts of the benchmark models, for the suite's GFLOP/s column.

Convention: 2 FLOPs per multiply-add of the convolutions, the linear layers and the attention
products; elementwise work (activations, norms, pooling, the optimizer) is not counted. A
training step counts 3x its forward: backward makes two products for each forward one (dL/dinput
and dL/dweight). Generation is left uncounted: glassnet samples with a KV cache, the PyTorch twin
recomputes the whole window for every token, so the two do different arithmetic for the same
tokens (tokens/s compares them).
"""

from __future__ import annotations

import math
from typing import Any


def layer_forward_flops(model: Any, example: Any) -> float:
    """Forward FLOPs of the batch `example` (a glassnet Tensor) through a glassnet model, summed
    over the convolution and linear layers it calls (forward hooks):

        convolution: 2 x output elements x (in_channels / groups) x kernel area
        linear:      2 x output elements x in_features

    The model runs once in eval mode under no_grad (batch norm's running statistics are left as
    they were); each module is then put back in its own previous mode."""
    import glassnet
    from glassnet import nn

    total = [0.0]

    def conv(module: Any, args: Any, out: Any) -> None:
        w = module.weight.shape  # (out, in / groups, *kernel)
        total[0] += 2.0 * out.numel() * w[1] * math.prod(w[2:])

    def linear(module: Any, args: Any, out: Any) -> None:
        total[0] += 2.0 * out.numel() * module.in_features

    handles = []
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            handles.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear))
    modes = [(m, m.training) for m in model.modules()]  # e.g. a frozen norm in eval
    model.eval()
    try:
        with glassnet.no_grad():
            model(example)
    finally:
        for m, training in modes:
            m.training = training
        for h in handles:
            h.remove()
    return total[0]


def gpt_forward_flops_per_token(n_layer: int, n_embd: int, block: int, vocab: int) -> float:
    """Forward FLOPs per token of a GPT run on full blocks of `block` tokens. Per layer, with
    C = n_embd:

        qkv projection 3C^2 + output projection C^2 + MLP 4C^2 + 4C^2 multiply-adds: 24 C^2 FLOPs
        attention: scores q k^T and the weighted sum of v over the block: 2 x 2 block C FLOPs

    plus the language-model head, 2 C vocab. (Causal attention is counted over the whole block,
    as both frameworks compute it.)"""
    C = n_embd
    return n_layer * (24.0 * C * C + 4.0 * block * C) + 2.0 * C * vocab
