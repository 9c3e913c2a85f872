"""NaN/Inf during fit: caught before the optimizer step, weights finite, the last good state
saved (even in the first epoch), bad data named; an empty data set is an error; History stays
bounded however long the run."""

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.io.checkpoint import load
from glassnet.train import History, ModelCheckpoint, NonFiniteError, evaluate, fit


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def _setup(seed=0):
    glassnet.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8, generator=glassnet.Generator(seed)), nn.ReLU())
    model.append(nn.Linear(8, 2, generator=glassnet.Generator(seed + 1)))
    return model, optim.Adam(model.parameters(), lr=0.01)


def _weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_nan_in_a_training_batch_stops_before_the_step_with_a_checkpoint(tmp_path):
    X, y = _data()
    X[35, 2] = np.nan  # batch 2 of 16 samples, in order
    model, opt = _setup()
    reference, ref_opt = _setup()
    fit(
        reference,
        nn.CrossEntropyLoss(),
        ref_opt,
        DataLoader(TensorDataset(X[:32], y[:32]), 16),
        quiet=True,
    )  # the two good steps
    loader = DataLoader(TensorDataset(X, y), 16)
    with pytest.raises(
        NonFiniteError,
        match=r"loss became nan at epoch 1, step 2; the batch's "
        r"inputs hold 1 NaN/Inf values; stopped before the optimizer step",
    ) as e:
        fit(
            model,
            nn.CrossEntropyLoss(),
            opt,
            loader,
            quiet=True,
            callbacks=[ModelCheckpoint(tmp_path, monitor="train_loss")],
        )
    for k, w in _weights(model).items():
        assert np.isfinite(w).all()
        np.testing.assert_array_equal(w, _weights(reference)[k])
    assert e.value.checkpoint is not None and "last" in e.value.checkpoint
    saved = load(tmp_path / "last")
    assert saved["extra"]["training_state"]["step"] == 2
    assert saved["extra"]["training_state"]["batch"] == 2
    for k, w in saved["model"].items():
        np.testing.assert_array_equal(w, _weights(reference)[k])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_nan_gradient_with_a_finite_loss_is_caught(tmp_path):
    X, y = _data()
    model, opt = _setup()
    before = _weights(model)

    def loss_fn(out, target):  # 0 forward, sqrt'(0) = inf backward: a NaN gradient
        return (out - out).abs().sqrt().sum()

    with pytest.raises(
        NonFiniteError,
        match=r"gradient of 0\.weight holds NaN/Inf at epoch 1, "
        r"step 0 \(the loss is 0\.0\)",
    ):
        fit(
            model,
            loss_fn,
            opt,
            (X, y),
            quiet=True,
            callbacks=[ModelCheckpoint(tmp_path, monitor="train_loss")],
        )
    for k, w in _weights(model).items():
        np.testing.assert_array_equal(w, before[k])
    assert load(tmp_path / "last")["extra"]["training_state"]["step"] == 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_in_validation_data_is_named(tmp_path):
    X, y = _data()
    Xv, yv = _data(32, seed=1)
    Xv[20, 0] = np.inf
    model, opt = _setup()
    with pytest.raises(
        NonFiniteError,
        match=r"validation data at epoch 1: batch 0 holds 1 "
        r"NaN/Inf values in its inputs \(shape \(32, 4\)\)",
    ):
        fit(
            model,
            nn.CrossEntropyLoss(),
            opt,
            (X, y),
            val_data=(Xv, yv),
            quiet=True,
            callbacks=[ModelCheckpoint(tmp_path)],
        )
    assert (tmp_path / "last.safetensors").exists()
    with pytest.raises(NonFiniteError, match="batch 0 holds 1 NaN/Inf values in its inputs"):
        evaluate(model, nn.CrossEntropyLoss(), (Xv, yv))


def test_empty_data_is_an_error():
    model, opt = _setup()
    empty = (np.zeros((0, 4), np.float32), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="fit: the training data is empty"):
        fit(model, nn.CrossEntropyLoss(), opt, empty, quiet=True)
    with pytest.raises(ValueError, match="evaluate: the data is empty"):
        evaluate(model, nn.CrossEntropyLoss(), empty)


def test_history_keeps_a_bounded_even_sample_of_steps():
    h = History(max_step_records=8)
    for s in range(1000):
        h.add_step({"step": s, "loss": 1.0})
        assert len(h.steps) <= 8
    steps = [r["step"] for r in h.steps]
    assert steps == list(range(0, 1000, h.step_stride)) and h.step_stride == 128
    again = History.from_dict(h.to_dict())
    assert again.step_stride == 128 and again.steps == h.steps


def test_fit_memory_does_not_grow_per_step():
    X, y = _data(8)
    model, opt = _setup()
    loader = DataLoader(TensorDataset(X, y), 1)
    h = fit(model, nn.CrossEntropyLoss(), opt, loader, epochs=300, quiet=True)  # 2,400 steps
    assert len(h.steps) <= h.max_step_records
    assert h.steps[-1]["step"] >= 2400 - h.step_stride
    assert len(h.epochs) == 300


@pytest.fixture
def poisoned_digits(monkeypatch):
    """Digits with one NaN in a validation row or a test row (chosen by the test)."""
    from glassnet.train import builders

    real, where = builders.build_data, {}

    def build(config):
        data = real(config)
        if where.get("split") == "val":
            data.val.dataset.tensors[0]._data[data.val.indices[5], 0] = np.nan
        elif where.get("split") == "test":
            data.test.tensors[0]._data[3, 7] = np.inf
        return data

    monkeypatch.setattr(builders, "build_data", build)
    return where


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    "split, message",
    [
        ("val", r"validation data at epoch 1: batch 0 holds 1 NaN/Inf values in its inputs"),
        ("test", r"data: the test split holds 1 NaN/Inf values \(in rows \[3\]\)"),
    ],
)
def test_a_run_names_nan_in_its_validation_or_test_data(tmp_path, poisoned_digits, split, message):
    from glassnet.config import ConfigError, resolve
    from glassnet.runs import train_run

    poisoned_digits["split"] = split
    config = resolve(None, {"train.epochs": 1, "train.charts": False})
    with pytest.raises(ConfigError, match=message) as e:
        train_run(config, run_dir=tmp_path / "run", quiet=True)
    if split == "val":
        assert f"run folder {tmp_path / 'run'}; the last good state is in" in str(e.value)
