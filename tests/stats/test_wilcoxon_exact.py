"""Wilcoxon's exact branch by table lookup gives scipy's own statistic and p-value, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

from sweepwalk.stats import two_sample
from sweepwalk.stats._paired import _wilcoxon_exact


@pytest.mark.parametrize("n", [1, 2, 5, 13, 14, 20, 37, 50])
def test_exact_branch_equals_scipy(n):
    rng = np.random.default_rng(n)
    d = rng.normal(rng.normal(0, 0.5), 1.0, size=(300, n))  # continuous: no zeros, no ties
    stat, p = _wilcoxon_exact(d)
    res = st.wilcoxon(d, axis=1)
    np.testing.assert_array_equal(stat, res.statistic)
    np.testing.assert_array_equal(p, res.pvalue)


def test_batched_wilcoxon_with_seeds_equals_scipy_row_by_row():
    rng = np.random.default_rng(7)
    m, k = 200, 20
    x = rng.normal(0.8, 0.02, (m, k))
    y = rng.normal(0.8, 0.02, (1, k))
    x[:20, 3] = y[0, 3]  # a zero difference: scipy's permutation / asymptotic branches
    x[20:40, 5] = x[20:40, 4] - y[0, 4] + y[0, 5]  # a tie of |d|
    seeds = np.tile(np.arange(k), (m, 1))
    stat, p = two_sample(
        "wilcoxon", x, np.full(m, k), y, [k], x_seeds=seeds, y_seeds=np.arange(k)[None]
    )
    for i in range(m):
        res = st.wilcoxon(x[i], y[0])
        assert stat[i] == res.statistic
        assert p[i] == pytest.approx(res.pvalue, rel=1e-12)
