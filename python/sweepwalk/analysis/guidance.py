"""What an expert would notice in a comparison's data, said in words with the numbers and the fix.

Each function here looks at the evidence of one comparison (never at the number of levels alone) and
returns the notes it warrants, or none:

* :func:`dense_axis_notes`: a parameter whose trend along its axis is clear while the target's
  adjacent steps along it are not resolvable (steps finer than the seeds resolve);
* :func:`seed_pairing_note`: configurations that share seeds whose seed effect is large (the
  intraclass correlation of per-seed scores), when the test is unpaired;
* :func:`few_seeds_a12_notes`: rows where a test of P(beat) = 1/2 cannot hold its level (a
  side of 3-4 seeds against twice as many);
* :func:`power_notes`: power numbers that rest on a default difference, and the uncertainty of
  ``seeds_needed`` from the seeds at hand (an upper confidence limit of the sd).

:func:`sweepwalk.analysis.compare.compare` adds them to ``Comparison.notes``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import stats

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData

__all__ = [
    "DENSE_LEVELS",
    "default_basis",
    "dense_axis_notes",
    "few_seeds_a12_notes",
    "power_notes",
    "sd_upper_limit",
    "seed_icc",
    "seed_pairing_note",
    "shared_seed_table",
]

#: levels along a parameter's line through the target from which a trend is looked for
DENSE_LEVELS = 8
#: configurations the seed correlation is estimated on (the target and the first compared)
_ICC_CONFIGS = 200
#: an ICC this large (its lower confidence bound above 0) is worth pairing for
_ICC_WORTH = 0.25


def dense_axis_notes(
    sweep: SweepData,
    target: int,
    ids: npt.NDArray[np.int64],
    significant: npt.NDArray[np.bool_],
    mde: npt.NDArray[np.float64],
    alpha: float,
) -> list[str]:
    """Return notes on parameters with a clear trend but no resolvable adjacent step.

    For each numeric parameter along which the target has compared neighbours and none of them
    is significant, the configurations that differ from the target in that parameter only (its
    line, at least :data:`DENSE_LEVELS` levels with two runs or more) get a trend test: the
    slope of the configuration means on the level's rank (``scipy.stats.linregress``, a
    t-test on ``levels - 2`` degrees of freedom, each configuration one point, so that runs of
    one configuration do not count as independent evidence of the trend). A slope significant
    at ``alpha`` is the note, with the number of bins whose adjacent steps would be resolvable:
    a bin of ``w`` levels pools ``w`` times the runs, so the detectable difference ``mde`` of
    the adjacent tests shrinks by ``sqrt(w)`` while the step grows to ``|slope| w``; they meet
    at ``w = (mde / |slope|)^(2/3)``, ``k = levels / w`` bins.
    """
    if not len(ids):
        return []
    varied = sweep.varied(target, ids)
    along = sweep.neighbor_ids(target, "axis")
    on_axis = sweep.varied(target, along)
    means = sweep.configs["mean"].to_numpy(dtype=np.float64)
    counts = sweep.counts
    numeric = dict(zip(sweep.params, sweep.numeric, strict=True))
    notes = []
    for param in dict.fromkeys(p for p in varied if p is not None):
        if not numeric.get(param, False):
            continue
        mine = np.array([v == param for v in varied])
        if significant[mine].any():
            continue
        line = np.append(along[np.array([v == param for v in on_axis], dtype=bool)], target)
        line = line[counts[line] >= 2]
        if len(line) < DENSE_LEVELS:
            continue
        order = np.argsort(_level_keys(sweep, param, line), kind="stable")
        rank = np.arange(len(line), dtype=np.float64)
        fit = stats.linregress(rank, means[line][order])
        if not (fit.pvalue <= alpha):
            continue
        step = float(np.nanmin(mde[mine])) if np.isfinite(mde[mine]).any() else math.nan
        # w levels a bin pool w times the runs (detectable difference / sqrt(w)) and step
        # |slope| w apart: adjacent bins are resolvable from w = (step / |slope|)^(2/3)
        width = (step / abs(fit.slope)) ** (2 / 3) if math.isfinite(step) and step > 0 else 6.0
        bins = max(2, min(len(line) // 2, math.floor(len(line) / max(width, 1.0))))
        runs = int(np.median(counts[line]))
        # a binned cell holds one score per configuration: it is re-binned, not binned
        unit, fix = (
            ("configurations per cell", "Use fewer bins")
            if param in sweep.binned
            else ("seeds", "Bin it")
        )
        notes.append(
            f"along {param} the trend over {len(line)} levels is significant (slope "
            f"{fit.slope:.3g} per level, p = {fit.pvalue:.2g}), but no adjacent step of the "
            f"target is: the steps are finer than {runs} {unit} resolve (the adjacent tests "
            f"detect {step:.3g} at best). {fix} (bins={{{param!r}: {bins}}}) or compare along "
            "the axis (neighbors='axis')."
        )
    return notes


def _level_keys(sweep: SweepData, param: Any, rows: npt.NDArray[np.int64]) -> Any:
    """Sort keys of ``rows``' levels of ``param``: the numbers, or the level order (bins)."""
    codes = sweep.level_codes[rows, list(sweep.params).index(param)]
    levels = sweep.levels[param]
    try:
        return np.array([float(levels[c]) for c in codes])
    except (TypeError, ValueError):  # binned: intervals, held in their order
        return codes.astype(np.float64)


