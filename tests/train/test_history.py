"""History lookups: per-epoch values, and a clear KeyError for keys kept only per step."""

import pytest

from glassnet.train.history import History


def _history() -> History:
    return History(
        epochs=[{"epoch": 1, "train_loss": 0.9}, {"epoch": 2, "train_loss": 0.5}],
        steps=[{"step": 1, "loss": 1.0}, {"step": 2, "loss": 0.8}],
    )


def test_epoch_values_in_order():
    assert _history()["train_loss"] == [0.9, 0.5]


def test_a_step_only_key_says_where_it_lives():
    with pytest.raises(KeyError, match="kept per step.*train_loss"):
        _history()["loss"]


def test_an_unknown_key_lists_the_epoch_keys():
    with pytest.raises(KeyError, match="no 'accuracy' per epoch; per-epoch keys: epoch, train_l"):
        _history()["accuracy"]
