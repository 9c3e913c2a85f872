"""glassnet's estimators used as scikit-learn users use them, measured against scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import glassnet
from glassnet import nn
from glassnet.sklearn import (
    MLPClassifier,
    MLPRegressor,
    NeuralNetClassifier,
    NeuralNetRegressor,
    Perceptron,
    load,
    save,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def linear(n_in: int, n_out: int) -> nn.Module:
    return nn.Linear(n_in, n_out)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_mlp_classifier_scores_like_scikit_learns_mlp():
    X, y = load_breast_cancer(return_X_y=True)
    ours = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), random_state=0))
    theirs = make_pipeline(
        StandardScaler(), SkMLPClassifier(hidden_layer_sizes=(32,), random_state=0)
    )
    a = cross_val_score(ours, X, y, cv=3).mean()
    b = cross_val_score(theirs, X, y, cv=3).mean()
    assert a > 0.95 and abs(a - b) < 0.03


def test_random_state_gives_identical_fits_and_leaves_the_global_generator_alone(iris):
    X, y = iris
    glassnet.manual_seed(123)
    before = glassnet.rand(3).numpy()
    glassnet.manual_seed(123)
    a = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=7).fit(X, y)
    after = glassnet.rand(3).numpy()
    b = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=7).fit(X, y)
    np.testing.assert_array_equal(before, after)
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(wa, wb)
    assert a.loss_curve_ == b.loss_curve_
    c = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=8).fit(X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_fitted_attributes_have_scikit_learns_shapes(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(10, 5), max_iter=50, random_state=0).fit(X, y)
    assert [w.shape for w in clf.coefs_] == [(4, 10), (10, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(10,), (5,), (3,)]
    assert clf.n_layers_ == 4 and clf.n_features_in_ == 4 and clf.n_iter_ == len(clf.loss_curve_)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.decision_function(X).shape == (150, 3)


def test_binary_labels_of_any_type(iris):
    X, y = iris
    labels = np.where(y == 0, "setosa", "other")
    clf = MLPClassifier(hidden_layer_sizes=(8,), batch_size=16, max_iter=50, random_state=0)
    clf.fit(X, labels)
    assert set(clf.predict(X)) <= {"setosa", "other"} and clf.score(X, labels) > 0.95
    assert clf.decision_function(X).shape == (150,) and clf.coefs_[-1].shape == (8, 1)


def test_training_stops_when_the_loss_stalls(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), batch_size=16, max_iter=5000, tol=1e-3, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 5000
    curve = clf.loss_curve_
    stall = clf.n_iter_no_change + 1  # each of the last epochs missed the best so far by < tol
    for i in range(len(curve) - stall, len(curve)):
        assert curve[i] > min(curve[:i]) - clf.tol


def test_early_stopping_keeps_the_best_validation_epoch(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        validation_fraction=0.2,
        max_iter=300,
        n_iter_no_change=5,
        batch_size=16,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None and clf.n_iter_ < 300
    # the weights kept are the best epoch's: they score best_validation_score_ on the held-out part
    _, X_val, _, y_val = train_test_split(X, y, test_size=0.2, random_state=clf._seed, stratify=y)
    assert clf.score(X_val, y_val) == clf.best_validation_score_


def test_partial_fit_runs_one_epoch_at_a_time(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(8,), batch_size=16, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    for _ in range(40):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert clf.n_iter_ == 40 and clf.score(X, y) > 0.8
    with pytest.raises(ValueError, match="labels not in classes"):
        clf.partial_fit(X, y + 5)


def test_grid_search_over_glassnet_estimators(iris):
    X, y = iris
    search = GridSearchCV(
        MLPClassifier(max_iter=60, batch_size=16, random_state=0),
        {"hidden_layer_sizes": [(4,), (16,)], "alpha": [1e-4, 1e-1]},
        cv=3,
    ).fit(X, y)
    assert search.best_score_ > 0.85
    assert set(search.best_params_) == {"hidden_layer_sizes", "alpha"}


def test_mlp_regressor_fits_a_smooth_function():
    X, y = load_diabetes(return_X_y=True)
    reg = make_pipeline(
        StandardScaler(), MLPRegressor(hidden_layer_sizes=(32,), max_iter=400, random_state=0)
    )
    assert cross_val_score(reg, X, (y - y.mean()) / y.std(), cv=3).mean() > 0.3
    two = np.stack([y, -y], axis=1) / y.std()
    fitted = MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, two)
    assert fitted.predict(X).shape == (len(X), 2)


def test_sgd_solver_and_its_schedules(iris):
    X, y = iris
    for schedule in ("constant", "invscaling", "adaptive"):
        clf = MLPClassifier(
            hidden_layer_sizes=(16,),
            solver="sgd",
            learning_rate=schedule,
            learning_rate_init=0.1,
            max_iter=200,
            random_state=0,
        ).fit(X, y)
        assert clf.score(X, y) > 0.8, schedule


def test_perceptron_converges_on_separable_data_and_not_on_xor():
    X, y = make_blobs(200, centers=[[-3, -3], [3, 3]], random_state=1)
    clf = Perceptron(tol=None, max_iter=100, random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0 and clf.loss_curve_[-1] == 0.0
    X_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    xor = Perceptron(max_iter=50, tol=None, random_state=0).fit(X_xor, [0, 1, 1, 0])
    assert xor.n_iter_ == 50 and min(xor.loss_curve_) > 0 and xor.score(X_xor, [0, 1, 1, 0]) < 1


def test_neural_net_wraps_any_module(iris):
    X, y = iris
    net = NeuralNetClassifier(
        nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)),
        optimizer=glassnet.optim.SGD,
        optimizer_kwargs={"momentum": 0.9},
        lr=0.05,
        max_epochs=30,
        random_state=0,
    )
    original = net.module.state_dict()["0.weight"].numpy().copy()
    net.fit(X, y)
    assert net.score(X, y) > 0.9 and net.n_iter_ == 30 and len(net.loss_curve_) == 30
    np.testing.assert_array_equal(net.module.state_dict()["0.weight"].numpy(), original)
    binary = NeuralNetClassifier(
        linear, criterion=nn.BCEWithLogitsLoss, lr=0.1, max_epochs=30, random_state=0
    ).fit(X, y == 0)
    assert binary.module_.out_features == 1 and binary.score(X, y == 0) > 0.95
    reg = NeuralNetRegressor(linear, lr=0.05, max_epochs=50, random_state=0)
    assert reg.fit(X, X @ [1.0, -2.0, 0.5, 0.0]).score(X, X @ [1.0, -2.0, 0.5, 0.0]) > 0.99


def test_neural_net_rejects_what_is_not_a_module(iris):
    X, y = iris
    with pytest.raises(TypeError, match="must return a glassnet Module"):
        NeuralNetClassifier(lambda n_in, n_out: "net").fit(X, y)
    with pytest.raises(TypeError, match="module must be a glassnet Module or a callable"):
        NeuralNetClassifier(3).fit(X, y)


@pytest.mark.parametrize(
    "estimator",
    [
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
        MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
        Perceptron(random_state=0),
    ],
)
def test_save_and_load_without_pickle(tmp_path, iris, estimator):
    X, y = iris
    estimator.fit(X, y.astype(float) if isinstance(estimator, MLPRegressor) else y)
    save(estimator, tmp_path / "est")
    loaded = load(tmp_path / "est")
    assert type(loaded) is type(estimator)
    assert loaded.get_params() == estimator.get_params()
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))
    if hasattr(estimator, "partial_fit"):  # the optimizer state travels: training continues alike
        target = y.astype(float) if isinstance(estimator, MLPRegressor) else y
        estimator.partial_fit(X, target)
        loaded.partial_fit(X, target)
        np.testing.assert_allclose(loaded.predict(X), estimator.predict(X))


def test_a_neural_net_loads_into_an_estimator_built_the_same_way(tmp_path, iris):
    X, y = iris
    net = NeuralNetClassifier(linear, lr=0.1, max_epochs=10, random_state=0).fit(X, y)
    save(net, tmp_path / "net")
    with pytest.raises(ValueError, match="pass estimator=NeuralNetClassifier"):
        load(tmp_path / "net")
    loaded = load(tmp_path / "net", estimator=NeuralNetClassifier(linear))
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert loaded.lr == 0.1
    with pytest.raises(TypeError, match="holds a NeuralNetClassifier, not a Perceptron"):
        load(tmp_path / "net", estimator=Perceptron())
