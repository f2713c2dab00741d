"""Compare a target configuration with its neighbours (or with every configuration).

Scores are one float per seed per configuration. Every p-value is the named scipy function's
on the two samples of scores, every adjusted p-value statsmodels' ``multipletests``; both are
computed for all rows at once (see :mod:`sweepwalk.stats`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _validation as v
from ._vocab import (
    AGAINST,
    PAIRED_TESTS,
    STATUSES,
    UNPAIRED_TESTS,
    Against,
    Correction,
    Neighbors,
    Test,
    decide_status,
)
from .stats import (
    a12,
    adjust,
    ks_against,
    ks_index,
    paired,
    resolve_seed,
    two_sample_effect,
)
from .uncertainty import INSIGHT_COLUMNS, comparison_insights

if TYPE_CHECKING:
    from .data import SweepData


@dataclass(frozen=True, repr=False, eq=False)
class Comparison:
    """Result of :func:`compare`: one target against a family of configurations.

    Arrays are aligned with :attr:`ids` (the compared configurations, sorted; the target is
    not among them). Scores are one float per seed per configuration.

    Attributes
    ----------
    target : int
        Config id of the target.
    ids : ndarray of int64, shape (M,)
        Config ids of the compared rows.
    statistic, pvalue : ndarray of float, shape (M,)
        The test's statistic and p-value per row, as scipy gives them (NaN for ``na`` rows).
    pvalue_adj : ndarray of float, shape (M,)
        p-values adjusted over the family (the rows that are not ``na``) by ``correction``.
    significant : ndarray of bool, shape (M,)
        ``pvalue_adj < alpha``.
    effect : ndarray of float, shape (M,)
        Vargha-Delaney A12 oriented by the sweep's goal: the probability that a run of the
        row beats a run of the target, ties counting one half.
    diff_mean : ndarray of float, shape (M,)
        Mean of the row minus mean of the target.
    varied : list of str or None, length M
        The parameter along which each row neighbours the target (None if not exactly one).
    status : ndarray of str, shape (M,)
        ``"better"``, ``"worse"``, ``"differs"`` (significant, effect above, below or at 0.5),
        ``"ns"`` (not significant) or ``"na"`` (fewer than ``min_runs`` scores on a side, or
        shared seeds for paired tests, or a test scipy cannot evaluate).
    n_shared : ndarray of int64 or None
        Seeds shared with the target (paired tests only).
    notes : tuple of str
        Facts worth telling once (e.g. scipy's KS falling back to its asymptotic p-value).
    """

    sweep: SweepData
    target: int
    ids: npt.NDArray[np.int64]
    statistic: npt.NDArray[np.float64]
    pvalue: npt.NDArray[np.float64]
    pvalue_adj: npt.NDArray[np.float64]
    significant: npt.NDArray[np.bool_]
    effect: npt.NDArray[np.float64]
    diff_mean: npt.NDArray[np.float64]
    varied: list[Any]
    status: npt.NDArray[np.object_]
    test: str
    correction: str
    alpha: float
    against: str
    neighbors: str
    n_shared: npt.NDArray[np.int64] | None = None
    notes: tuple[str, ...] = field(default=())
    #: effect-size intervals and power (see :func:`sweepwalk.plan.comparison_insights`)
    effect_low: npt.NDArray[np.float64] | None = None
    effect_high: npt.NDArray[np.float64] | None = None
    diff_mean_low: npt.NDArray[np.float64] | None = None
    diff_mean_high: npt.NDArray[np.float64] | None = None
    mde: npt.NDArray[np.float64] | None = None
    seeds_needed: npt.NDArray[np.float64] | None = None
    underpowered: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        words, counts = np.unique(self.status.astype(str), return_counts=True)
        summary = ", ".join(f"{w}={c}" for w, c in zip(words, counts, strict=True))
        return (
            f"<Comparison: target {self.target} against {len(self)} {self.against} "
            f"({self.test}, correction={self.correction!r}, alpha={self.alpha}): "
            f"{summary or 'nothing compared'}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per configuration: the target and every compared row, by config id.

        Columns: the parameters, ``n``, ``mean``, ``median``, ``statistic``, ``pvalue``,
        ``pvalue_adj``, ``significant``, ``effect``, ``diff_mean``, ``varied``, ``status``
        (plus ``n_shared`` for paired tests). The target's row has status ``"target"``, NaN
        test columns, ``diff_mean`` 0 and ``varied`` None.
        """
        sweep = self.sweep
        n_all = len(sweep.configs)
        whole = len(self.ids) + 1 == n_all  # against="all": no row selection needed
        if whole:
            rows = np.arange(n_all, dtype=np.int64)
            tpos = self.target
        else:
            rows = np.sort(np.append(self.ids, self.target))
            pos = np.searchsorted(rows, self.ids)
            tpos = int(np.searchsorted(rows, self.target))

        def spread(values: Any, fill: Any, dtype: Any) -> np.ndarray:
            out = np.empty(len(rows), dtype=dtype)
            if whole:  # ids are every row but the target: two block copies
                out[:tpos] = values[:tpos]
                out[tpos + 1 :] = values[tpos:]
                out[tpos] = fill
            else:
                out.fill(fill)  # not np.full: it would make a new str object per row
                out[pos] = values
            return out

        cols: dict[Any, Any] = {}
        for name in [*sweep.params, "n", "mean", "median"]:
            col = sweep.configs[name]
            cols[name] = col.array.copy() if whole else col.array.take(rows)
        cols["statistic"] = spread(self.statistic, np.nan, float)
        cols["pvalue"] = spread(self.pvalue, np.nan, float)
        cols["pvalue_adj"] = spread(self.pvalue_adj, np.nan, float)
        cols["significant"] = spread(self.significant, False, bool)
        cols["effect"] = spread(self.effect, np.nan, float)
        cols["diff_mean"] = spread(self.diff_mean, np.nan, float)
        cols["diff_mean"][tpos] = 0.0
        # fromiter: no search for nested sequences in the list (and tuple names stay whole)
        varied_arr = np.fromiter(self.varied, dtype=object, count=len(self.varied))
        varied = spread(varied_arr, None, object)
        index = pd.Index(rows, name=sweep.configs.index.name)
        # object columns: plain str / None, no per-call conversion to pandas' string dtype
        cols["varied"] = pd.Series(varied, index=index, dtype=object, copy=False)
        for name in INSIGHT_COLUMNS:  # bootstrap intervals and power, when computed
            arr = getattr(self, name)
            if arr is not None:
                cols[name] = spread(arr, False if arr.dtype == bool else np.nan, arr.dtype)
        if self.n_shared is not None:
            cols["n_shared"] = spread(self.n_shared, 0, np.int64)
            cols["n_shared"][tpos] = int(sweep.counts[self.target])
        status = spread(self.status, "target", object)
        cols["status"] = pd.Series(status, index=index, dtype=object, copy=False)
        return pd.DataFrame(cols, index=index, copy=False)


def _compare_input_validation(
    sweep: SweepData,
    target: Any,
    against: Any,
    test: Any,
    correction: Any,
    alpha: Any,
    neighbors: Any,
    random_state: Any,
    n_resamples: Any,
) -> tuple[int, Against, Test, Correction, float, Neighbors, Any, int]:
    """Check every argument of :func:`compare` and return them normalised."""
    t = sweep.resolve(target)
    against = v.check_against(against)
    test = v.check_test(test)
    correction = v.check_correction(correction)
    alpha = v.check_alpha(alpha)
    neighbors = v.check_neighbors(neighbors)
    if test in PAIRED_TESTS and sweep.seed_matrix is None:
        raise ValueError(
            f"test={test!r} pairs the runs of two configurations by seed, but this sweep has "
            "no seed column: build it with `Sweep.from_runs(..., seed=<column>)`, or use one "
            f"of the unpaired tests {list(UNPAIRED_TESTS)}."
        )
    n_resamples = v.check_int(n_resamples, "n_resamples", minimum=1)
    random_state = v.check_random_state(random_state)
    if test == "permutation":
        random_state = resolve_seed(random_state)  # one seed for every row
    return t, against, test, correction, alpha, neighbors, random_state, n_resamples


def compare(
    sweep: SweepData,
    target: int | dict[str, Any],
    *,
    against: Against = "neighbors",
    test: Test = "ks",
    correction: Correction = "none",
    alpha: float = 0.05,
    neighbors: Neighbors = "adjacent",
    random_state: Any = None,
    n_resamples: int = 9999,
    ci: float | None = 0.95,
    ci_max_rows: int | None = 200,
) -> Comparison:
    """Test whether each neighbour of a target configuration (or every configuration) differs.

    Scores are one float per seed per configuration. Each compared row's scores are tested
    against the target's with a two-sample test; the p-values of the rows that could be
    tested form one family, adjusted for multiple testing by ``correction``.

    Parameters
    ----------
    sweep : SweepData
        The sweep (a :class:`~sweepwalk.Sweep`).
    target : int or dict
        Config id of the target, or a dict of parameter values (see :meth:`Sweep.find`).
    against : {"neighbors", "all"}, default "neighbors"
        Compare with the target's neighbours, or with every other configuration.
    test : {"ks", "mannwhitney", "welch", "permutation", "wilcoxon", "ttest_rel"}, default "ks"
        ``"ks"``: ``scipy.stats.ks_2samp(target, row)``; ``"mannwhitney"``:
        ``mannwhitneyu(row, target, alternative="two-sided")``; ``"welch"``:
        ``ttest_ind(row, target, equal_var=False)``; ``"permutation"``:
        ``permutation_test((row, target), mean(row) - mean(target))``, two-sided;
        ``"wilcoxon"`` / ``"ttest_rel"``: ``wilcoxon(row, target)`` / ``ttest_rel(row,
        target)`` on the scores of the seeds both share (needs a sweep built with ``seed=``).
    correction : str, default "none"
        ``"none"`` or any ``statsmodels.stats.multitest.multipletests`` method (``"holm"``,
        ``"fdr_bh"``, ``"bonferroni"``, ...). The family is the rows that are not ``na``.
    alpha : float, default 0.05
        Significance level applied to the adjusted p-values.
    neighbors : {"adjacent", "axis"}, default "adjacent"
        Neighbour mode when ``against="neighbors"`` (see :meth:`Sweep.neighbors`).
    random_state : None, int or numpy.random.Generator, optional
        Permutation test only: one integer seed is drawn from it (or it is the seed) and every
        row is tested as ``permutation_test(..., rng=seed)`` would. Pass an int to reproduce.
    n_resamples : int, default 9999
        Permutation test only: number of random permutations.
    ci : float or None, default 0.95
        Level of the percentile bootstrap intervals ``effect_low``/``effect_high`` (of
        ``effect``) and ``diff_mean_low``/``diff_mean_high`` (2000 resamples, seeded by
        ``random_state``); None skips them (NaN). Power columns: ``mde``, ``seeds_needed``,
        ``underpowered`` (see :func:`sweepwalk.plan.comparison_insights`).
    ci_max_rows : int or None, default 200
        With more compared rows than this, the intervals and ``seeds_needed`` (the costly
        columns, about 2 ms per row at 20 seeds) are NaN and ``notes`` says so; None computes
        them always. The default keeps a click in the widget fast with ``against="all"``.

    Returns
    -------
    Comparison
        Per compared row: ``statistic``, ``pvalue``, ``pvalue_adj``, ``significant``,
        ``effect``, ``diff_mean``, ``varied`` and ``status``; ``.to_frame()`` for a DataFrame.

    Notes
    -----
    ``status`` is ``"na"`` when either side has fewer than ``sweep.min_runs`` scores (for
    paired tests: fewer shared seeds), or scipy cannot evaluate the test (e.g. Welch on two
    constant samples); its p-values are NaN and it is left out of the family. Otherwise a row
    is significant when ``pvalue_adj < alpha``, and then ``"better"`` if ``effect > 0.5``,
    ``"worse"`` if ``effect < 0.5`` and ``"differs"`` if ``effect == 0.5``; else ``"ns"``.

    ``effect`` is the Vargha-Delaney A12 of the row against the target over all their runs;
    with ``goal="min"`` lower scores win, so it is ``1 - A12``.

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
    .. [5] A. Vargha and H. D. Delaney, "A critique and improvement of the CL common language
       effect size statistics of McGraw and Wong", Journal of Educational and Behavioral
       Statistics 25(2), 101-132, 2000.
    .. [6] S. Holm, "A simple sequentially rejective multiple test procedure", Scandinavian
       Journal of Statistics 6(2), 65-70, 1979.
    .. [7] Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate: a practical and
       powerful approach to multiple testing", Journal of the Royal Statistical Society B
       57(1), 289-300, 1995.

    Examples
    --------
    >>> import pandas as pd
    >>> from sweepwalk import Sweep
    >>> runs = pd.DataFrame({
    ...     "lr": [0.1] * 5 + [0.2] * 5 + [0.4] * 5,
    ...     "seed": list(range(5)) * 3,
    ...     "acc": [0.70, 0.71, 0.69, 0.72, 0.70,
    ...             0.80, 0.82, 0.81, 0.79, 0.83,
    ...             0.71, 0.70, 0.72, 0.69, 0.73],
    ... })
    >>> sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    >>> res = sweep.compare({"lr": 0.2}, correction="holm")
    >>> res.ids, res.status.tolist()
    (array([0, 2]), ['worse', 'worse'])
    >>> res.pvalue_adj.round(4)
    array([0.0159, 0.0159])
    >>> res.to_frame()[["lr", "effect", "status"]].to_dict("list")
    {'lr': [0.1, 0.2, 0.4], 'effect': [0.0, nan, 0.0], 'status': ['worse', 'target', 'worse']}
    """
    (t, against, test, correction, alpha, neighbors, random_state, n_resamples) = (
        _compare_input_validation(
            sweep, target, against, test, correction, alpha, neighbors, random_state, n_resamples
        )
    )
    values, counts = sweep.score_matrix, sweep.counts
    n_all = len(counts)
    if against == "all":
        ids = np.delete(np.arange(n_all, dtype=np.int64), t)
        # test every row (the target against itself too) and keep `ids` afterwards: no copy
        # of the (N, K) score matrix
        rows: Any = slice(None)
    else:
        ids = sweep.neighbor_ids(t, neighbors)
        rows = ids
    x, nx = values[rows], counts[rows]
    y, ny = values[t : t + 1], counts[t : t + 1]
    notes: list[str] = []
    n_shared = None
    if test in PAIRED_TESTS:
        seeds = sweep.seed_matrix
        assert seeds is not None  # checked in validation
        xs, ys = seeds[rows], seeds[t : t + 1]
        statistic, pvalue, shared = paired(test, x, xs, nx, y, ys, ny)
        n_shared = shared if against == "neighbors" else shared[ids]
        effect = a12(x, nx, y, ny)
    elif test == "ks":
        # against all: the rows sorted and ranked once per sweep; a few neighbours: their
        # sorted rows ranked now (cheaper than building the sweep's index on a first click)
        index = sweep.ks_index if against == "all" else ks_index(sweep.sorted_scores[ids], nx)
        statistic, pvalue, effect = ks_against(index, sweep.scores(t), notes=notes)
    else:
        statistic, pvalue, effect = two_sample_effect(
            test, x, nx, y, ny, random_state=random_state, n_resamples=n_resamples, notes=notes
        )
    if against == "all":
        statistic, pvalue, effect, nx = statistic[ids], pvalue[ids], effect[ids], nx[ids]
    if sweep.goal == "min":
        effect = 1.0 - effect
    too_few = (nx < sweep.min_runs) | (ny[0] < sweep.min_runs)
    if n_shared is not None:
        too_few |= n_shared < sweep.min_runs
    statistic = np.where(too_few, np.nan, statistic)
    pvalue = np.where(too_few, np.nan, pvalue)
    na = np.isnan(pvalue)
    pvalue_adj = adjust(pvalue, correction, alpha=alpha)
    significant = ~na & (pvalue_adj < alpha)
    means = sweep.configs["mean"].to_numpy(dtype=np.float64)
    # direction: A12 above or below one half (the tested quantity for each test: issue 8)
    diff_mean = means[ids] - means[t]
    status = decide_status(significant, effect - 0.5, na)
    insights = comparison_insights(
        sweep, t, ids, status, diff_mean, alpha=alpha, ci=ci, random_state=random_state,
        max_rows=ci_max_rows, notes=notes,
    )  # fmt: skip
    return Comparison(
        sweep=sweep,
        target=t,
        ids=ids,
        statistic=statistic,
        pvalue=pvalue,
        pvalue_adj=pvalue_adj,
        significant=significant,
        effect=effect,
        diff_mean=diff_mean,
        varied=sweep.varied(t, ids),
        status=status,
        test=test,
        correction=correction,
        alpha=alpha,
        against=against,
        neighbors=neighbors,
        n_shared=n_shared,
        notes=tuple(notes),
        **insights,
    )


__all__ = ["AGAINST", "STATUSES", "Comparison", "compare"]
