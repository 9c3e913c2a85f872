import math

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader
from glassnet.data.datasets import load_digits
from glassnet.train import (
    Callback,
    EarlyStopping,
    evaluate,
    fit,
    predict,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def _mlp(seed=0):
    from glassnet.models import MLP

    return MLP(64, [64], 10, generator=glassnet.Generator(seed))


def test_fit_learns_digits_and_records_history(digits):
    model = _mlp()
    opt = optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(digits.train_dataset(), 64, shuffle=True, generator=glassnet.Generator(0))
    h = fit(
        model,
        nn.CrossEntropyLoss(),
        opt,
        loader,
        digits.test_dataset(),
        epochs=5,
        metrics=["accuracy", "f1"],
        seed=0,
        quiet=True,
    )
    assert len(h.epochs) == 5 and len(h.steps) == 5 * len(loader)
    assert set(h.epochs[0]) >= {
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "val_f1",
        "lr",
        "time",
    }
    assert h["val_accuracy"][-1] > 0.93
    assert h["train_loss"][-1] < h["train_loss"][0] / 3
    assert h.best("val_loss")["val_loss"] == min(h["val_loss"])
    with pytest.raises(KeyError, match="History has no 'val_acc'"):
        h["val_acc"]
    result = evaluate(model, nn.CrossEntropyLoss(), digits.test_dataset(), metrics=["accuracy"])
    assert result["accuracy"] == pytest.approx(h["val_accuracy"][-1])
    assert result["loss"] == pytest.approx(h["val_loss"][-1], rel=1e-5)
    out = predict(model, digits.X_test)
    assert out.shape == (len(digits.X_test), 10) and out.dtype == np.float32
    assert model.training  # evaluate/predict restore the mode


def test_fit_accepts_a_pair_and_seed_makes_it_reproducible(digits):
    def run():
        model = _mlp(1)
        opt = optim.SGD(model.parameters(), lr=0.05)
        return fit(
            model,
            nn.CrossEntropyLoss(),
            opt,
            (digits.X_train, digits.y_train),
            epochs=1,
            seed=7,
            batch_size=128,
            quiet=True,
        )

    assert [s["loss"] for s in run().steps] == [s["loss"] for s in run().steps]


def test_train_metrics_match_sklearn(digits):
    from sklearn.metrics import accuracy_score

    from glassnet.train import metrics as M

    out = np.random.default_rng(0).standard_normal((50, 3))
    y = np.random.default_rng(1).integers(0, 3, 50)
    assert M.accuracy(out, y) == accuracy_score(y, out.argmax(1))
    assert M.to_labels(np.array([[-1.0], [2.0]])).tolist() == [0, 1]
    assert M.confusion_matrix(out, y, 3).sum() == 50
    assert M.r2(np.array([1.0, 2, 3]), np.array([1.0, 2, 3])) == 1.0
    assert M.mae(np.array([1.0, 2]), np.array([2.0, 4])) == 1.5
    with pytest.raises(ValueError, match="unknown metric 'acc'"):
        M.get_metric("acc")


def test_early_stopping_stops_and_restores(digits):
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=1e-6)  # nothing improves by more than min_delta
    stop = EarlyStopping("val_loss", patience=1, min_delta=1.0)
    h = fit(
        model,
        nn.CrossEntropyLoss(),
        opt,
        (digits.X_train, digits.y_train),
        (digits.X_test, digits.y_test),
        epochs=10,
        callbacks=[stop],
        quiet=True,
    )
    assert len(h.epochs) == 3 and stop.best_epoch == 0 and stop.stopped_epoch == 2
    with pytest.raises(KeyError, match="monitor='nope'"):
        fit(
            model,
            nn.CrossEntropyLoss(),
            opt,
            (digits.X_train, digits.y_train),
            epochs=1,
            callbacks=[EarlyStopping("nope")],
            quiet=True,
        )


