"""glassnet.set_num_threads / get_num_threads (BLAS thread pools via threadpoolctl)."""

import pytest
from threadpoolctl import threadpool_info

import glassnet
from glassnet.config import resolve
from glassnet.train.builders import default_threads


def _blas_threads():
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_set_and_get_num_threads():
    before = glassnet.get_num_threads()
    try:
        glassnet.set_num_threads(1)
        assert glassnet.get_num_threads() == 1
        assert _blas_threads() == {1}
    finally:
        glassnet.set_num_threads(before)
    assert glassnet.get_num_threads() == before


@pytest.mark.parametrize("n", [0, -2, 1.5, True, "2"])
def test_set_num_threads_refuses(n):
    with pytest.raises(ValueError, match="set_num_threads: n must be a positive integer"):
        glassnet.set_num_threads(n)


def test_default_threads(monkeypatch):
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    assert default_threads(resolve(None, {"data.dataset": "digits"})) == 1
    assert default_threads(resolve(None, {"data.dataset": "mnist"})) is None
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert default_threads(resolve(None, {"data.dataset": "digits"})) is None
