"""The Perceptron: Rosenblatt's update rule step by step, convergence on real data (iris
setosa vs versicolor) with the epoch reported, non-convergence on XOR, both label encodings,
and every error message."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

import glassnet
from glassnet.models import Perceptron


@pytest.fixture(scope="module")
def setosa_versicolor():
    X, y = load_iris(return_X_y=True)
    keep = y < 2  # setosa (0) and versicolor (1): linearly separable
    return X[keep].astype(np.float32), y[keep]


def test_first_updates_follow_rosenblatts_rule():
    """Hand-worked: w, b start at 0; H(s) = [s > 0]; w += lr (t - t_hat) x, b += lr (t - t_hat)."""
    X = np.array([[1.0, 2.0], [2.0, -1.0], [-1.0, -1.0]], dtype=np.float32)
    y = np.array([1, 0, 0])
    p = Perceptron(2, lr=0.5).fit(X, y, epochs=1)
    # x0: s = 0 -> t_hat 0, t 1: w = 0.5 * (1, 2) = (0.5, 1), b = 0.5
    # x1: s = 1 - 1 + 0.5 = 0.5 -> t_hat 1, t 0: w = (0.5, 1) - 0.5 * (2, -1) = (-0.5, 1.5), b = 0
    # x2: s = 0.5 - 1.5 + 0 = -1 -> t_hat 0 = t: no change
    np.testing.assert_allclose(p.weight._data, [-0.5, 1.5])
    np.testing.assert_allclose(p.bias._data, 0.0)
    assert p.mistakes_ == [2] and p.converged_epoch_ is None
    ((w1, b1),) = p.epoch_weights_
    np.testing.assert_allclose(w1, [-0.5, 1.5])
    assert b1 == 0.0
    p.fit(X, y, epochs=10)  # refitting starts again from zero
    assert p.mistakes_[0] == 2 and p.mistakes_[-1] == 0
    assert (p.predict(X) == y).all()


def test_converges_on_iris_setosa_vs_versicolor(setosa_versicolor):
    X, y = setosa_versicolor
    p = Perceptron(4).fit(X, y, epochs=100)
    assert p.converged_epoch_ is not None and p.converged_epoch_ <= 100
    assert len(p.mistakes_) == p.converged_epoch_ and p.mistakes_[-1] == 0
    assert len(p.epoch_weights_) == len(p.mistakes_)
    np.testing.assert_allclose(p.epoch_weights_[-1][0], p.weight._data)
    shorter = Perceptron(4).fit(X, y, epochs=2)  # the same run cut short: the same path
    np.testing.assert_allclose(shorter.weight._data, p.epoch_weights_[1][0])
    assert all(m > 0 for m in p.mistakes_[:-1])
    assert p.mistakes_[0] > 0
    np.testing.assert_array_equal(p.predict(X), y)
    scores = p.decision_function(X)
    assert scores.shape == (100,) and (scores[y == 1] > 0).all() and (scores[y == 0] <= 0).all()
    # the module form gives the same scores, as a Tensor
    np.testing.assert_allclose(p(glassnet.tensor(X))._data, scores, rtol=1e-5)
    assert list(p.state_dict()) == ["weight", "bias"]
    assert p.num_parameters(only_trainable=True) == 0  # learned by the rule, not by gradients


def test_labels_minus_one_one_and_shuffling(setosa_versicolor):
    X, y = setosa_versicolor
    signed = 2 * y - 1
    p = Perceptron(4).fit(X, signed)
    q = Perceptron(4).fit(X, y)
    np.testing.assert_array_equal(p.weight._data, q.weight._data)  # the same rule either way
    assert p.mistakes_ == q.mistakes_
    np.testing.assert_array_equal(p.predict(X), signed)
    a = Perceptron(4, shuffle=True, generator=glassnet.Generator(0)).fit(X, y)
    b = Perceptron(4, shuffle=True, generator=glassnet.Generator(0)).fit(X, y)
    assert a.converged_epoch_ is not None and a.mistakes_ == b.mistakes_
    np.testing.assert_array_equal(a.predict(X), y)
    floats = Perceptron(4).fit(glassnet.tensor(X), glassnet.tensor(y.astype(np.float32)))
    assert floats.converged_epoch_ == q.converged_epoch_


def test_does_not_converge_on_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    p = Perceptron(2).fit(X, y, epochs=25)
    assert p.converged_epoch_ is None
    assert len(p.mistakes_) == 25 and min(p.mistakes_) > 0
    assert (p.predict(X) == y).mean() < 1.0


def test_errors():
    X = np.zeros((4, 2), dtype=np.float32)
    p = Perceptron(2)
    with pytest.raises(
        ValueError,
        match=r"labels must be binary, \{0, 1\} or \{-1, 1\}; got the values \[0, 1, 2\]",
    ):
        p.fit(X, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="labels must be binary"):
        p.fit(X, np.array([1, 2, 1, 2]))
    with pytest.raises(ValueError, match="labels must be binary"):
        p.fit(X, np.array(["a", "b", "a", "b"]))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\) to match X, got \(3,\)"):
        p.fit(X, np.array([0, 1, 0]))
    with pytest.raises(
        ValueError,
        match=r"Perceptron\(in_features=2\).fit: X must have shape \(N, 2\), got \(4, 3\)",
    ):
        p.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match=r"predict.*: X must have shape \(N, 2\), got \(2,\)"):
        p.predict(np.zeros(2))
    with pytest.raises(ValueError, match="X contains nan or inf"):
        p.fit(np.full((4, 2), np.nan), np.array([0, 1, 0, 1]))
    with pytest.raises(TypeError, match="X must be numeric"):
        p.fit(np.array([["a", "b"]] * 4), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="no examples"):
        p.fit(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        p.fit(X, np.array([0, 1, 0, 1]), epochs=0)
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        Perceptron(0)
    with pytest.raises(ValueError, match="lr must be positive"):
        Perceptron(2, lr=0)
