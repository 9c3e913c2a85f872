"""glassnet.train.summary: layers, output shapes and parameter counts, as torchinfo shows them;
the counts are checked against the same models built in PyTorch."""

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.models import MLP
from glassnet.models.gpt import GPT, GPTConfig
from glassnet.models.lenet import LeNet5
from glassnet.train import ModelSummary, summary

torch = pytest.importorskip("torch")


def _rows(s: ModelSummary) -> dict[str, tuple]:
    return {row.name: (row.kind, row.output_shape, row.num_params) for row in s.layers}


def test_mlp_rows_and_totals_match_torch():
    model = MLP(64, [256, 32], 10, generator=glassnet.Generator(0))
    s = summary(model, input_size=(5, 64))
    reference = torch.nn.Sequential(
        torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 10),
    )  # fmt: skip
    assert s.total_params == s.trainable_params == sum(p.numel() for p in reference.parameters())
    rows = _rows(s)
    assert rows["0"] == ("Linear", (5, 256), 64 * 256 + 256)
    assert rows["1"] == ("ReLU", (5, 256), 0)
    assert rows["4"] == ("Linear", (5, 10), 32 * 10 + 10)
    assert rows[""][:2] == ("MLP", (5, 10)) and s.input_shape == (5, 64)
    text = str(s)
    assert "  0 (Linear)" in text and "16,640" in text
    assert text.splitlines()[-1] == (
        f"Total params: {s.total_params:,}   Trainable params: {s.total_params:,}   "
        "Non-trainable params: 0"
    )


def test_lenet_shapes_follow_the_convolutions():
    s = summary(LeNet5(generator=glassnet.Generator(0)), input_size=(2, 1, 28, 28))
    rows = _rows(s)
    assert rows["conv1"][1:] == ((2, 6, 28, 28), 6 * 25 + 6)
    assert rows["conv2"][1:] == ((2, 16, 10, 10), 16 * 6 * 25 + 16)
    assert rows["fc1"][1:] == ((2, 120), 400 * 120 + 120)
    assert rows[""][1] == (2, 10)
    assert s.total_params == 61_706  # LeNet-5 with padding 2, as in torchvision's tutorials


def test_depth_folds_deeper_modules_into_their_parent_and_tokens_go_in():
    config = GPTConfig(block_size=8, vocab_size=11, n_layer=2, n_head=2, n_embd=16)
    model = GPT(config)
    tokens = np.zeros((3, 8), dtype=np.int64)
    deep, shallow = summary(model, input_data=tokens), summary(model, input_data=tokens, depth=1)
    assert deep.total_params == shallow.total_params == sum(p.numel() for p in model.parameters())
    assert all(row.depth <= 1 for row in shallow.layers)
    leaves = [row for row in shallow.layers if row.leaf]
    tied = 11 * 16  # lm_head's weight is the token embedding's: one row each, counted once
    assert sum(row.num_params for row in leaves) == shallow.total_params + tied
    assert len(deep.layers) > len(shallow.layers)
    assert summary(model, input_data=tokens, depth=0).layers[0].num_params == deep.total_params


def test_summary_leaves_the_model_as_it_was():
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.BatchNorm1d(8))
    model.train()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    state = glassnet.random.default_generator.get_state()
    s = summary(model, input_size=(16, 4))
    assert model.training and all(not m._forward_hooks for m in model.modules())
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k].numpy()) for k in before)  # no running stats
    assert str(glassnet.random.default_generator.get_state()) == str(state)  # nothing drawn
    frozen = s.total_params - s.trainable_params
    assert frozen == 0 and s.total_params == 4 * 8 + 8 + 2 * 8


def test_without_an_input_only_counts_and_bad_depth():
    model = MLP(3, [5], 2)
    s = summary(model)
    assert all(row.output_shape is None for row in s.layers) and s.total_params == 3 * 5 + 5 + 12
    assert "-" in str(s).splitlines()[2]
    with pytest.raises(ValueError, match="summary: depth must be >= 0"):
        summary(model, depth=-1)
    assert s.to_dict()["layers"][1] == {
        "name": "0",
        "type": "Linear",
        "output_shape": None,
        "params": 20,
    }
