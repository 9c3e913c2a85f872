import numpy as np
import pytest

from glassnet.data.datasets import TABULAR, load_tabular, one_hot, standardize


@pytest.mark.parametrize("name", TABULAR)
def test_bundled_sets_load_as_float32_tensors(name):
    data = load_tabular(name)
    n_total = len(data.X_train) + len(data.X_test)
    assert data.X_train.dtype == np.float32
    assert abs(len(data.X_test) / n_total - 0.2) < 0.01
    if data.task == "classification":
        assert data.y_train.dtype == np.int64 and data.y_train.ndim == 1
        assert set(np.unique(data.y_test._data)) <= set(range(data.num_classes))
    else:
        assert data.y_train.shape == (len(data.X_train), 1)
    # standardised with the training split's statistics
    np.testing.assert_allclose(data.X_train._data.mean(0), 0, atol=1e-4)


def test_digits_shapes_and_stratified_split():
    data = load_tabular("digits")
    assert data.X_train.shape == (1437, 64) and data.num_classes == 10
    assert data.image_shape == (8, 8)
    counts = np.bincount(data.y_test._data)
    assert counts.min() >= 35  # stratified: about 36 of each digit


def test_features_and_errors():
    data = load_tabular("iris", features=[2, 3])
    assert data.X_train.shape[1] == 2
    assert data.feature_names == ["petal length (cm)", "petal width (cm)"]
    with pytest.raises(ValueError, match=r"feature indices \[7\] out of range"):
        load_tabular("iris", features=[7])
    with pytest.raises(ValueError, match="unknown data set 'mnist2'"):
        load_tabular("mnist2")
    with pytest.raises(ValueError, match="test_size must be in"):
        load_tabular("iris", test_size=1.5)


def test_standardize_matches_sklearn():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    A = rng.normal(3, 2, (50, 3)).astype(np.float32)
    A[:, 2] = 1.0  # constant column: only centred
    B = rng.normal(3, 2, (10, 3)).astype(np.float32)
    a, b, mean, std = standardize(A, B)
    scaler = StandardScaler().fit(A)
    np.testing.assert_allclose(a, scaler.transform(A), atol=1e-5)
    np.testing.assert_allclose(b, scaler.transform(B), atol=1e-5)
    assert a.dtype == np.float32


def test_one_hot():
    np.testing.assert_array_equal(one_hot([0, 2, 1], 3), np.eye(3)[[0, 2, 1]])
    assert one_hot(np.array([1, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        one_hot([0, 2], 2)
    with pytest.raises(TypeError, match="integers"):
        one_hot([0.5])