def test_callback_hook_order():
    calls = []

    class Spy(Callback):
        def on_fit_start(self, s):
            calls.append("fit_start")

        def on_epoch_start(self, s):
            calls.append("epoch_start")

        def on_after_backward(self, s):
            calls.append("after_backward")
            assert all(p.grad is not None for p in s.model.parameters())

        def on_step_end(self, s, r):
            calls.append("step_end")

        def on_epoch_end(self, s, r):
            calls.append("epoch_end")

        def on_fit_end(self, s):
            calls.append("fit_end")

    model = nn.Linear(2, 1)
    X = np.ones((4, 2), np.float32)
    fit(
        model,
        nn.MSELoss(),
        optim.SGD(model.parameters(), lr=0.1),
        (X, X[:, :1]),
        epochs=1,
        batch_size=2,
        callbacks=[Spy()],
        quiet=True,
    )
    assert calls == [
        "fit_start",
        "epoch_start",
        "after_backward",
        "step_end",
        "after_backward",
        "step_end",
        "epoch_end",
        "fit_end",
    ]


def test_fit_clips_with_nn_utils_clip_grad_norm_(digits):
    """fit(clip_grad_norm=c) records each step's total norm before clipping, as
    glassnet.nn.utils.clip_grad_norm_ (PyTorch's) computes it on the same gradients."""
    from glassnet.nn.utils import clip_grad_norm_

    model = _mlp()
    seen = []

    class Norms(Callback):
        def on_after_backward(self, state):
            grads = [glassnet.tensor(p.grad._data.copy()) for p in state.model.parameters()]
            for g in grads:
                g.grad = glassnet.tensor(g._data)
            seen.append(float(clip_grad_norm_(grads, 1e9)))

    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        DataLoader(digits.train_dataset(), 128),
        clip_grad_norm=0.5,
        callbacks=[Norms()],
        quiet=True,
    )
    assert [s["grad_norm"] for s in history.steps] == pytest.approx(seen, rel=1e-6)
    assert all(n > 0.5 for n in seen)  # so every step was clipped


def test_scheduler_steps_per_epoch_and_per_step():
    model = nn.Linear(2, 1)
    X = np.ones((8, 2), np.float32)

    def learning_rates(epochs: int, **kwargs) -> list:
        """The lr of each step of a fit with lr 1 halved by StepLR at each scheduler step."""
        opt = optim.SGD(model.parameters(), lr=1.0)
        sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        data = (X, X[:, :1] * 0)
        kwargs.update(epochs=epochs, batch_size=4, quiet=True, scheduler=sched)
        h = fit(model, nn.MSELoss(), opt, data, **kwargs)
        return [s["lr"] for s in h.steps]

    assert learning_rates(3) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]  # two steps per epoch
    assert learning_rates(1, scheduler_interval="step") == [1.0, 0.5]


def test_nan_loss_and_bad_arguments():
    model = nn.Linear(2, 1)
    X = np.full((4, 2), 1e30, np.float32)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="lower the learning"):
        fit(
            model,
            nn.MSELoss(),
            optim.SGD(model.parameters(), lr=1e10),
            (X, X[:, :1]),
            epochs=2,
            quiet=True,
        )
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        fit(model, nn.MSELoss(), opt, (X, X[:, :1]), epochs=-1)
    with pytest.raises(ValueError, match="clip_grad_norm must be > 0"):
        fit(model, nn.MSELoss(), opt, (X, X[:, :1]), clip_grad_norm=0)
    with pytest.raises(TypeError, match="DataLoader, a Dataset or an"):
        fit(model, nn.MSELoss(), opt, 5)


def test_progress_without_terminal(capsys):
    model = nn.Linear(2, 1)
    X = np.ones((8, 2), np.float32)
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit(model, nn.MSELoss(), opt, (X, X[:, :1]), epochs=2, batch_size=4)  # quiet by default
    assert capsys.readouterr().err == ""
    fit(model, nn.MSELoss(), opt, (X, X[:, :1]), epochs=2, batch_size=4, quiet=False)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("epoch 1/2 (") and "): train_loss " in err[0]
    fit(model, nn.MSELoss(), opt, (X, X[:, :1]), epochs=2, batch_size=4, quiet=True)
    assert capsys.readouterr().err == ""


def test_max_steps_per_epoch():
    model = nn.Linear(2, 1)
    X = np.ones((40, 2), np.float32)
    h = fit(
        model,
        nn.MSELoss(),
        optim.SGD(model.parameters(), lr=0.1),
        (X, X[:, :1]),
        epochs=2,
        batch_size=4,
        max_steps_per_epoch=3,
        quiet=True,
    )
    assert len(h.steps) == 6
    assert math.isfinite(h["train_loss"][-1])
