"""`predict --proba` probabilities and the CSV of `--output`."""

import csv

import numpy as np
import torch

from glassnet.train.predictions import probabilities, write_csv


def test_probabilities_match_torch():
    scores = np.random.default_rng(0).normal(size=(5, 3)) * 30
    expected = torch.softmax(torch.tensor(scores), dim=1).numpy()
    np.testing.assert_allclose(probabilities(scores, "classification"), expected, rtol=1e-12)
    logits = np.array([[-800.0], [0.0], [3.0], [800.0]])
    p = torch.sigmoid(torch.tensor(logits)).numpy().reshape(-1)
    got = probabilities(logits, "binary")
    np.testing.assert_allclose(got[:, 1], p, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(got.sum(1), 1.0)


def test_write_csv(tmp_path):
    path = write_csv(tmp_path / "sub" / "out.csv", ["prediction", "p(a)"], [["a", "0.9000"]])
    with path.open() as f:
        assert list(csv.reader(f)) == [["prediction", "p(a)"], ["a", "0.9000"]]
