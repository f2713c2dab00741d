"""Which parameters matter: every neighbour pair of a sweep tested once, summarised per parameter.

Two configurations that differ along exactly one parameter p (the neighbour rule of
``NeighborIndex``) are a pair *along p*. Every unordered pair is tested once with the chosen
two-sample test, in vectorised batches; the p-values of all pairs of all parameters form one family
for the multiple-testing correction. Each batch is summarised per parameter as it comes
(``_pairsummary``: counts, and p-values and effects as distinct values with counts), so memory does
not grow with the number of pairs when the p-values repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._vocab import PAIRED_TESTS, Correction, Neighbors, Test, rejects
from ...stats import (
    KS_METHODS,
    TEST_TABLE,
    TIE_RTOL,
    paired_differences,
    paired_effect,
    resolve_seed,
    shared,
    tost_ind_rejects,
    ttost_ind,
    ttost_paired,
    two_sample,
)
from ...validation import arguments as v
from ...validation import limits as _limits
from .. import jobs as _jobs
from ..evidence import default_margin
from ..guidance import default_basis
from ..settings import DEFAULTS, IMPORTANCE_CORRECTION
from . import interaction as _interaction
from . import pair_blocks as _blocks
from . import pair_rows as _pairrows
from . import pair_tally as _pairsummary
from .pair_a12 import a12_pairs as _a12_pairs
from .result import Importance

if TYPE_CHECKING:
    from ...data.sweep_data import SweepData

__all__ = ["COLUMNS", "Importance", "default_margin", "importance", "verdicts"]

#: pairs per vectorised batch (bounds memory; the progress callback fires once per batch)
_BATCH = 100_000
#: pairs per batch of the permutation tests (~0.1-1 s each)
_SLOW_BATCH = 2_000
#: tests whose result does not depend on the order of the scores inside a row
_ORDER_FREE = tuple(name for name, spec in TEST_TABLE.items() if spec.order_free)

COLUMNS = (
    "pairs",
    "tested",
    "too_few_runs",
    "significant",
    "equivalent",
    "matters",
    "negligible",
    "inconclusive",
    "share_matters",
    "share_negligible",
    "share_inconclusive",
    "share_significant",
    "median_abs_effect",
    "where",
    "verdict",
)


def _importance_input_validation(
    sweep: SweepData,
    test: Any,
    correction: Any,
    alpha: Any,
    neighbors: Any,
    margin: Any,
    target: Any,
    random_state: Any,
    progress: Any,
    ks_method: Any,
    cancel: Any,
    executor: Any,
) -> tuple[
    Test, Correction, float, Neighbors, float | None, int | None, Any, str, Any, Executor | None
]:
    """Check every argument of :func:`importance` and return them normalised."""
    test = v.check_test(test)
    if test in PAIRED_TESTS and sweep.seed is None:
        raise ValueError(
            f"test={test!r} is paired on seeds; build the sweep with `seed=` to use it."
        )
    correction = v.check_correction(correction)
    alpha = v.check_alpha(alpha)
    neighbors = v.check_neighbors(neighbors)
    margin = v.check_positive(margin, "margin")
    v.check_callable(progress, "progress")
    random_state = v.check_random_state(random_state)
    ks_method = v.check_choice(ks_method, "ks_method", KS_METHODS)
    cancel = _jobs.check_cancel_hook(cancel)
    executor = _jobs.check_executor(executor)
    if TEST_TABLE[test].resamples or ks_method != "auto":
        random_state = resolve_seed(random_state)  # one seed for every batch and worker
    target = None if target is None else sweep.resolve(target)
    return (
        test, correction, alpha, neighbors, margin, target, random_state, ks_method, cancel,
        executor,
    )  # fmt: skip


def verdicts(
    tested: np.ndarray,
    matters: np.ndarray,
    negligible: np.ndarray,
    margin: float,
    where: Sequence[str] = (),
) -> list[str]:
    """Verdict per parameter from its pair counts (see :func:`importance`, Notes).

    ``matters``: tested pairs significant after the family's correction and not shown
    equivalent; ``negligible``: tested pairs shown equivalent within ``margin``. "matters" as
    soon as one pair does (the correction holds the family's error rate), with the share when
    not every pair does, and "interaction" when other pairs are shown negligible; "negligible"
    only when every pair is (intersection-union); else "inconclusive". ``where`` (one per
    parameter, "" for none) says which levels of another parameter hold the pairs that matter
    (:func:`.interaction.where`); it marks an interaction too.
    """
    out = []
    places = list(where) or [""] * len(tested)
    for t, s, e, place in zip(tested, matters, negligible, places, strict=True):
        if t == 0:
            out.append("untested")
        elif s == t:
            out.append("matters")
        elif s > 0:
            said = [f"{e} negligible"] if e > 0 else []
            said += [place] if place else []
            why = f" (interaction: {'; '.join(said)})" if said else ""
            out.append(f"matters in {s}/{t}{why}")
        elif e == t:
            out.append(f"negligible within ±{margin:.3g}")
        else:
            out.append("inconclusive")
    return out


def _expected_pairs(sweep: SweepData, neighbors: Neighbors, target: int | None) -> int:
    """Count the pairs to test, for progress (exact without absent values)."""
    if target is not None:
        return len(sweep.neighbor_ids(target, neighbors))
    return max(1, sum(_pair_counts(sweep, neighbors).values()))


def _pair_counts(sweep: SweepData, neighbors: str) -> dict[Any, int]:
    return _limits.pair_counts(
        sweep.configs.loc[:, list(sweep.params)], list(sweep.numeric), neighbors == "adjacent"
    )


def _check_memory(
    sweep: SweepData, neighbors: str, settings: tuple[Any, ...], step: int, parallel: bool
) -> None:
    """Refuse, with the sizes, summaries that cannot fit (skipped when even all pairs would fit).

    What stays is per parameter: its distinct p-values and effects (bounded by the sample
    sizes for rank-based tests, one per pair for continuous ones), and one batch in flight.
    """
    test, min_runs, _, _, _, ks_method, correction = settings
    free = _limits.available_memory()
    if free is None:
        return
    n, k = len(sweep), max(int(sweep.counts.max(initial=0)), 1)
    width = k  # of a batch's rows; ragged wide rows are read in pieces of bounded cells
    if not sweep.is_dense and k > _blocks.PAD_MAX:
        width = min(k, max(1, _pairrows.CELLS // step))
    sizes = np.unique(sweep.counts[sweep.counts >= min_runs]).tolist()
    if test in PAIRED_TESTS:  # shared seeds: any number up to the longest row
        sizes = list(range(max(min_runs, 1), k + 1))
    in_flight = 8 if parallel else 0

    def need(pairs: dict[Any, int]) -> tuple[int, str]:
        return _pairsummary.memory_needed(
            pairs, sizes, test, ks_method, correction, step, width, in_flight
        )

    if need({"all": n * (n - 1) // 2})[0] <= free:
        return
    counts = _pair_counts(sweep, neighbors)
    size, why = need(counts)
    _limits.check_pairs_fit(
        counts,
        size,
        f"importance(test={test!r}, neighbors={neighbors!r})",
        ("Pass test='ks' or 'mannwhitney' (their p-values repeat: summarised in bounded "
         "memory), " if "test=" in why else "")
        + ("a correction such as 'fdr_bh' or 'holm' (computed on the distinct p-values), "
           if "correction=" in why else "")
        + "target=<config> (only that configuration's pairs), neighbors='adjacent' "
        "(numeric parameters), or fewer levels.",
        why,
    )  # fmt: skip


def _prepared(sweep: SweepData) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted ascending, and int32 dense ranks of every score (computed once per sweep).

    Sorted rows make the per-pair sorts of the order-free tests merge two runs (about 3x
    faster); ranks are order-preserving small integers, so A12 on ranks equals A12 on scores.
    """
    rows = _pairrows.PairRows(sweep, "ks", int(sweep.counts.max(initial=0)))
    tested, _, ranks, _ = rows.matrices()
    return tested, ranks


def _test_pairs(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    pair_seeds: tuple[np.ndarray, np.ndarray] | None,
    pair_ranks: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    settings: tuple[str, int, float, Any, float | None, str],
    tost_at: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One batch of pairs: (enough runs, p-value, effect, TOST p-value) per pair.

    ``rows`` are the (scores, counts) of side a and side b, ``pair_ranks`` the dense ranks and
    raw scores for A12. Module-level (picklable) so an executor's worker processes can run it.
    With ``tost_at`` (a level), the unpaired TOST column holds only the p-value's decision at
    that level: 0 where the pair is shown equivalent, 1 where not (``stats.tost_ind_rejects``,
    no t distribution call per pair).
    """
    test, min_runs, margin, random_state, tie_rtol, ks_method = settings
    xa, na, xb, nb = rows
    m = len(na)
    pvalue, effect, tost_p = np.full(m, np.nan), np.full(m, np.nan), np.full(m, np.nan)
    kwargs: dict[str, Any] = {}
    if pair_seeds is not None:
        sa, sb = pair_seeds
        ok = shared(xa, sa, na, xb, sb, nb)[2] >= min_runs
        kwargs = {"x_seeds": sa[ok], "y_seeds": sb[ok]}
    else:
        ok = (na >= min_runs) & (nb >= min_runs)
    if not ok.any():
        return ok, pvalue, effect, tost_p
    every = bool(ok.all())  # no copies then (the common case)
    if not every:
        xa, xb, na, nb = xa[ok], xb[ok], na[ok], nb[ok]
    _, pvalue[ok] = two_sample(
        test, xa, na, xb, nb, random_state=random_state, tie_rtol=tie_rtol,
        ks_method=ks_method, **kwargs,
    )  # fmt: skip
    if pair_seeds is not None:  # paired all the way: effect and equivalence per seed
        d, n = paired_differences(xa, na, xb, nb, kwargs["x_seeds"], kwargs["y_seeds"])
        effect[ok] = paired_effect(d, n)
        if np.isfinite(margin):
            tost_p[ok] = ttost_paired(xa, na, xb, nb, -margin, margin, **kwargs).pvalue
    else:
        ra, rb, va, vb = pair_ranks if every else tuple(z[ok] for z in pair_ranks)
        effect[ok] = _a12_pairs(ra, rb, va, vb, na, nb)
        if np.isfinite(margin):
            with np.errstate(over="ignore"):  # |x| > ~1e154: noted in attrs["notes"]
                tost_p[ok] = _tost_ind(xa, na, xb, nb, margin, tost_at)
    return ok, pvalue, effect, tost_p


def _tost_ind(
    xa: np.ndarray, na: np.ndarray, xb: np.ndarray, nb: np.ndarray, margin: float, at: float | None
) -> np.ndarray:
    """Welch TOST p-values within +-margin, or (``at`` given) their decisions at ``at`` as 0/1."""
    if at is None:
        return ttost_ind(xa, na, xb, nb, -margin, margin, usevar="unequal").pvalue
    shown = tost_ind_rejects(xa, na, xb, nb, -margin, margin, at, usevar="unequal")
    return np.where(shown, 0.0, 1.0)


def _summarised_pairs(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    pair_seeds: tuple[np.ndarray, np.ndarray] | None,
    pair_ranks: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    settings: tuple[str, int, float, Any, float | None, str],
    alpha: float,
    context: tuple[np.ndarray, tuple[tuple[int, int], ...]],
) -> tuple[Any, ...]:
    """One batch of pairs tested (:func:`_test_pairs`) and summarised (counts, distinct values).

    ``context`` is side a's level codes and the other parameters to tally by
    (:func:`.interaction.context_counts`). Module-level (picklable): a worker process returns
    the small summary, not the pairs.
    """
    ok, pvalue, effect, tost_p = _test_pairs(rows, pair_seeds, pair_ranks, settings, tost_at=alpha)
    summary = _pairsummary.summarise(ok, pvalue, effect, tost_p, alpha)
    tested = ok & ~np.isnan(pvalue)
    differ = tested & ~rejects(tost_p, alpha)  # tost_p: 0 shown equivalent, 1 not
    return summary, _interaction.context_counts(context[0], tested, differ, pvalue, context[1])


def importance(
    sweep: SweepData,
    *,
    test: Test = DEFAULTS.test,
    correction: Correction = IMPORTANCE_CORRECTION,
    alpha: float = DEFAULTS.alpha,
    neighbors: Neighbors = DEFAULTS.neighbors,
    margin: float | None = None,
    target: int | None = None,
    random_state: Any = None,
    progress: Callable[[float], Any] | None = None,
    ks_method: str = "auto",
    cancel: Any = None,
    executor: Executor | None = None,
) -> Importance:
    """Which parameters matter: test every neighbour pair and summarise per parameter.

    Every unordered pair of configurations that neighbour along a parameter
    (``NeighborIndex.pairs(neighbors)``) is tested once; the p-values of all tested pairs, over all
    parameters, are corrected together as one family.

    Parameters
    ----------
    sweep : Sweep
        The sweep.
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}, optional
        Two-sample test of each pair, as in :func:`sweepwalk.analysis.compare.compare` (paired
        tests use
        the seeds both configurations share). Default "ks".
    correction : str, optional
        "none" or any ``statsmodels.stats.multitest.multipletests`` method. Default "fdr_bh".
    alpha : float, optional
        Significance level, also the level of the equivalence tests. Default 0.05.
    neighbors : {"adjacent", "axis"}, optional
        Neighbour mode of the pairs. Default "adjacent".
    margin : float, optional
        Equivalence margin in metric units: each tested pair also gets a TOST equivalence test
        of the means (Welch standard error,
        ``statsmodels.stats.weightstats.ttost_ind(a, b, -margin, margin, usevar="unequal")``;
        with a paired test ``ttost_paired`` on the shared seeds, and ``median_abs_effect`` from
        the share of seeds on which one side wins).
        Default: :func:`default_margin`, half the median seed-to-seed standard deviation;
        ``attrs["margin"]`` and ``attrs["margin_source"]`` always say which margin was used.
    target : int, optional
        Only the pairs that include this config id (the target's own neighbours), corrected as
        their own family. Default: the whole sweep.
    random_state : optional
        Seed of the permutation test: anything ``numpy.random.default_rng`` accepts.
    progress : callable, optional
        Called with the fraction of pairs done (0 < f <= 1) after each batch of pairs. After
        the first batch a job estimated to take over 0.5 s is announced on the ``sweepwalk``
        logger (INFO): the number of pairs and the estimated seconds.
    ks_method : {"auto", "permutation", "permutation-tiebreak"}, default "auto"
        How KS p-values are computed (see :func:`sweepwalk.analysis.compare.compare`).
    cancel : threading.Event or callable, optional
        Checked between batches of pairs; when set (or when it returns True)
        :class:`sweepwalk.Cancelled` is raised and nothing is returned.
    executor : concurrent.futures.Executor, optional
        Runs the batches of pairs (a process pool, Dask's ``Client.get_executor()``, ...);
        the result is identical to the serial run (see the README for when it pays).

    Returns
    -------
    Importance
        Per-parameter counts and verdicts (:class:`~sweepwalk.analysis.importance.result.
        Importance`); its ``to_frame()`` is indexed by parameter (index name ``param``), in
        the sweep's parameter order:

        - ``pairs``: neighbour pairs along the parameter;
        - ``tested``: pairs where both configurations have at least ``sweep.min_runs`` scores
          (shared seeds for paired tests);
        - ``too_few_runs``: the other pairs, counted but not tested;
        - ``significant``: tested pairs with adjusted p-value <= alpha;
        - ``equivalent``: tested pairs whose TOST p-value is <= alpha (shown within ±margin);
        - ``matters``, ``negligible``, ``inconclusive``: each tested pair in one of three:
          significant and not equivalent; equivalent (a difference that is real but within
          the margin is negligible); neither. ``share_*``: each of them / tested;
        - ``share_significant``: significant / tested (NaN when nothing was tested);
        - ``median_abs_effect``: median over tested pairs of ``|A12 - 0.5|`` (0 = no tendency,
          0.5 = complete separation);
        - ``where``: when some but not all tested pairs matter, the levels of another
          parameter that hold every pair that matters, with the counts ("where momentum =
          0.9: 6 of 8 pairs; 0 of 12 elsewhere"), else "" (see Notes);
        - ``verdict``: see Notes.

        The result (and the frame's ``attrs``) holds the settings, ``family`` (number of tests
        corrected together) and ``notes`` (facts worth telling, e.g. a score scale that makes
        variances degenerate, or a default margin).

    Notes
    -----
    The verdict never concludes that a parameter does not matter from non-significance alone
    (absence of evidence is not evidence of absence); it is the share of the parameter's tested
    pairs that say so, and the three counts are always given beside it:

    - "matters": every tested pair differs significantly (after the family's correction) and
      is not shown equivalent; "matters in k/n" (pairs) when some do: the correction holds
      the error rate of the family, so one such pair is evidence that the parameter matters
      somewhere. When other pairs are shown negligible the verdict adds "(interaction: j
      negligible)": the parameter matters in some contexts (levels of the other parameters)
      and not in others. It also says where: a pair along p holds the other parameters
      fixed, and when the pairs that matter all sit at some levels of one other parameter
      (fewer than all; the one with the fewest such levels, parameters of at most 64
      levels) the verdict names them with the counts (column ``where``), so a parameter
      that matters in 6 of 20 contexts reads as an interaction with that parameter.
    - "negligible within ±m": every tested pair is shown equivalent within the margin by TOST,
      each at level alpha: Berger's intersection-union test of "negligible everywhere", error
      rate <= alpha as a whole. A majority of equivalent pairs is not enough: a parameter
      that matters in a few contexts and not in the rest is not negligible.
    - "inconclusive": neither: these seeds cannot say.
    - "untested": no pair had enough runs.

    KS detects any difference in distribution, Mann-Whitney a tendency of one to beat the other,
    Welch a difference in means; TOST always concerns means.

    Memory: the pairs are enumerated and tested in batches and each batch is summarised as it
    comes; a parameter keeps its p-values and effects as distinct values with counts, from
    which the correction (``stats.adjust_counts``, the same adjusted p-values as on every
    p-value at once) and the median are computed exactly. KS, Mann-Whitney and permutation
    p-values of a few seeds take few values, so 200 million pairs (a categorical parameter
    with 20k levels) fit in a few hundred MB; Welch and paired p-values hardly repeat, one is
    kept per pair. A job that would not fit in the available memory is refused before it
    starts (``SweepMemoryError``, naming the sizes and what to pass instead).

    Time: along a categorical parameter (or with ``neighbors="axis"``) the pairs of one context
    (the other parameters' levels) are all its configurations two by two. With KS, a context of
    256 configurations or more is tested one configuration against all before it, from ranks
    of its scores computed once, and leaves counts of integers behind (the KS statistic times
    the samples' lcm, A12's numerator, equivalent or not), from which scipy's p-values are
    taken once per distinct value: 200 million pairs in about 20 s, the same numbers as pair
    by pair. Those contexts run in this process; ``executor`` runs the other batches. A sweep
    kept ragged (``is_dense`` False) is read batch by batch, never padded to its longest row.

    References
    ----------
    .. [1] Vargha, A. and Delaney, H. D. (2000). A critique and improvement of the CL common
           language effect size statistics of McGraw and Wong. Journal of Educational and
           Behavioral Statistics, 25(2), 101-132.
    .. [2] Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
           power approach for assessing the equivalence of average bioavailability. Journal of
           Pharmacokinetics and Biopharmaceutics, 15(6), 657-680.
    .. [3] Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations,
           and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362.
    .. [4] Berger, R. L. (1982). Multiparameter hypothesis testing and acceptance sampling.
           Technometrics, 24(4), 295-300.
    .. [5] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. Journal
           of the Royal Statistical Society B, 57(1), 289-300.

    Examples
    --------
    >>> from sweepwalk import datasets
    >>> sweep = datasets.load_demo()  # doctest: +SKIP
    >>> sweep.importance(margin=0.01).to_frame()  # doctest: +SKIP
    """
    (
        test, correction, alpha, neighbors, margin, target, random_state, ks_method, cancel,
        executor,
    ) = _importance_input_validation(
        sweep, test, correction, alpha, neighbors, margin, target, random_state, progress,
        ks_method, cancel, executor,
    )  # fmt: skip
    margin_source = "given"
    if margin is None:
        margin = default_margin(sweep)
        margin_source = "default: half the median seed-to-seed standard deviation"
    tie_rtol = TIE_RTOL if test in ("permutation", "wilcoxon") else None
    params = list(sweep.params)
    slow = TEST_TABLE[test].resamples or ks_method != "auto"
    step = _SLOW_BATCH if slow else _BATCH
    settings = (test, sweep.min_runs, margin, random_state, tie_rtol, ks_method)
    if target is None:  # thousands of levels: say the size before numpy runs out of memory
        _check_memory(sweep, neighbors, (*settings, correction), step, executor is not None)
    position = {name: q for q, name in enumerate(params)}
    n_levels = [len(sweep.levels[p]) for p in params]
    others = {q: tuple((c, n_levels[c]) for c in range(len(params))
                       if c != q and n_levels[c] <= _interaction.MAX_LEVELS)
              for q in range(len(params))}  # fmt: skip
    level_codes = sweep.level_codes
    k_full = max(int(sweep.counts.max(initial=0)), 1)
    wholes = _blocks.for_sweep(sweep, test, ks_method, target, neighbors, k_full)
    reader = _pairrows.PairRows(sweep, test, k_full)
    chunk_codes: list[int] = []

    def batches() -> Iterator[tuple[int, tuple[Any, ...]]]:
        # pieces of the pair enumeration, never all pairs at once; a piece is one parameter's
        for name, a, b in _blocks.pair_chunks(sweep, neighbors, max(step, _BATCH), wholes):
            if target is not None:
                keep = (a == target) | (b == target)
                a, b = a[keep], b[keep]
            for start in range(0, len(a), step):
                for ia, ib in reader.pieces(a[start : start + step], b[start : start + step]):
                    rows, pair_seeds, pair_ranks = reader.read(ia, ib)
                    chunk_codes.append(position[name])
                    context = (level_codes[ia], others[position[name]])
                    yield len(ia), (rows, pair_seeds, pair_ranks, settings, alpha, context)

    job = _jobs.Progress(_expected_pairs(sweep, neighbors, target), progress, cancel,
                         what="neighbour pairs")  # fmt: skip
    summaries = [_pairsummary.ParamSummary() for _ in params]
    contexts = [_interaction.Contexts() for _ in params]
    _jobs.check_cancel(cancel)
    blocks = (reader, (test, sweep.min_runs, margin, alpha), others, job)
    _blocks.summarise_wholes(sweep, wholes, blocks, summaries, contexts)
    done = 0  # batches come back in order: the k-th is the k-th one yielded
    for summary, context in _jobs.run_batches(_summarised_pairs, batches(), job, executor):
        summaries[chunk_codes[done]].add(summary)
        contexts[chunk_codes[done]].add(context)
        done += 1
    if progress is not None and (job.done < job.total or (done == 0 and not wholes)):
        progress(1.0)
    chosen = {"test": test, "correction": correction, "alpha": alpha, "neighbors": neighbors,
              "margin": margin, "margin_source": margin_source, "target": target}  # fmt: skip
    return _result(sweep, params, summaries, contexts, chosen)


def _result(
    sweep: SweepData,
    params: list[Any],
    summaries: list[_pairsummary.ParamSummary],
    contexts: list[_interaction.Contexts],
    settings: dict[str, Any],
) -> Importance:
    """Return the per-parameter counts, ``where`` and verdicts of the merged summaries."""
    correction, alpha = settings["correction"], settings["alpha"]
    margin, margin_source = settings["margin"], settings["margin_source"]
    n_significant, n_matters = _pairsummary.significant_counts(summaries, correction, alpha)
    n_tested = np.array([s.pvalues[0].total() + s.pvalues[1].total() for s in summaries],
                        dtype=np.int64)  # fmt: skip
    n_negligible = np.array([s.pvalues[1].total() for s in summaries], dtype=np.int64)
    n_pairs = np.array([s.pairs for s in summaries], dtype=np.int64)
    n_enough = np.array([s.enough for s in summaries], dtype=np.int64)
    threshold = _pairsummary.rejection_threshold(summaries, correction, alpha)
    where = [
        _interaction.where(c, threshold, params, sweep.levels) if 0 < m < t else ""
        for c, m, t in zip(contexts, n_matters, n_tested, strict=True)
    ]

    row_stats = sweep.configs[["std", "min", "max"]].to_numpy(dtype=np.float64)
    note = _limits.scale_note(row_stats[:, 0], row_stats[:, 1], row_stats[:, 2])
    default = () if margin_source == "given" else (default_basis(margin, margin_source, "margin"),)
    return Importance(
        params=tuple(params),
        pairs=n_pairs,
        tested=n_tested,
        too_few_runs=n_pairs - n_enough,
        significant=n_significant,
        matters=n_matters,
        negligible=n_negligible,
        median_abs_effect=np.array([s.effects.median() for s in summaries]),
        where=tuple(where),
        verdict=tuple(verdicts(n_tested, n_matters, n_negligible, margin, where)),
        **settings,
        notes=(*(() if note is None else (note,)), *default),
    )
