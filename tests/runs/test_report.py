"""run_facts: what the report says about how training went, from the History alone."""

from glassnet.runs.report import run_facts
from glassnet.train.history import History


def _history(stop=None):
    epochs = [
        {"epoch": 0, "train_loss": 1.0, "val_loss": 0.9, "val_accuracy": 0.7, "lr": 0.1,
         "time": 2.0, "samples_per_second": 100.0, "wall_time": 2.5},
        {"epoch": 1, "train_loss": 0.5, "val_loss": 0.6, "val_accuracy": 0.8, "lr": 0.05,
         "time": 2.0, "samples_per_second": 300.0, "wall_time": 5.0},
        {"epoch": 2, "train_loss": 0.3, "val_loss": 0.7, "val_accuracy": 0.85, "lr": 0.01,
         "time": 2.0, "samples_per_second": 200.0, "wall_time": 7.5},
    ]  # fmt: skip
    return History(epochs=epochs, stop=stop)


def test_best_epoch_timings_and_throughput():
    facts = run_facts(_history(), tokens_per_sample=64)
    assert facts["epochs trained"] == 3
    assert facts["best epoch (lowest val_loss)"] == 2  # counted from 1
    assert facts["best epoch val_accuracy"] == 0.8 and facts["best epoch train_loss"] == 0.5
    assert facts["training wall time (s)"] == "7.5"
    assert facts["throughput (samples/s, mean of epochs)"] == "200"
    assert facts["throughput (tokens/s, mean of epochs)"] == "12,800"
    assert "learning rate (constant, so no chart)" not in facts
    assert "stopped early" not in facts


def test_early_stop_and_older_runs_without_timings():
    stop = {"reason": "early_stopping", "monitor": "val_loss", "mode": "min", "patience": 0,
            "epoch": 2, "best_epoch": 1, "best": 0.6, "restored": True, "epochs": 10}  # fmt: skip
    facts = run_facts(_history(stop))
    assert facts["stopped early"] == (
        "early stopping after epoch 3/10: val_loss has not improved for 1 epoch (patience 0); "
        "its best, 0.6, was at epoch 2, whose weights are kept"
    )
    old = _history()
    for e in old.epochs:
        del e["wall_time"], e["samples_per_second"]
        e["lr"] = 0.1
    facts = run_facts(old)
    assert facts["training time (s, sum of epochs)"] == "6.0"
    assert not any(k.startswith("throughput") for k in facts)
    assert facts["learning rate (constant, so no chart)"] == "0.1"
