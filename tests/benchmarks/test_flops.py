"""The FLOP counts behind the suite's GFLOP/s column, checked against counts made by hand."""

import numpy as np

import glassnet
from benchmarks.workloads import cnn, gpt
from benchmarks.workloads.flops import gpt_forward_flops_per_token, layer_forward_flops


def _conv(h: int, w: int, c_out: int, c_in: int, k: int) -> int:
    """2 x multiply-adds of a convolution with an h x w output."""
    return 2 * h * w * c_out * c_in * k * k


def test_lenet5_count_matches_the_hand_count():
    model = glassnet.models.LeNet5(generator=glassnet.Generator(0))
    by_hand = (
        _conv(28, 28, 6, 1, 5) + _conv(10, 10, 16, 6, 5) + 2 * (400 * 120 + 120 * 84 + 84 * 10)
    )
    assert layer_forward_flops(model, glassnet.zeros(1, 1, 28, 28)) == by_hand
    # per batch: linear in the batch size
    assert layer_forward_flops(model, glassnet.zeros(3, 1, 28, 28)) == 3 * by_hand


def test_resnet_count_matches_the_hand_count():
    w = 4
    model = glassnet.models.ResNet(layers=(1, 1, 1), width=w, generator=glassnet.Generator(0))
    by_hand = (
        _conv(28, 28, w, 1, 3)  # stem
        + 2 * _conv(28, 28, w, w, 3)  # stage 1: one block, identity shortcut
        + _conv(14, 14, 2 * w, w, 3)  # stage 2: stride-2 conv, conv, 1x1 stride-2 shortcut
        + _conv(14, 14, 2 * w, 2 * w, 3)
        + _conv(14, 14, 2 * w, w, 1)
        + _conv(7, 7, 4 * w, 2 * w, 3)  # stage 3
        + _conv(7, 7, 4 * w, 4 * w, 3)
        + _conv(7, 7, 4 * w, 2 * w, 1)
        + 2 * 4 * w * 10  # fc
    )
    assert layer_forward_flops(model, glassnet.zeros(1, 1, 28, 28)) == by_hand


def test_counting_leaves_the_model_as_it_was():
    model = glassnet.models.ResNet(layers=(1, 1, 1), width=4, generator=glassnet.Generator(0))
    model.train()
    model.bn1.eval()  # a frozen norm inside a training model keeps its own mode
    modes = [m.training for m in model.modules()]
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    layer_forward_flops(model, glassnet.ones(2, 1, 28, 28))
    assert [m.training for m in model.modules()] == modes
    assert model.training and not model.bn1.training
    for k, v in model.state_dict().items():  # batch norm's running statistics included
        np.testing.assert_array_equal(v.numpy(), before[k], err_msg=k)
    assert not any(m._has_hooks for m in model.modules())


def test_gpt_formula_agrees_with_its_linear_layers():
    """The formula's 24 C^2 per layer + 2 C V head are exactly what the linear layers of
    glassnet's GPT count; the rest is the attention products, 4 T C per layer."""
    n_layer, n_embd, block, vocab = 2, 32, 16, 11
    cfg = glassnet.models.GPTConfig(
        vocab_size=vocab, block_size=block, n_layer=n_layer, n_head=4, n_embd=n_embd, dropout=0.0
    )
    model = glassnet.models.GPT(cfg, generator=glassnet.Generator(0))
    tokens = glassnet.from_numpy(np.zeros((3, block), dtype=np.int64))
    linear_per_token = layer_forward_flops(model, tokens) / (3 * block)
    assert linear_per_token == n_layer * 24 * n_embd**2 + 2 * n_embd * vocab
    attention = gpt_forward_flops_per_token(n_layer, n_embd, block, vocab) - linear_per_token
    assert attention == n_layer * 4 * block * n_embd


def test_training_workloads_count_three_forwards():
    lenet = cnn.lenet_train("glassnet", quick=True)
    assert lenet.flops == 3 * cnn.forward_flops_per_image("lenet") * lenet.samples
    resnet = cnn.resnet_train("glassnet", quick=True)
    assert resnet.flops == 3 * cnn.forward_flops_per_image("resnet") * resnet.samples > 0
    train = gpt.gpt_train("glassnet", quick=True)
    tokens, vocab = gpt._tokens()
    per_token = gpt_forward_flops_per_token(gpt.N_LAYER, gpt.N_EMBD, gpt.BLOCK, vocab)
    assert train.flops == 3 * per_token * train.samples > 0
