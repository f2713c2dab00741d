"""``estimate``: the quantity each test is about, with its interval; ``direction`` from it.

Scores are held as (M, K) float64 rows, left-aligned and NaN padded, with a count per row; ``y`` may
be one target row broadcast against every row.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._batch import PAIRED_TESTS, check_test
from ._intervals import (
    _half_pvalue,
    _moments,
    a12_bounds,
    a12_interval,
    hodges_lehmann,
    paired_effect,
    paired_t_interval,
    welch_from_moments,
    welch_interval,
)
from ._ks import KsIndex, _sorted_rows
from ._paired import paired_rows
from ._placement_sums import placement_moments, sums_from_pass
from ._rows import FloatArray, IntArray, as_rows
from ._tests import TEST_TABLE
from ._ties import check_rtol, row_scale, snap_differences

#: what ``Estimate.estimate`` is, per test
ESTIMANDS = {name: spec.estimand for name, spec in TEST_TABLE.items()}


class Estimate(NamedTuple):
    """Result of :func:`estimate`: one (M,) float array per field, NaN where undefined.

    Attributes
    ----------
    estimate, low, high
        The quantity the test is about (see ``ESTIMANDS``) and its confidence interval.
    diff_mean, diff_mean_low, diff_mean_high
        Mean difference row - target (paired tests: mean of the per-seed differences on
        shared seeds) with Welch's (paired: the paired t) interval.
    effect, effect_low, effect_high
        Unpaired tests: A12 over all runs with its score-type interval. Paired tests: the
        share of shared seeds on which the row beats the target (ties 1/2), no interval (NaN).
    n_shared
        Paired tests: number of shared seeds per row (int); unpaired tests: -1.
    """

    estimate: FloatArray
    low: FloatArray
    high: FloatArray
    diff_mean: FloatArray
    diff_mean_low: FloatArray
    diff_mean_high: FloatArray
    effect: FloatArray
    effect_low: FloatArray
    effect_high: FloatArray
    n_shared: IntArray


def estimate(
    test: str,
    x: npt.ArrayLike,
    nx: npt.ArrayLike,
    y: npt.ArrayLike,
    ny: npt.ArrayLike,
    *,
    x_seeds: npt.ArrayLike | None = None,
    y_seeds: npt.ArrayLike | None = None,
    confidence_level: float = 0.95,
    tie_rtol: float | None = None,
) -> Estimate:
    """Estimate the quantity each test is about, with its confidence interval, for many rows.

    Row ``i`` of ``x`` against row ``i`` of ``y`` (or the single row of ``y``).

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}
        The test whose quantity is estimated:

        - ``"welch"``: mean difference with the test's own interval, equal to
          ``ttest_ind(x_i, y_i, equal_var=False).confidence_interval(confidence_level)``;
        - ``"permutation"``: mean difference with Welch's interval (an approximation: the
          permutation test has no interval of its own);
        - ``"ks"``: mean difference with Welch's interval; KS tests any difference, so
          ``effect`` (A12) is reported too and :func:`direction` needs both;
        - ``"mannwhitney"``, ``"brunnermunzel"``: A12 with its score-type interval
          (:func:`a12_interval`);
        - ``"ttest_rel"``: mean of the per-seed differences with the interval equal to
          ``ttest_rel(x_i, y_i).confidence_interval(confidence_level)``;
        - ``"wilcoxon"``: Hodges-Lehmann estimate of the per-seed differences with the
          Walsh-average interval (:func:`hodges_lehmann`).
    x : array_like, shape (M, Kx)
        The compared rows: finite scores left-aligned, NaN padded.
    nx : array_like of int, shape (M,)
        Number of scores in each row of ``x``.
    y : array_like, shape (M, Ky) or (1, Ky)
        The targets' scores, or one target row compared with every row.
    ny : array_like of int, shape (M,) or (1,)
        Number of scores in each row of ``y``.
    x_seeds, y_seeds : array_like of int, optional
        Paired tests: seed codes aligned with ``x``/``y`` (-1 in the padding). Without them
        column ``j`` of ``x`` pairs with column ``j`` of ``y``.
    confidence_level : float, default 0.95
        Two-sided level of every interval.
    tie_rtol : float, optional
        Paired tests: per-seed differences equal up to ``tie_rtol`` times the row's largest
        ``|score|`` are made equal (and tiny ones 0) before the Walsh averages and the paired
        effect, as ``two_sample`` does for Wilcoxon; the mean and its t interval use the
        differences as they are.

    Returns
    -------
    Estimate
        Named tuple of (M,) arrays; see :class:`Estimate`.

    References
    ----------
    .. [1] B. L. Welch, "The generalization of 'Student's' problem when several different
       population variances are involved", Biometrika 34(1-2), 28-35, 1947.
    .. [2] J. L. Hodges and E. L. Lehmann, "Estimates of location based on rank tests",
       Annals of Mathematical Statistics 34(2), 598-611, 1963.
    .. [3] E. Brunner and U. Munzel, "The nonparametric Behrens-Fisher problem: asymptotic
       theory and a small-sample approximation", Biometrical Journal 42(1), 17-25, 2000.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import estimate
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
    >>> y = np.array([[0.5, 1.5, 2.5, 3.0]])
    >>> est = estimate("ttest_rel", x, [4], y, [4])
    >>> float(est.estimate[0]), float(est.effect[0])
    (0.625, 1.0)
    """
    test = check_test(test)
    tie_rtol = check_rtol(tie_rtol)
    xa, nxa, ya, nya = as_rows(x, nx, y, ny)
    m = xa.shape[0]
    if test in PAIRED_TESTS:
        xp, yp, n = paired_rows(xa, nxa, ya, nya, x_seeds, y_seeds)
        d = xp - yp
        diff = paired_t_interval(d, n, confidence_level)
        if tie_rtol is not None:  # as `paired` does: rounding-level differences are ties
            d = snap_differences(d, row_scale(xp, yp), tie_rtol)
        effect = paired_effect(d, n)
        nan = np.full(m, np.nan)
        main = diff if test == "ttest_rel" else hodges_lehmann(d, n, confidence_level)
        return Estimate(*main, *diff, effect, nan, nan.copy(), n)
    diff = welch_interval(xa, nxa, ya, nya, confidence_level)
    eff = a12_interval(xa, nxa, ya, nya, confidence_level)
    main = eff if test in ("mannwhitney", "brunnermunzel") else diff
    return Estimate(*main, *diff, *eff, np.full(m, -1, dtype=np.int64))


def estimate_against(
    test: str,
    index: KsIndex,
    rows: IntArray,
    target: npt.ArrayLike,
    moments: tuple[FloatArray, FloatArray],
    *,
    confidence_level: float = 0.95,
) -> Estimate:
    """:func:`estimate` of an unpaired test for indexed rows against one target's scores.

    The same numbers as ``estimate(test, x[rows], nx[rows], target[None], [len(target)])``
    (to float rounding), without sorting the pooled rows: A12 and its placement variances
    come from the rows sorted and ranked once (:func:`sweepwalk.stats.ks_index`), the mean
    difference from each row's mean and variance.

    Parameters
    ----------
    test : str
        An unpaired test (see :func:`estimate`).
    index : KsIndex
        The rows sorted and ranked once; scores are one float per seed per configuration.
    rows : ndarray of int, shape (M,)
        Rows of the index to estimate.
    target : array_like, shape (n1,)
        The target's finite scores (at least one).
    moments : (ndarray, ndarray), each shape (M,)
        Mean and ddof=1 variance of each of ``rows`` (NaN where undefined).
    confidence_level : float, default 0.95
        Two-sided level of every interval.

    Returns
    -------
    Estimate
        As :func:`estimate` gives it.
    """
    test = check_test(test)
    if test in PAIRED_TESTS:
        raise ValueError(f"`test` must be an unpaired test, got {test!r}.")
    parts = against_parts(index, rows, target, moments)
    return estimate_from_parts(test, parts, confidence_level=confidence_level)


class AgainstParts(NamedTuple):
    """What :func:`estimate_against` computes before any interval, for many levels.

    Built by :func:`against_parts`; :func:`estimate_from_parts` turns it into an
    :class:`Estimate` at a level, for all its rows or a subset, without another pass over
    the index.
    """

    sorted_index: KsIndex
    rows: IntArray
    ys: FloatArray
    nx: IntArray
    n1: IntArray
    moments: tuple[FloatArray, FloatArray]
    target_moments: tuple[FloatArray, FloatArray]
    a12: FloatArray
    var_p: FloatArray
    var_q: FloatArray


def against_parts(
    index: KsIndex,
    rows: IntArray,
    target: npt.ArrayLike,
    moments: tuple[FloatArray, FloatArray],
    ks_sums: dict[str, IntArray] | None = None,
) -> AgainstParts:
    """A12, its placement variances and both sides' moments of ``rows`` against ``target``.

    Arguments as :func:`estimate_against`; one pass over the index (the placement sums),
    none when ``ks_sums`` holds what ``ks_against(index, target, placement=ks_sums)`` left
    from its own pass over every row.
    """
    y = np.asarray(target, dtype=np.float64).reshape(1, -1)
    ys = np.sort(y[0])
    rows = np.asarray(rows, dtype=np.int64)
    nx = index.counts[rows]
    n1 = np.full(len(rows), len(ys), dtype=np.int64)
    my, vy = _moments(y, n1[:1])
    sums: tuple[IntArray, IntArray, IntArray] | None = None
    if ks_sums:
        s_p, s_pp, s_qq = sums_from_pass(index, ys, ks_sums)
        sums = (s_p[rows], s_pp[rows], s_qq[rows])
    a12, var_p, var_q = placement_moments(index, rows, ys, sums)
    return AgainstParts(index, rows, ys, nx, n1, moments, (my, vy), a12, var_p, var_q)


def estimate_from_parts(
    test: str,
    parts: AgainstParts,
    *,
    confidence_level: float = 0.95,
    picked: IntArray | None = None,
) -> Estimate:
    """:func:`estimate_against` at ``confidence_level`` from :func:`against_parts`.

    ``picked``: positions in ``parts.rows`` to estimate (all when None); the result is that
    of ``estimate_against`` on ``parts.rows[picked]``.
    """
    test = check_test(test)
    if test in PAIRED_TESTS:
        raise ValueError(f"`test` must be an unpaired test, got {test!r}.")
    sel: Any = slice(None) if picked is None else np.asarray(picked, dtype=np.int64)
    index, rows, ys, nx, n1 = parts.sorted_index, parts.rows[sel], parts.ys, parts.nx[sel], parts.n1
    n1 = n1[: len(rows)]
    mean, var = parts.moments
    my, vy = parts.target_moments
    diff = welch_from_moments(mean[sel], var[sel], nx, my, vy, n1, confidence_level)
    a12, var_p, var_q = parts.a12[sel], parts.var_p[sel], parts.var_q[sel]

    def half_pvalue(chosen: IntArray) -> FloatArray:
        x = _sorted_rows(index, rows[chosen])
        return _half_pvalue(x, nx[chosen], ys[None, :], n1[chosen])

    low, high = a12_bounds(a12, var_p, var_q, nx, n1, confidence_level, half_pvalue)
    eff: tuple[FloatArray, FloatArray, FloatArray] = (a12, low, high)
    main = eff if test in ("mannwhitney", "brunnermunzel") else diff
    return Estimate(*main, *diff, *eff, np.full(len(rows), -1, dtype=np.int64))


def _sign(values: FloatArray) -> npt.NDArray[np.int8]:
    return np.where(np.isfinite(values), np.sign(values), 0).astype(np.int8)


def _excludes(low: FloatArray, high: FloatArray, null: float) -> npt.NDArray[np.int8]:
    """+1 where the interval lies above ``null``, -1 below, 0 where it holds it (or is NaN)."""
    with np.errstate(invalid="ignore"):
        return (1 * (low > null) - 1 * (high < null)).astype(np.int8)


def direction(test: str, est: Estimate | Any) -> npt.NDArray[np.int8]:
    """Direction of each row against its target, from the statistic the test is about.

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}
        The test.
    est : Estimate
        :func:`estimate` of the same test on the same rows.

    Returns
    -------
    ndarray of int8, shape (M,)
        +1 (row larger), -1 (row smaller) or 0 (no direction), before orientation by the goal
        (the caller flips it for ``goal="min"``):

        - ``"welch"``, ``"ttest_rel"`` (mean tests): sign of the (paired) mean difference;
        - ``"wilcoxon"``: sign of the Hodges-Lehmann estimate;
        - ``"brunnermunzel"``: like Mann-Whitney, a direction only when the A12 interval
          excludes 1/2, else 0 ("differs"); below 10 seeds a side its p-value is at least
          the one that interval inverts, so a significant row always has a direction;
        - the tests of identical distributions, which reject for a change of spread or shape
          as readily as for a shift, get a direction only from an interval that excludes its
          null: ``"permutation"`` when the mean difference's (Welch) interval
          (``diff_mean_low``, ``diff_mean_high``) excludes 0, ``"mannwhitney"`` when the
          A12 interval (``effect_low``, ``effect_high``) excludes 1/2, ``"ks"`` when both
          do, on the same side; else 0 ("differs"). The intervals are at the level the
          caller estimated them.

        0 also where the quantity (or an interval) is NaN or exactly at its null.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import direction, estimate
    >>> x = np.array([[0.9, 0.91, 0.92, 0.1]])  # mostly above, one diverged run
    >>> y = np.array([[0.85, 0.86, 0.87, 0.88]])
    >>> int(direction("welch", estimate("welch", x, [4], y, [4]))[0])
    -1
    >>> int(direction("ks", estimate("ks", x, [4], y, [4]))[0])
    0
    """
    test = check_test(test)
    if test in ("welch", "ttest_rel", "wilcoxon"):
        return _sign(est.estimate)
    by_a12 = _excludes(est.effect_low, est.effect_high, 0.5)
    if test in ("mannwhitney", "brunnermunzel"):
        return by_a12
    by_mean = _excludes(est.diff_mean_low, est.diff_mean_high, 0.0)
    if test == "permutation":
        return by_mean
    return np.where(by_a12 == by_mean, by_a12, 0).astype(np.int8)


__all__ = [
    "ESTIMANDS",
    "AgainstParts",
    "Estimate",
    "against_parts",
    "direction",
    "estimate",
    "estimate_against",
    "estimate_from_parts",
]
