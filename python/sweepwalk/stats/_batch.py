"""``two_sample``: one entry point for every batched two-sample test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from ._brunnermunzel import brunnermunzel
from ._effect import a12
from ._ks import _MAX_EXACT_N, ks, ks_a12
from ._mannwhitney import mannwhitney
from ._paired import paired
from ._permutation import ks_permutation, permutation
from ._rows import FloatArray, IntArray, as_rows
from ._tests import TEST_TABLE
from ._welch import welch

#: independent two-sample tests
UNPAIRED_TESTS = tuple(name for name, spec in TEST_TABLE.items() if not spec.paired)
#: paired tests on shared seeds (need seed codes)
PAIRED_TESTS = tuple(name for name, spec in TEST_TABLE.items() if spec.paired)
TESTS = UNPAIRED_TESTS + PAIRED_TESTS
#: how the KS p-value is computed: scipy's ``ks_2samp`` or the tie-aware permutation test
KsMethod = Literal["auto", "permutation", "permutation-tiebreak"]
KS_METHODS: tuple[str, ...] = get_args(KsMethod)


def check_test(test: Any) -> str:
    """Return ``test`` if it names a known test, else raise a ValueError listing them."""
    if not isinstance(test, str) or test not in TESTS:
        allowed = ", ".join(repr(t) for t in TESTS)
        raise ValueError(f"`test` must be one of {{{allowed}}}, got {test!r}.")
    return test


def _unpaired(
    test: str,
    xa: FloatArray,
    nxa: IntArray,
    ya: FloatArray,
    nya: IntArray,
    random_state: Any,
    n_resamples: int,
    notes: list[str] | None,
    tie_rtol: float | None = None,
    ks_method: str = "auto",
    on_rows: Callable[[int], Any] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """One unpaired test on rows already checked by ``as_rows``."""
    if test == "brunnermunzel":
        result = brunnermunzel(xa, nxa, ya, nya, random_state=random_state, n_resamples=n_resamples)
        if on_rows is not None:
            on_rows(xa.shape[0])
        return result
    if test == "permutation":
        return permutation(
            xa, nxa, ya, nya, random_state=random_state, n_resamples=n_resamples,
            tie_rtol=tie_rtol, on_rows=on_rows,
        )  # fmt: skip
    result = _fast_unpaired(test, xa, nxa, ya, nya, random_state, n_resamples, notes, ks_method)
    if on_rows is not None:
        on_rows(xa.shape[0])
    return result


def _fast_unpaired(
    test: str,
    xa: FloatArray,
    nxa: IntArray,
    ya: FloatArray,
    nya: IntArray,
    random_state: Any,
    n_resamples: int,
    notes: list[str] | None,
    ks_method: str,
) -> tuple[FloatArray, FloatArray]:
    """Run an unpaired test that works in one pass (no progress within it)."""
    if test == "ks" and ks_method != "auto":
        return ks_permutation(
            xa,
            nxa,
            ya,
            nya,
            random_state=random_state,
            n_resamples=n_resamples,
            tiebreak=ks_method == "permutation-tiebreak",
        )
    if test == "ks":
        return ks(xa, nxa, ya, nya, notes)
    if test == "mannwhitney":
        return mannwhitney(xa, nxa, ya, nya)
    return welch(xa, nxa, ya, nya)


def _check_ks_method(ks_method: Any) -> str:
    if ks_method not in KS_METHODS:
        allowed = ", ".join(repr(t) for t in KS_METHODS)
        raise ValueError(f"`ks_method` must be one of {{{allowed}}}, got {ks_method!r}.")
    return str(ks_method)


def two_sample(
    test: str,
    x: npt.ArrayLike,
    nx: npt.ArrayLike,
    y: npt.ArrayLike,
    ny: npt.ArrayLike,
    *,
    random_state: Any = None,
    n_resamples: int = 9999,
    x_seeds: npt.ArrayLike | None = None,
    y_seeds: npt.ArrayLike | None = None,
    notes: list[str] | None = None,
    tie_rtol: float | None = None,
    ks_method: str = "auto",
    on_rows: Callable[[int], Any] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Run one two-sample test on many pairs of samples at once.

    Scores are held as rows: row ``i`` of ``x`` is compared with row ``i`` of ``y`` (or with the
    single row of ``y``).

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}
        The test, oriented as in :func:`sweepwalk.analysis.compare.compare`:

        - ``"ks"``: ``scipy.stats.ks_2samp(y_i, x_i)``;
        - ``"mannwhitney"``: ``mannwhitneyu(x_i, y_i, alternative="two-sided")`` (the
          statistic is U of ``x_i``);
        - ``"welch"``: ``ttest_ind(x_i, y_i, equal_var=False)``;
        - ``"permutation"``: ``permutation_test((x_i, y_i), mean(x) - mean(y))``, two-sided,
          with ``rng=random_state`` (the same integer seed for every row);
        - ``"brunnermunzel"``: ``brunnermunzel(x_i, y_i)`` with at least 10 values a side,
          below it the studentised permutation test of the same statistic (Neubert & Brunner
          2007; ``random_state`` and ``n_resamples`` as for ``"permutation"``);
        - ``"wilcoxon"``, ``"ttest_rel"``: ``wilcoxon(x_i, y_i)`` / ``ttest_rel(x_i, y_i)`` on
          the scores of the seeds both rows share (needs ``x_seeds`` and ``y_seeds``).
    x : ndarray, shape (M, Kx)
        The compared rows: finite scores left-aligned, NaN padded.
    nx : ndarray, shape (M,)
        Number of scores in each row of ``x``.
    y : ndarray, shape (M, Ky) or (1, Ky)
        The other sample of each pair, or one target row compared with every row.
    ny : ndarray, shape (M,) or (1,)
        Number of scores in each row of ``y``.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the permutation test (see ``sweepwalk.stats._permutation.resolve_seed``).
    n_resamples : int, default 9999
        Number of permutations of the permutation test.
    x_seeds, y_seeds : ndarray of int, optional
        Seed codes aligned with ``x`` and ``y`` (-1 in the padding); paired tests only.
    notes : list of str, optional
        Receives one line per fact worth telling once (e.g. scipy falling back from the exact
        to the asymptotic KS distribution) instead of a warning per row.
    tie_rtol : float, optional
        Permutation and Wilcoxon only: scores equal up to ``tie_rtol`` times the row's
        largest ``|score|`` are ties (``sweepwalk.stats.TIE_RTOL`` = 1e-9 is a good value for
        grid-valued scores such as accuracies). None (default) gives scipy's p-values, which
        miss ties hidden by float rounding.
    ks_method : {"auto", "permutation", "permutation-tiebreak"}, default "auto"
        ``"auto"``: ``ks_2samp``'s p-value (conservative on tied data); ``"permutation"``:
        :func:`ks_permutation`, the tie-aware conditional p-value of D (uses
        ``random_state`` and ``n_resamples``); ``"permutation-tiebreak"``: the same with ties
        of D broken by the summed ECDF distance (``tiebreak=True``), close to the level.
    on_rows : callable, optional
        Unpaired tests: called with a number of rows each time that many are finished (after
        every chunk of the permutation test, once for the one-pass tests): progress, and the
        place where a caller's cancellation check may raise.

    Returns
    -------
    statistic, pvalue : ndarray, shape (M,)
        Equal to the named scipy function's on the same two samples; NaN where a side is
        empty (no shared seed for paired tests) or scipy cannot evaluate the test. Callers
        apply their own minimum number of runs.

    References
    ----------
    .. [1] N. Smirnov, "Table for estimating the goodness of fit of empirical distributions",
       Annals of Mathematical Statistics 19(2), 279-281, 1948 (Kolmogorov-Smirnov).
    .. [2] H. B. Mann and D. R. Whitney, "On a test of whether one of two random variables is
       stochastically larger than the other", Annals of Mathematical Statistics 18(1), 50-60,
       1947.
    .. [3] B. L. Welch, "The generalization of 'Student's' problem when several different
       population variances are involved", Biometrika 34(1-2), 28-35, 1947.
    .. [4] F. Wilcoxon, "Individual comparisons by ranking methods", Biometrics Bulletin 1(6),
       80-83, 1945.
    .. [5] E. J. G. Pitman, "Significance tests which may be applied to samples from any
       populations", Journal of the Royal Statistical Society Supplement 4(1), 119-130, 1937.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import two_sample
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, np.nan]])
    >>> y = np.array([[1.5, 2.5, 3.5]])
    >>> stat, p = two_sample("ks", x, [4, 3], y, [3])
    >>> stat
    array([0.25, 1.  ])
    >>> round(float(p[1]), 4)
    0.1
    """
    test = check_test(test)
    ks_method = _check_ks_method(ks_method)
    xa, nxa, ya, nya = as_rows(x, nx, y, ny)
    if test in UNPAIRED_TESTS:
        return _unpaired(
            test, xa, nxa, ya, nya, random_state, n_resamples, notes, tie_rtol, ks_method,
            on_rows,
        )  # fmt: skip
    if x_seeds is None or y_seeds is None:
        raise ValueError(
            f"test={test!r} is paired on seeds: it needs seed codes (`x_seeds`, `y_seeds`); "
            "build the sweep with `seed=` to use it."
        )
    xs = np.asarray(x_seeds, dtype=np.int64).reshape(xa.shape)
    ys = np.asarray(y_seeds, dtype=np.int64).reshape(ya.shape)
    statistic, pvalue, _ = paired(test, xa, xs, nxa, ya, ys, nya, tie_rtol=tie_rtol)
    return statistic, pvalue