def seed_icc(
    scores: npt.NDArray[np.float64], confidence: float = 0.95
) -> tuple[float, float, float, float, int, int]:
    """Intraclass correlation of per-seed scores across configurations, with its interval.

    ``scores`` is (configurations, seeds), complete: row ``c`` column ``s`` is configuration
    ``c``'s score on seed ``s``. The two-way model ``score = config + seed + error`` gives the
    consistency ICC(3,1) of Shrout & Fleiss (1979), ``(MS_seed - MS_error) / (MS_seed + (k -
    1) MS_error)`` with ``k`` configurations: the share of a run's variance (config removed)
    that its seed explains, shared by every configuration run with that seed. Its interval is
    the F-based one of McGraw & Wong (1996, case 3); the F-test of no seed effect gives the
    p-value.

    Returns ``(icc, low, high, pvalue, k, n_seeds)``.

    References
    ----------
    .. [1] P. E. Shrout and J. L. Fleiss, "Intraclass correlations: uses in assessing rater
       reliability", Psychological Bulletin 86(2), 420-428, 1979.
    .. [2] K. O. McGraw and S. P. Wong, "Forming inferences about some intraclass correlation
       coefficients", Psychological Methods 1(1), 30-46, 1996.
    """
    k, n = scores.shape
    ms_seed, ms_err = _mean_squares(scores)
    if not (ms_err > 0 and math.isfinite(ms_seed)):
        return math.nan, math.nan, math.nan, math.nan, k, n
    f = ms_seed / ms_err
    icc = (ms_seed - ms_err) / (ms_seed + (k - 1) * ms_err)
    df_seed, df_err = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    f_low = f / stats.f.isf(tail, df_seed, df_err)
    f_high = f * stats.f.isf(tail, df_err, df_seed)
    low = (f_low - 1) / (f_low + k - 1)
    high = (f_high - 1) / (f_high + k - 1)
    return icc, low, high, float(stats.f.sf(f, df_seed, df_err)), k, n


def _mean_squares(scores: npt.NDArray[np.float64]) -> tuple[float, float]:
    """(MS_seed, MS_error) of the two-way model of :func:`seed_icc`, of the scaled scores."""
    k, n = scores.shape
    # relative to one score of the table: the ICC is unchanged, and scores near 1e308 do not
    # overflow their squares (NaN, no note, when they still do)
    scale = float(np.max(np.abs(scores))) or 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        scores = scores / scale
        grand = scores.mean()
        seed_means = scores.mean(axis=0)
        config_means = scores.mean(axis=1)
        resid = scores - config_means[:, None] - seed_means[None, :] + grand
        ms_seed = k * float(((seed_means - grand) ** 2).sum()) / (n - 1)
        ms_err = float((resid**2).sum()) / ((n - 1) * (k - 1))
    return ms_seed, ms_err


