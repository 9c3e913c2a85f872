"""The 2-D toy sets: shapes, labels, seeds and the train/test split; and runs on them."""

import numpy as np
import pytest

from glassnet.config import resolve
from glassnet.data.toy import TOY_SETS, make_toy_arrays
from glassnet.runs import evaluate_run, train_run


@pytest.mark.parametrize("name", TOY_SETS)
def test_each_set_is_two_classes_in_the_plane_repeatable_by_seed(name):
    X_train, y_train, X_test, y_test = make_toy_arrays(name, 100, 0.1, 0.3, seed=3)
    assert X_train.shape == (70, 2) and X_test.shape == (30, 2)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert set(np.concatenate([y_train, y_test])) == {0, 1}
    again = make_toy_arrays(name, 100, 0.1, 0.3, seed=3)
    np.testing.assert_array_equal(again[0], X_train)
    assert not np.array_equal(make_toy_arrays(name, 100, 0.1, 0.3, seed=4)[0], X_train)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y, _, _ = make_toy_arrays("xor", 200, 0.0, 0.1)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))


@pytest.mark.parametrize(
    "args, message",
    [
        (("rings",), "unknown 2-D set 'rings'"),
        (("moons", 1), "n_samples must be an integer >= 2"),
        (("moons", 100, -0.1), "noise must be >= 0"),
    ],
)
def test_bad_arguments_are_named(args, message):
    with pytest.raises(ValueError, match=message):
        make_toy_arrays(*args)


def test_glassnet_train_learns_moons_and_evaluates_the_same(tmp_path):
    config = resolve(
        None,
        {
            "data.dataset": "moons",
            "model.hidden_sizes": [16, 16],
            "train.epochs": 40,
            "train.charts": False,
            "optimizer.lr": 0.01,
        },
    )
    result = train_run(config, out=tmp_path, quiet=True)
    assert result.test_metrics["accuracy"] > 0.9
    assert evaluate_run(result.run_dir)["accuracy"] == pytest.approx(
        result.test_metrics["accuracy"]
    )