def two_sample_effect(
    test: str,
    x: npt.ArrayLike,
    nx: npt.ArrayLike,
    y: npt.ArrayLike,
    ny: npt.ArrayLike,
    *,
    random_state: Any = None,
    n_resamples: int = 9999,
    notes: list[str] | None = None,
    tie_rtol: float | None = None,
    ks_method: str = "auto",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`two_sample` (unpaired tests) plus :func:`a12` of each row against ``y``.

    Same arguments and values; for ``"ks"`` against one target row both come from one pass.
    """
    test = check_test(test)
    ks_method = _check_ks_method(ks_method)
    if test not in UNPAIRED_TESTS:
        raise ValueError(f"`test` must be an unpaired test {UNPAIRED_TESTS}, got {test!r}.")
    xa, nxa, ya, nya = as_rows(x, nx, y, ny)
    small = max(int(nxa.max(initial=0)), int(nya.max(initial=0))) <= _MAX_EXACT_N
    if test == "ks" and ks_method == "auto" and ya.shape[0] == 1 and small:
        statistic, pvalue, effect = ks_a12(xa, nxa, ya, nya, notes)
        if effect is not None:
            return statistic, pvalue, effect
    statistic, pvalue = _unpaired(
        test, xa, nxa, ya, nya, random_state, n_resamples, notes, tie_rtol, ks_method
    )
    return statistic, pvalue, a12(xa, nxa, ya, nya)