def seed_pairing_note(
    sweep: SweepData, target: int, ids: npt.NDArray[np.int64], test: str, alpha: float
) -> str | None:
    """Note that the seeds pair up, when an unpaired test is run on configurations sharing them.

    The target and its compared rows (at most 200) are restricted to the seeds they all have;
    with at least 3 such seeds and 2 configurations, :func:`seed_icc` on them. The note is
    given when the seed effect is significant at ``alpha`` and the ICC at least 0.25: the
    per-seed differences of a paired test then have ``1 - ICC`` of the variance of an
    unpaired difference, so its standard error is ``sqrt(1 - ICC)`` times as large.
    """
    if sweep.seed is None or test in ("wilcoxon", "ttest_rel") or not len(ids):
        return None
    table = shared_seed_table(sweep, np.append(target, ids[: _ICC_CONFIGS - 1]))
    if table is None:
        return None
    # the ICC alone decides most calls, before the F quantiles of seed_icc's interval
    ms_seed, ms_err = _mean_squares(table)
    if not (ms_err > 0 and math.isfinite(ms_seed)):  # seed_icc: NaN
        return None
    if (ms_seed - ms_err) / (ms_seed + (len(table) - 1) * ms_err) < _ICC_WORTH:
        return None
    icc, low, high, pvalue, k, n = seed_icc(table)
    if not (pvalue <= alpha and icc >= _ICC_WORTH):
        return None
    return (
        f"the seeds pair up: over the {n} seeds the target and {k - 1} compared configurations "
        f"share, a seed moves every configuration's score together (intraclass correlation "
        f"{icc:.2f}, 95% CI {low:.2f} to {high:.2f}, p = {pvalue:.2g}). {test} ignores that; "
        f"test='ttest_rel' (or 'wilcoxon') pairs runs by seed, with about "
        f"{math.sqrt(max(0.0, 1 - icc)):.2f} times the standard error of an unpaired "
        "difference."
    )


def shared_seed_table(
    sweep: SweepData, rows: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64] | None:
    """Scores of ``rows`` on the seeds they all have: shape (len(rows), seeds), or None.

    One row per entry of ``rows`` and one column per shared seed, in ascending seed code (a
    configuration has each seed once: the sweep refuses duplicate runs). None under 3 shared seeds
    (or without a seed column). The rows are read together, in the sweep's row chunks (so a
    ragged sweep never pads a 2-seed row to its largest), and matched by seed code: counted
    (``bincount``), or sorted when the codes are far above the number of runs.
    """
    rows = np.asarray(rows, dtype=np.int64)
    which, codes, values = [], [], []
    for pos in sweep.row_chunks(rows):
        ids = rows[pos]
        seeds = sweep.seed_rows(ids)
        if seeds is None:
            return None
        scores = sweep.score_rows(ids)
        cells = np.arange(seeds.shape[1]) < np.asarray(sweep.counts)[ids][:, None]
        which.append(np.broadcast_to(pos[:, None], seeds.shape)[cells])
        codes.append(seeds[cells])
        values.append(scores[cells])
    row, seed, value = np.concatenate(which), np.concatenate(codes), np.concatenate(values)
    if len(seed) and 0 <= seed.min() and seed.max() < 16 * len(seed):  # codes 0..S-1
        column = seed  # counted by code: no sort
        shared = np.bincount(column) == len(rows)  # in every row
    else:
        levels, column = np.unique(seed, return_inverse=True)
        column = column.reshape(-1)
        shared = np.bincount(column, minlength=len(levels)) == len(rows)
    width = int(shared.sum())
    if width < 3:
        return None
    place = np.cumsum(shared) - 1  # column among the shared seeds
    keep = shared[column]
    table = np.empty((len(rows), width))
    table[row[keep], place[column[keep]]] = value[keep]
    return table


def few_seeds_a12_notes(
    test: str, nx: npt.NDArray[np.int64], ny: int, tested: npt.NDArray[np.bool_]
) -> list[str]:
    """Note the rows where a test of P(beat) = 1/2 rejects above its level, if any.

    No test of A12 = 1/2 holds its level under unequal spreads with 3-4 seeds on a side
    against at least twice as many: with that small side at 3x the other's sd (A12 = 1/2),
    Brunner-Munzel and the A12 interval behind Mann-Whitney's direction reject 7-13% at
    alpha = 0.05 (4 vs 8-20 seeds: 7-8%; 3 vs 6-10: 11-13%; seeded simulations,
    tests/stats); from 5 seeds a side they hold it (4.9% at 5 vs 20).
    """
    if test not in ("mannwhitney", "brunnermunzel"):
        return []
    small, large = np.minimum(nx, ny), np.maximum(nx, ny)
    few = tested & (small >= 3) & (small <= 4) & (large >= 2 * small)
    if not few.any():
        return []
    return [
        f"P(beat) = 1/2 is not tested at its level in {int(few.sum())} of "
        f"{int(tested.sum())} rows: one side has 3-4 seeds and the other at least twice as "
        "many. When the small side is the more variable one, better or worse is called in "
        "7-13% of such rows at alpha = 0.05 although P(beat) = 1/2 (3x the sd, in simulation). "
        "Run at least 5 seeds on every side for this question."
    ]


