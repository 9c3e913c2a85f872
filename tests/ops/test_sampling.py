"""bernoulli and multinomial: shapes and dtypes as PyTorch, frequencies that match the
probabilities (statistical tests with wide margins, fixed seeds), distinct indices without
replacement, determinism under glassnet.manual_seed and generator=, and PyTorch's errors."""

import numpy as np
import pytest

import glassnet


def test_bernoulli_frequencies_shape_and_dtype():
    p = glassnet.tensor([0.0, 0.1, 0.5, 0.9, 1.0], dtype=glassnet.float64)
    draws = glassnet.bernoulli(p.expand(20000, 5), generator=glassnet.Generator(0))
    assert draws.shape == (20000, 5) and draws.dtype == np.float64
    assert set(np.unique(draws.numpy())) <= {0.0, 1.0}
    freq = draws.numpy().mean(axis=0)
    # 5 standard errors of a mean of 20000 coin flips is at most 0.018
    np.testing.assert_allclose(freq, p.numpy(), atol=0.018)
    assert freq[0] == 0.0 and freq[-1] == 1.0


def test_bernoulli_with_a_number_p_and_the_method():
    x = glassnet.zeros(10000)
    freq = glassnet.bernoulli(x, 0.25, generator=glassnet.Generator(1)).numpy().mean()
    assert abs(freq - 0.25) < 0.025
    assert x.bernoulli().dtype == np.float32


def test_bernoulli_is_deterministic_under_manual_seed_and_generators():
    p = glassnet.full((50,), 0.5)
    glassnet.manual_seed(3)
    a = glassnet.bernoulli(p)
    glassnet.manual_seed(3)
    b = glassnet.bernoulli(p)
    assert glassnet.equal(a, b)
    c = glassnet.bernoulli(p, generator=glassnet.Generator(5))
    d = glassnet.bernoulli(p, generator=glassnet.Generator(5))
    assert glassnet.equal(c, d)
    assert not glassnet.equal(c, glassnet.bernoulli(p, generator=glassnet.Generator(6)))


def test_bernoulli_errors():
    with pytest.raises(ValueError, match="bernoulli: expected 0 <= p <= 1 for every probability"):
        glassnet.bernoulli(glassnet.tensor([1.5]))
    with pytest.raises(ValueError, match="bernoulli: expected 0 <= p <= 1"):
        glassnet.bernoulli(glassnet.tensor([0.5]), -0.1)
    with pytest.raises(TypeError, match="bernoulli: input must be a floating point tensor"):
        glassnet.bernoulli(glassnet.tensor([1]))


def test_multinomial_with_replacement_matches_the_probabilities():
    w = glassnet.tensor([1.0, 0.0, 3.0, 6.0])  # weights need not sum to 1
    s = glassnet.multinomial(w, 40000, replacement=True, generator=glassnet.Generator(0))
    assert s.shape == (40000,) and s.dtype == np.int64
    freq = np.bincount(s.numpy(), minlength=4) / 40000
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.3, 0.6], atol=0.012)
    assert freq[1] == 0


def test_multinomial_rows_of_a_2d_input():
    probs = glassnet.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    s = probs.multinomial(1000, replacement=True, generator=glassnet.Generator(2))
    assert s.shape == (2, 1000)
    assert np.all(s.numpy()[0] == 1)
    assert set(np.unique(s.numpy()[1])) == {0, 2}
    assert abs((s.numpy()[1] == 0).mean() - 0.5) < 0.06


def test_multinomial_without_replacement_gives_distinct_indices():
    rng = glassnet.Generator(4)
    w = glassnet.tensor([[0.1, 0.2, 0.3, 0.4, 0.0, 1.0]] * 200)
    s = glassnet.multinomial(w, 5, generator=rng).numpy()
    assert s.shape == (200, 5)
    for row in s:
        assert len(set(row)) == 5 and 4 not in row  # distinct, never the zero-weight category
    full = glassnet.multinomial(glassnet.ones(6), 6, generator=rng).numpy()
    assert sorted(full) == list(range(6))


def test_multinomial_without_replacement_first_draw_follows_the_weights():
    w = glassnet.tensor([[1.0, 2.0, 7.0]]).expand(20000, 3)
    s = glassnet.multinomial(w, 2, generator=glassnet.Generator(7)).numpy()
    first = np.bincount(s[:, 0], minlength=3) / 20000
    np.testing.assert_allclose(first, [0.1, 0.2, 0.7], atol=0.015)
    # the second draw is from the rest, renormalised: P(second = 0) = sum_j p_j p_0 / (1 - p_j)
    p = np.array([0.1, 0.2, 0.7])
    second0 = sum(p[j] * p[0] / (1 - p[j]) for j in (1, 2))
    assert abs((s[:, 1] == 0).mean() - second0) < 0.015


def test_multinomial_is_deterministic_under_manual_seed():
    w = glassnet.tensor([0.2, 0.3, 0.5])
    glassnet.manual_seed(11)
    a = glassnet.multinomial(w, 20, replacement=True)
    glassnet.manual_seed(11)
    b = glassnet.multinomial(w, 20, replacement=True)
    assert glassnet.equal(a, b)


@pytest.mark.parametrize(
    "probs,n,replacement,error,message",
    [
        ([0.2, -0.1], 1, True, ValueError, "probability tensor contains either `inf`, `nan` or"),
        ([0.5, float("nan")], 1, True, ValueError, "contains either `inf`, `nan` or element < 0"),
        ([0.5, float("inf")], 1, True, ValueError, "contains either `inf`, `nan` or element < 0"),
        ([0.0, 0.0], 1, True, ValueError, r"invalid multinomial distribution \(sum of prob"),
        ([0.5, 0.5], 3, False, ValueError, "cannot sample n_sample > prob_dist.size"),
        ([0.5, 0.5], 0, True, ValueError, "cannot sample n_sample <= 0 samples"),
        ([0.5, 0.0, 0.5], 3, False, ValueError, "not enough non-negative category to sample"),
        ([[[0.5]]], 1, True, ValueError, "prob_dist must be 1 or 2 dim"),
        (0.5, 1, True, ValueError, "prob_dist must be 1 or 2 dim"),
        ([1, 2], 1, True, TypeError, "multinomial only supports floating-point dtypes"),
    ],
)
def test_multinomial_errors(probs, n, replacement, error, message):
    with pytest.raises(error, match=message):
        glassnet.multinomial(glassnet.tensor(probs), n, replacement=replacement)


def test_in_place_bernoulli_and_exponential():
    x = glassnet.empty(20000, dtype=glassnet.float64)
    x.bernoulli_(0.3, generator=glassnet.Generator(0))
    assert abs(x.numpy().mean() - 0.3) < 0.02
    x.exponential_(2.0, generator=glassnet.Generator(0))
    assert x.numpy().min() >= 0 and abs(x.numpy().mean() - 0.5) < 0.02
    with pytest.raises(ValueError, match="bernoulli_: expected 0 <= p <= 1"):
        x.bernoulli_(2.0)
