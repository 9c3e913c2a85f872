import csv
import json

import numpy as np

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.io import load
from glassnet.train import (
    CSVLogger,
    GradientNormTracker,
    JSONLLogger,
    LearningRateMonitor,
    ModelCheckpoint,
    fit,
)


def _problem():
    g = glassnet.Generator(0)
    model = nn.Sequential(nn.Linear(3, 4, generator=g), nn.ReLU(), nn.Linear(4, 1, generator=g))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 3)).astype(np.float32)
    y = X.sum(1, keepdims=True)
    return model, X, y


def test_loggers_and_checkpoints(tmp_path):
    model, X, y = _problem()
    opt = optim.SGD(model.parameters(), lr=0.05)
    ckpt = ModelCheckpoint(tmp_path, monitor="val_loss", extra={"config": {"a": 1}})
    cbs = [
        CSVLogger(tmp_path / "log.csv"),
        JSONLLogger(tmp_path / "m.jsonl", step_every=2),
        ckpt,
        LearningRateMonitor(),
    ]
    h = fit(
        model, nn.MSELoss(), opt, (X, y), (X, y), epochs=3, batch_size=8, callbacks=cbs, quiet=True
    )
    rows = list(csv.DictReader((tmp_path / "log.csv").open()))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    assert float(rows[-1]["val_loss"]) == h["val_loss"][-1]
    lines = [json.loads(l) for l in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert [l["type"] for l in lines].count("epoch") == 3
    assert [l["step"] for l in lines if l["type"] == "step"] == [0, 2, 4, 6, 8, 10]
    assert h.steps[0]["lr_group0"] == 0.05
    best, last = load(tmp_path / "best"), load(tmp_path / "last")
    assert last["extra"]["epoch"] == 2 and last["extra"]["config"] == {"a": 1}
    assert best["extra"]["epoch"] == ckpt.best_epoch == h.best("val_loss")["epoch"]
    assert "optimizer" in last
    np.testing.assert_array_equal(last["model"]["0.weight"], model.state_dict()["0.weight"]._data)


def test_gradient_norm_tracker_matches_manual_norms():
    model, X, y = _problem()
    opt = optim.SGD(model.parameters(), lr=0.0)  # weights fixed: norms are reproducible
    tracker = GradientNormTracker(every=2)
    loader = DataLoader(TensorDataset(X, y), batch_size=8)  # in order: step 0 sees X[:8]
    h = fit(model, nn.MSELoss(), opt, loader, epochs=1, callbacks=[tracker], quiet=True)
    assert [r["step"] for r in h.grad_norms] == [0, 2]
    assert list(h.grad_norms[0]["norms"]) == ["0 (Linear)", "2 (Linear)"]
    model.zero_grad()
    nn.MSELoss()(model(glassnet.tensor(X[:8])), glassnet.tensor(y[:8])).backward()
    w, b = model[0].weight.grad._data, model[0].bias.grad._data
    expected = np.sqrt((w**2).sum() + (b**2).sum())
    assert abs(h.grad_norms[0]["norms"]["0 (Linear)"] - expected) < 1e-5