def sd_upper_limit(sd: Any, df: Any, confidence: float = 0.8) -> Any:
    """One-sided upper confidence limit of a standard deviation from ``df`` degrees of freedom.

    ``sd * sqrt(df / chi2.ppf(1 - confidence, df))``: the sd a plan should assume so that the
    planned power is reached with probability ``confidence`` over the pilot's noise (Browne
    1995). NaN where ``df < 1``.

    References
    ----------
    .. [1] R. H. Browne, "On the use of a pilot sample for sample size determination",
       Statistics in Medicine 14(17), 1933-1940, 1995.
    """
    d = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        limit = np.asarray(sd, dtype=np.float64) * np.sqrt(d / stats.chi2.ppf(1 - confidence, d))
    return np.where(d >= 1, limit, np.nan)


def power_notes(
    test: str,
    effect_of_interest: float,
    given: bool,
    seeds_needed: npt.NDArray[np.float64],
    power_inputs: tuple[Any, Any, Any],
    level: npt.NDArray[np.float64],
    alpha: float,
) -> list[str]:
    """Say how uncertain ``seeds_needed`` is, when it answers the user's question.

    With ``effect_of_interest`` given (``given``), ``seeds_needed`` takes the seed-to-seed sd
    of the seeds at hand (a pilot); with few seeds that sd is noisy and a plan from it falls
    short of its power about half the time. The note gives, for the row with the median
    ``seeds_needed``, the seeds needed at the 80% upper confidence limit of its sd
    (:func:`sd_upper_limit`), with which the plan reaches its power in at least 80% of pilots.
    Without it the power columns answer a question about the noise (the default difference),
    which ``to_frame().attrs["effect_of_interest_source"]`` says; no note.
    """
    from ..stats import seeds_needed as needed_at  # the function, not the column

    notes: list[str] = []
    finite = np.flatnonzero(np.isfinite(seeds_needed))
    if not given or not len(finite):
        return notes
    row = finite[np.argsort(seeds_needed[finite], kind="stable")[len(finite) // 2]]
    sd, n_row, n_target = (np.broadcast_to(np.asarray(a, dtype=np.float64), level.shape)
                           for a in power_inputs)  # fmt: skip
    paired = test in ("wilcoxon", "ttest_rel")
    df = n_row[row] - 1 if paired else n_row[row] + n_target[row] - 2
    upper = float(sd_upper_limit(sd[row], df))
    lv = float(level[row]) if np.isfinite(level[row]) else alpha
    more = float(needed_at(effect_of_interest, upper, test, alpha_level=lv)[()])
    if math.isfinite(more):
        notes.append(
            f"seeds_needed rests on the sd of the seeds at hand ({int(df)} degrees of freedom): "
            f"the median row needs {int(seeds_needed[row])} seeds, or {int(more)} at the 80% "
            f"upper confidence limit of its sd ({upper:.3g} for {float(sd[row]):.3g}; Browne "
            "1995), enough in 4 of 5 pilots like this one."
        )
    return notes


def default_basis(value: float, source: str, what: str = "effect_of_interest") -> str:
    """Say which difference the numbers that rest on ``what`` answer, and whether it is a default.

    ``what`` is ``"effect_of_interest"`` (``seeds_needed`` and the underpowered mark of a
    comparison) or ``"margin"`` (importance's equivalent, negligible and inconclusive pairs);
    ``source`` is ``"given"`` or the default's description. Shown next to those numbers in
    the notes, the CLI table, the widget's detail and ``to_html``.
    """
    if what == "margin":
        uses = f"equivalent and negligible pairs are within ±{value:.3g}"
    else:
        uses = f"seeds_needed and ◔ (underpowered) are for a difference in means of {value:.3g}"
    if source == "given":
        return f"{uses} ({what}, given)"
    return (
        f"{uses} = half the median seed sd (default; pass {what}=): a question about the "
        "noise, not a difference you chose"
    )
