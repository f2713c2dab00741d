"""Compare a target configuration with its neighbours (or with every configuration).

Every p-value is the named scipy function's on the two samples of scores, every adjusted p-value
statsmodels' ``multipletests``; both are computed for all rows at once (see :mod:`sweepwalk.stats`).
The result class, :class:`Comparison`, lives in :mod:`sweepwalk.analysis.comparison` and is
re-exported here.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._vocab import (
    AGAINST,
    PAIRED_TESTS,
    STATUSES,
    UNPAIRED_TESTS,
    Against,
    Correction,
    Neighbors,
    Test,
    rejects,
    status_codes,
)
from ..data.scores import stitch
from ..stats import (
    KS_METHODS,
    TEST_TABLE,
    TIE_RTOL,
    adjust,
    ks_against,
    ks_index,
    min_pvalue,
    paired,
    resolve_seed,
    two_sample,
)
from ..validation import arguments as v
from ..validation import limits as _limits
from . import guidance
from . import jobs as _jobs
from .comparison import Coded, Comparison
from .evidence import (
    EVIDENCE_COLUMNS,
    SEEDS_NEEDED_ROWS,
    default_margin,
    evidence,
    underpowered,
)
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData


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
    ks_method: Any,
    ci: Any,
    progress: Any,
    cancel: Any,
    executor: Any,
    effect_of_interest: Any,
) -> tuple[
    int, Against, Test, Correction, float, Neighbors, Any, int, str, float | None, Any, Any,
    Executor | None, float | None,
]:  # fmt: skip
    """Check every argument of :func:`compare` and return them normalised."""
    t = sweep.resolve(target)
    against = v.check_against(against)
    test = v.check_test(test)
    correction = v.check_correction(correction)
    alpha = v.check_alpha(alpha)
    neighbors = v.check_neighbors(neighbors)
    if test in PAIRED_TESTS and sweep.seed is None and "pooled" in sweep.configs:
        raise ValueError(
            f"test={test!r} pairs runs by seed, but this binned sweep pools runs of several "
            "configurations into one cell (configs['pooled']): they are not seed replicates, "
            f"so nothing pairs them. Use one of the unpaired tests {list(UNPAIRED_TESTS)}."
        )
    if test in PAIRED_TESTS and sweep.seed is None:
        raise ValueError(
            f"test={test!r} pairs the runs of two configurations by seed, but this sweep has "
            "no seed column: build it with `Sweep.from_runs(..., seed=<column>)`, or use one "
            f"of the unpaired tests {list(UNPAIRED_TESTS)}."
        )
    n_resamples = v.check_int(n_resamples, "n_resamples", minimum=1)
    _limits.check_resamples(n_resamples, 0, 0, 0, "compare")  # the range, said at once
    random_state = v.check_random_state(random_state)
    ks_method = v.check_choice(ks_method, "ks_method", KS_METHODS)
    if TEST_TABLE[test].resamples or (test == "ks" and ks_method != "auto"):
        random_state = resolve_seed(random_state)  # one seed for every row
    ci = v.check_level(ci, "ci")
    v.check_callable(progress, "progress")
    cancel = _jobs.check_cancel_hook(cancel)
    executor = _jobs.check_executor(executor)
    eoi = v.check_positive(effect_of_interest, "effect_of_interest")
    return (
        t, against, test, correction, alpha, neighbors, random_state, n_resamples, ks_method, ci,
        progress, cancel, executor, eoi,
    )  # fmt: skip


def compare(
    sweep: SweepData,
    target: int | dict[str, Any],
    *,
    against: Against = DEFAULTS.against,
    test: Test = DEFAULTS.test,
    correction: Correction = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    neighbors: Neighbors = DEFAULTS.neighbors,
    random_state: Any = None,
    n_resamples: int = 9999,
    ci: float | None = 0.95,
    effect_of_interest: float | None = None,
    ks_method: str = "auto",
    progress: Callable[[float], Any] | None = None,
    cancel: Any = None,
    executor: Executor | None = None,
) -> Comparison:
    """Test whether each neighbour of a target configuration (or every configuration) differs.

    Each compared row's scores are tested against the target's with a two-sample test; the p-values
    of the rows that could be tested form one family, adjusted for multiple testing by
    ``correction``.

    Parameters
    ----------
    sweep : SweepData
        The sweep (a :class:`~sweepwalk.Sweep`).
    target : int or dict
        Config id of the target, or a dict of parameter values (see :meth:`Sweep.find`).
    against : {"neighbors", "all"}, default "neighbors"
        Compare with the target's neighbours, or with every other configuration.
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}, default "ks"
        ``"brunnermunzel"``: ``brunnermunzel(row, target)`` (the studentised permutation form
        below 10 seeds a side), the test of P(a run of the row beats one of the target) =
        1/2 that holds under unequal spreads; ``"ks"``: ``scipy.stats.ks_2samp(target,
        row)``; ``"mannwhitney"``:
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
    random_state : optional
        Anything ``numpy.random.default_rng`` accepts. Permutation tests only (``"permutation"``
        and KS with ``ks_method`` other than ``"auto"``): one integer seed is drawn from it (an
        int is the seed) and every row is tested with it, as ``permutation_test(...,
        rng=seed)`` would. Pass an int to reproduce.
    n_resamples : int, default 9999
        Permutation tests only: number of random permutations.
    ci : float or None, default 0.95
        Level of every interval (``estimate_*``, ``effect_*``, ``diff_mean_*``); None leaves
        them NaN.
    effect_of_interest : float, optional
        The difference in means worth detecting, in metric units: ``seeds_needed`` is the seeds
        per configuration to detect it, and ``underpowered`` flags the ``ns`` rows whose test
        could not. Default: half the median seed-to-seed standard deviation
        (:func:`sweepwalk.analysis.evidence.default_margin`), the same as importance's margin.
    ks_method : {"auto", "permutation", "permutation-tiebreak"}, default "auto"
        KS only: ``"auto"`` is ``ks_2samp``'s own p-value (exact for small samples, valid but
        conservative on tied data such as accuracies on a validation set of N examples);
        ``"permutation"`` is the permutation p-value of the same statistic, conditional on the
        ties, with type-I error close to alpha on tied data; ``"permutation-tiebreak"`` breaks
        ties of D by the summed ECDF distance (more power on heavily tied data).
    progress : callable, optional
        Called with the fraction of rows tested (0 < f <= 1) after each batch of rows.
    cancel : threading.Event or callable, optional
        Checked between batches; when set (or when it returns True) :class:`Cancelled` is
        raised and nothing is returned. Lets a UI run the comparison in a worker thread and
        stop it.
    executor : concurrent.futures.Executor, optional
        Runs the batches of rows (a process pool, Dask's ``Client.get_executor()``, ...);
        the result is identical to the serial run. Worth it for the permutation tests against
        all (seconds or more of work); the one-pass tests are faster than the transfer.

    Returns
    -------
    Comparison
        Per compared row: the test (``statistic``, ``pvalue``, ``pvalue_adj``,
        ``significant``), the tested estimate with its interval, the direction and ``status``,
        the effect and mean difference with their intervals, the level, resolution and power;
        ``.to_frame()`` for a DataFrame.

    Notes
    -----
    ``status`` is ``"na"`` when either side has fewer than ``sweep.min_runs`` scores (for
    paired tests: fewer shared seeds), or scipy cannot evaluate the test (e.g. Welch on two
    constant samples); its p-values are NaN and it is left out of the family. Otherwise a row
    is significant when ``pvalue_adj <= alpha`` (as ``multipletests`` rejects), and then
    ``"better"``, ``"worse"`` or ``"differs"`` by the direction of the quantity the test is
    about, oriented by the goal:

    ========================================  ============================================
    test                                      direction of a significant row
    ========================================  ============================================
    ``welch``, ``ttest_rel``                  sign of the (paired) mean difference
    ``wilcoxon``                              sign of the Hodges-Lehmann estimate of the
                                              per-seed differences
    ``permutation`` (identical distributions)  Welch's interval of the mean difference
                                              excludes 0, else ``"differs"``
    ``mannwhitney`` (identical distributions)  the A12 interval excludes 1/2, else
                                              ``"differs"``
    ``ks`` (identical distributions)          both intervals exclude their null on one
                                              side, else ``"differs"``
    ========================================  ============================================

    The intervals of the tests of identical distributions are at ``1 - alpha`` (without a
    correction) or the false-coverage-rate adjusted ``1 - alpha R / m`` for the ``R``
    significant rows of ``m`` (Benjamini & Yekutieli 2005): these tests reject for a change of
    spread as readily as for a shift, and a spread change is no evidence of better or worse.
    So a mean test never calls a row better because most of its runs are higher when its mean
    is lower. Permutation and Wilcoxon treat scores equal up to float rounding as tied
    (``TIE_RTOL``), so grid-valued metrics (accuracies: multiples of 1/N) get the p-value of
    exact enumeration on the grid.

    The power columns use the level each row had to beat (``level``, the correction's per-row
    level) and the chosen test; rank tests through their asymptotic relative efficiency to the
    t-test (3/pi for Mann-Whitney and Wilcoxon, about 2/pi for KS), an approximation. When no
    compared row can reach its level at all (``reachable`` all False), ``notes`` says so in
    words, with the number of seeds that would.

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
    (
        t, against, test, correction, alpha, neighbors, random_state, n_resamples, ks_method, ci,
        progress, cancel, executor, eoi,
    ) = _compare_input_validation(
        sweep, target, against, test, correction, alpha, neighbors, random_state, n_resamples,
        ks_method, ci, progress, cancel, executor, effect_of_interest,
    )  # fmt: skip
    eoi_given = eoi is not None
    eoi = default_margin(sweep) if eoi is None else eoi
    counts = sweep.counts
    if against == "all":
        ids = np.delete(np.arange(len(counts), dtype=np.int64), t)
    else:
        ids = sweep.neighbor_ids(t, neighbors)
    ny = counts[t : t + 1]
    nx = counts[ids]
    notes: list[str] = list(sweep.notes)  # binning; values that hardly repeat (no neighbours)
    tie_rtol = TIE_RTOL if test in ("permutation", "wilcoxon") else None
    a12_rows: npt.NDArray[np.float64] | None = None  # A12 of each row, from the KS pass
    placement: dict[str, npt.NDArray[np.int64]] = {}  # for the intervals, from the KS pass
    n_shared: npt.NDArray[np.int64] | None = None
    # against all, the sweep's KS index is an (K, N) table: a ragged sweep tests in pieces
    indexed = against != "all" or sweep.is_dense
    if test == "ks" and ks_method == "auto" and executor is None and indexed:
        statistic, pvalue, a12_rows = _ks_pass(
            sweep, t, ids, against, notes, None if ci is None else placement
        )
    else:
        statistic, pvalue, n_shared = _batched_pass(
            sweep, t, ids, test, (random_state, n_resamples, tie_rtol, ks_method),
            _jobs.Progress(len(ids), progress, cancel, what="configurations"), executor, notes,
        )  # fmt: skip
    _jobs.check_cancel(cancel)  # the KS pass checks nowhere else
    too_few = (nx < sweep.min_runs) | (ny[0] < sweep.min_runs)
    if n_shared is not None:
        too_few |= n_shared < sweep.min_runs
    statistic = np.where(too_few, np.nan, statistic)
    pvalue = np.where(too_few, np.nan, pvalue)
    na = np.isnan(pvalue)
    pvalue_adj = adjust(pvalue, correction, alpha=alpha)
    significant = ~na & rejects(pvalue_adj, alpha)
    note = _scale_note(sweep, None if against == "all" else np.append(ids, t))
    if note is not None:
        notes.append(note)
    # degenerate scale (noted above): means and variances overflow near 1e308
    with np.errstate(over="ignore", invalid="ignore") if note else contextlib.nullcontext():
        ev = evidence(
            sweep, test, ids, t, pvalue, correction=correction, alpha=alpha, ci=ci,
            effect_of_interest=eoi, tie_rtol=tie_rtol, ks_method=ks_method,
            n_resamples=n_resamples, a12_rows=a12_rows, significant=significant,
            index=sweep.ks_index if indexed and against == "all" and test in UNPAIRED_TESTS
            else None, placement=placement or None,
        )  # fmt: skip
    status = status_codes(significant, ev["direction"], na)  # words only when read
    if len(ids) > SEEDS_NEEDED_ROWS:
        notes.append(
            f"seeds_needed is given for the {SEEDS_NEEDED_ROWS} rows with the smallest "
            f"p-values; NaN for the other {len(ids) - SEEDS_NEEDED_ROWS} (one root solve each)."
        )
    notes.extend(_resolution_notes(sweep, test, correction, ev, na, ks_method, n_resamples))
    if against == "neighbors" and neighbors == "adjacent":
        notes.extend(guidance.dense_axis_notes(sweep, t, ids, significant, ev["mde"], alpha))
    notes.extend(guidance.few_seeds_a12_notes(test, nx, int(ny[0]), ~na))
    pairing = guidance.seed_pairing_note(sweep, t, ids, test, alpha)
    if pairing is not None:
        notes.append(pairing)

    weak = underpowered(status, ev["mde"], eoi)
    notes.extend(
        guidance.power_notes(
            test, eoi, eoi_given, ev["seeds_needed"], ev["power_inputs"], ev["level"], alpha
        )
    )
    if not eoi_given and len(ids):
        notes.append(guidance.default_basis(float(eoi), _DEFAULT_EOI))  # = power_basis
    columns = {name: ev[name] for name in EVIDENCE_COLUMNS if name != "underpowered"}
    return Comparison(
        sweep=sweep,
        target=t,
        ids=ids,
        statistic=statistic,
        pvalue=pvalue,
        pvalue_adj=pvalue_adj,
        significant=significant,
        effect=ev["effect"],
        diff_mean=ev["diff_mean"],
        varied=Coded.varied(sweep.varied_codes(t, ids), sweep.params),
        status=Coded.status(status),
        test=test,
        correction=correction,
        alpha=alpha,
        against=against,
        neighbors=neighbors,
        direction=ev["direction"],
        estimand=ev["estimand"],
        underpowered=weak,
        effect_of_interest=float(eoi),
        effect_of_interest_source="given" if eoi_given else _DEFAULT_EOI,
        n_shared=n_shared,
        notes=tuple(notes),
        power_inputs=ev["power_inputs"],
        **columns,
    )


def _ks_pass(
    sweep: SweepData,
    t: int,
    ids: npt.NDArray[np.int64],
    against: str,
    notes: list[str],
    placement: dict[str, npt.NDArray[np.int64]] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """KS of every row against the target in one merge pass: statistic, p-value and A12.

    ``placement``: filled against all on a grid of seeds with what the intervals need of
    the placement sums of every configuration (see ``stats.ks_against``): the same pass.
    """
    # against all: the rows sorted and ranked once per sweep; a few neighbours: their
    # sorted rows ranked now (cheaper than building the sweep's index on a first click)
    if against == "all":
        statistic, pvalue, a12_rows = ks_against(
            sweep.ks_index, sweep.scores(t), notes=notes, placement=placement
        )
        return statistic[ids], pvalue[ids], a12_rows[ids]
    index = ks_index(sweep.sorted_rows(ids), sweep.counts[ids])
    return ks_against(index, sweep.scores(t), notes=notes)


def _batched_pass(
    sweep: SweepData,
    t: int,
    ids: npt.NDArray[np.int64],
    test: str,
    settings: tuple[Any, int, float | None, str],
    job: _jobs.Progress,
    executor: Executor | None,
    notes: list[str],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64] | None]:
    """Test the rows in batches (in ``executor`` if given): statistic, p-value, shared seeds.

    ``settings`` is (random_state, n_resamples, tie_rtol, ks_method); the shared seeds are
    None for the unpaired tests.
    """
    counts = sweep.counts
    y, ny = sweep.score_rows([t]), counts[t : t + 1]
    paired = test in PAIRED_TESTS
    seeds_y = sweep.seed_rows([t]) if paired else None
    slow = TEST_TABLE[test].resamples or (test == "ks" and settings[3] != "auto")
    step = _resample_batch(sweep, test, ids, t, settings[1]) if slow else _FAST_BATCH
    where: list[npt.NDArray[np.int64]] = []  # positions in ids of each batch, in order
    # in this process, a cancel is also checked inside a batch (a click's few rows at
    # thousands of seeds are one batch of seconds); a pool's workers cannot see it
    stop = None
    if executor is None and job.cancel is not None:
        stop = functools.partial(_stop_if, job.cancel)

    def batches() -> Any:
        for piece in sweep.row_chunks(ids):  # a ragged sweep: rows of similar seed counts
            for start in range(0, len(piece), step):
                where.append(piece[start : start + step])
                rows = ids[where[-1]]
                sx = sweep.seed_rows(rows) if paired else None
                x = sweep.score_rows(rows)
                yield len(rows), (test, x, counts[rows], y, ny, sx, seeds_y, settings, stop)

    parts = list(_jobs.run_batches(_test_rows, batches(), job, executor))
    if not parts:
        parts = [(np.zeros(0), np.zeros(0), np.zeros(0, np.int64), [])]
        where = [np.zeros(0, dtype=np.int64)]
    statistic = stitch([p[0] for p in parts], where, len(ids))
    pvalue = stitch([p[1] for p in parts], where, len(ids))
    n_shared = stitch([p[2] for p in parts], where, len(ids)) if paired else None
    for part in parts:
        notes.extend(n for n in part[3] if n not in notes)
    return statistic, pvalue, n_shared


#: where effect_of_interest came from when it was not given (as importance's margin_source)
_DEFAULT_EOI = "default: half the median seed-to-seed standard deviation"
#: rows per batch of the permutation tests (~0.1-0.5 s each at 100 seeds) and of the others
_SLOW_BATCH = 1000
_FAST_BATCH = 50_000


def _scale_note(sweep: SweepData, rows: npt.NDArray[np.int64] | None) -> str | None:
    """``limits.scale_note`` of ``rows`` (every configuration when None: once per sweep)."""

    def note() -> str | None:
        configs = sweep.configs  # each column read, then its rows: no copy of every row
        std, low, high = (configs[c].to_numpy(dtype=np.float64) for c in ("std", "min", "max"))
        if rows is not None:
            std, low, high = std[rows], low[rows], high[rows]
        return _limits.scale_note(std, low, high)

    return sweep.once("scale note, every configuration", note) if rows is None else note()


def _resample_batch(
    sweep: SweepData, test: str, ids: npt.NDArray[np.int64], t: int, n_resamples: int
) -> int:
    """Rows per batch of a permutation test: about 5 s each, so that progress and cancel run.

    Refuses, with its size, work that could not finish
    (:func:`sweepwalk.validation.limits.check_resamples`).
    """
    n1, n2 = int(sweep.counts[ids].max(initial=0)), int(sweep.counts[t])
    where = f"compare(test={test!r})"
    seconds = _limits.check_resamples(n_resamples, len(ids), n1, n2, where)
    per_row = seconds / max(len(ids), 1)
    return int(min(_SLOW_BATCH, max(1, 5.0 // per_row if per_row > 0 else _SLOW_BATCH)))


def _stop_if(cancel: Any, rows: int) -> None:
    """``on_rows`` hook of a batch: raise :class:`Cancelled` when ``cancel`` is set."""
    _jobs.check_cancel(cancel)


def _test_rows(
    test: str,
    x: npt.NDArray[np.float64],
    nx: npt.NDArray[np.int64],
    y: npt.NDArray[np.float64],
    ny: npt.NDArray[np.int64],
    seeds_x: npt.NDArray[np.int64] | None,
    seeds_y: npt.NDArray[np.int64] | None,
    settings: tuple[Any, int, float | None, str],
    on_rows: Callable[[int], Any] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], Any, list[str]]:
    """One batch of rows against the target row: (statistic, pvalue, n_shared, notes).

    Module-level (picklable) so an executor's worker processes can run it (``on_rows``,
    a cancel check inside the batch, is None there).
    """
    random_state, n_resamples, tie_rtol, ks_method = settings
    notes: list[str] = []
    if seeds_x is not None and seeds_y is not None:
        statistic, pvalue, n_shared = paired(
            test, x, seeds_x, nx, y, seeds_y, ny, tie_rtol=tie_rtol
        )
        return statistic, pvalue, n_shared, notes
    statistic, pvalue = two_sample(
        test, x, nx, y, ny, random_state=random_state, n_resamples=n_resamples,
        notes=notes, tie_rtol=tie_rtol, ks_method=ks_method, on_rows=on_rows,
    )  # fmt: skip
    return statistic, pvalue, None, notes


def _resolution_notes(
    sweep: SweepData,
    test: str,
    correction: str,
    ev: dict[str, Any],
    na: npt.NDArray[np.bool_],
    ks_method: str,
    n_resamples: int,
) -> list[str]:
    """Say in words when the data at hand cannot answer: no row can reach significance."""
    tested = ~na
    if not tested.any() or ev["reachable"][tested].any():
        return []
    level = float(np.nanmin(ev["level"][tested]))
    smallest = float(np.nanmin(ev["min_pvalue"][tested]))
    n = int(sweep.counts.max(initial=0))
    # a binned cell holds one score per configuration (the mean of its runs)
    unit = "configurations per cell" if sweep.binned else "seeds per configuration"
    sizes = np.arange(2, 1001)
    fewest = sizes[
        min_pvalue(test, sizes, sizes, sizes, n_resamples=n_resamples, ks_method=ks_method) <= level
    ]
    more = (
        (
            f"hold at least {int(fewest[0])} {unit} (sample more, or pass fewer bins)"
            if sweep.binned
            else f"run at least {int(fewest[0])} {unit}"
        )
        if len(fewest)
        else f"no number of {unit.split()[0]} up to 1000 would do"
    )
    family = "" if correction == "none" else f" and {correction} over {int(tested.sum())} rows"
    return [
        f"nothing can be significant: with at most {n} {unit}{family}, the "
        f"smallest p-value {test} can give is {smallest:.3g}, above the level {level:.3g} a "
        f"row must beat. Compare with neighbours (fewer rows), use a lighter correction, or "
        f"{more}."
    ]


__all__ = ["AGAINST", "STATUSES", "Comparison", "compare"]
