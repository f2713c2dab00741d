"""The shared-permutation engine: scipy's ``permutation_test`` p-values, exact or Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sweepwalk.stats import TIE_RTOL, two_sample


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


@pytest.mark.parametrize(("n1", "n2", "n_resamples"), [(8, 7, 999), (4, 4, 9999), (6, 9, 300)])
def test_equals_scipy_permutation_test_with_the_same_seed(
    n1: int, n2: int, n_resamples: int
) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(12, n1)), rng.normal(0.4, 1.0, size=(12, n2))
    stat, p = two_sample(
        "permutation", x, [n1] * 12, y, [n2] * 12, random_state=5, n_resamples=n_resamples
    )
    for i in range(12):
        ref = stats.permutation_test(
            (x[i], y[i]), _mean_difference, vectorized=True, n_resamples=n_resamples, rng=5
        )
        assert p[i] == ref.pvalue
        assert stat[i] == pytest.approx(ref.statistic, rel=1e-12)


def test_monte_carlo_p_is_reproducible_and_depends_on_the_seed() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 10)), rng.normal(size=(1, 10))
    runs = [
        two_sample("permutation", x, [10] * 30, y, [10], random_state=s, n_resamples=199)[1]
        for s in (7, 7, 8)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    # randomised: (count + 1) / (B + 1), so p * (B + 1) is an integer >= 1 (before doubling)
    assert np.all(np.isclose((runs[0] / 2 * 200) % 1, 0) | (runs[0] == 1.0))


def test_shared_permutations_equal_a_plain_loop_with_tie_tolerance() -> None:
    # grid-valued scores (accuracies on 40 examples): ties that float rounding hides
    rng = np.random.default_rng(1)
    n1, n2, b = 6, 6, 400
    x = rng.integers(20, 30, size=(15, n1)) / 40
    y = rng.integers(20, 30, size=(1, n2)) / 40
    _, p = two_sample(
        "permutation", x, [n1] * 15, y, [n2], random_state=11, n_resamples=b, tie_rtol=TIE_RTOL
    )
    draws = np.random.default_rng(11)
    perms = [draws.permutation(n1 + n2) for _ in range(b)]  # the stream scipy draws
    for i in range(15):
        pooled = np.concatenate([x[i], y[0]])
        observed = pooled[:n1].mean() - pooled[n1:].mean()
        null = np.array([pooled[q[:n1]].mean() - pooled[q[n1:]].mean() for q in perms])
        gamma = TIE_RTOL * np.abs(pooled).max()
        less = (np.sum(null <= observed + gamma) + 1) / (b + 1)
        greater = (np.sum(null >= observed - gamma) + 1) / (b + 1)
        assert p[i] == pytest.approx(min(1.0, 2 * min(less, greater)), abs=1e-15)


def test_exact_enumeration_when_partitions_are_few() -> None:
    x = np.array([[0.1, 0.2, 0.3], [0.5, 0.6, 0.9]])
    y = np.array([[0.4, 0.7, 0.8]])
    _, p = two_sample("permutation", x, [3, 3], y, [3], random_state=0, n_resamples=9999)
    _, p_other_seed = two_sample("permutation", x, [3, 3], y, [3], random_state=1)
    np.testing.assert_array_equal(p, p_other_seed)  # exact: the seed does not matter
    assert np.all(p * math.comb(6, 3) % 1 < 1e-9)  # a multiple of 1 / C(6, 3)


def test_progress_counts_every_row_once() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 5))
    nx = np.where(np.arange(50) % 7 == 0, 1, 5)  # some rows cannot be permuted
    seen: list[int] = []
    two_sample("permutation", x, nx, x[:1], [5], n_resamples=99, on_rows=seen.append)
    assert sum(seen) == 50


@pytest.mark.parametrize("one_target", [True, False])
def test_labels_drawn_and_unpacked_in_chunks_give_the_same_p_values(
    monkeypatch: pytest.MonkeyPatch, one_target: bool
) -> None:
    # many seeds: the packed labels are drawn and unpacked a few permutations at a time (the
    # same random stream, the same matrix products), never held as one float64 matrix
    from sweepwalk.stats import _permutation

    rng = np.random.default_rng(4)
    n1 = n2 = 40
    x = np.round(rng.normal(size=(9, n1)), 2)
    y = np.round(rng.normal(0.2, 1.0, size=(1 if one_target else 9, n2)), 2)

    def run() -> tuple[np.ndarray, np.ndarray]:
        _permutation.null_labels.cache_clear()
        return two_sample("permutation", x, [n1] * 9, y, [n2] * len(y), random_state=2,
                          n_resamples=999, tie_rtol=TIE_RTOL)  # fmt: skip

    whole = run()
    monkeypatch.setattr(_permutation, "_LABEL_BYTES", 8 * (n1 + n2) * 7)  # 7 per chunk
    chunked = run()
    _permutation.null_labels.cache_clear()
    np.testing.assert_array_equal(chunked[0], whole[0])
    np.testing.assert_array_equal(chunked[1], whole[1])
    # and the packed labels are the permutations scipy draws with that seed
    packed, exact = _permutation.null_labels(n1, n2, 999, 2)
    draws = np.random.default_rng(2)
    first = np.sort(np.flatnonzero(np.unpackbits(packed[5], count=n1 + n2)))
    for _ in range(5):
        draws.permutation(n1 + n2)
    assert not exact and np.array_equal(first, np.sort(draws.permutation(n1 + n2)[:n1]))


def test_one_target_in_blocks_of_rows_shares_its_null_sums(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the target's share of every null sum is computed in the first block's pass and reused:
    # the p-values are those of each row tested alone
    from sweepwalk.stats import _permutation

    rng = np.random.default_rng(6)
    n1 = n2 = 30
    x = np.round(rng.normal(size=(7, n1)), 2)
    y = np.round(rng.normal(0.3, 1.0, size=(1, n2)), 2)
    kwargs = {"random_state": 3, "n_resamples": 999, "tie_rtol": TIE_RTOL}
    alone = [two_sample("permutation", x[i : i + 1], [n1], y, [n2], **kwargs) for i in range(7)]
    monkeypatch.setattr(_permutation, "_BLOCK", 2 * 999)  # two rows a block: four blocks
    blocks = two_sample("permutation", x, [n1] * 7, y, [n2], **kwargs)
    np.testing.assert_array_equal(blocks[1], np.concatenate([p for _, p in alone]))
    np.testing.assert_array_equal(blocks[0], np.concatenate([s for s, _ in alone]))
