"""Which parameters matter: every neighbour pair of a sweep tested once, summarised per parameter.

Scores are one float per seed per configuration. Two configurations that differ along exactly one
parameter p (the neighbour rule of ``NeighborIndex``) are a pair *along p*. Every unordered pair is
tested once with the chosen two-sample test, in vectorised batches; the p-values of all pairs of
all parameters form one family for the multiple-testing correction.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _limits
from . import _validation as v
from .stats import PAIRED_TESTS, a12, adjust, shared, two_sample
from .stats._tost import ttost_ind

if TYPE_CHECKING:
    from .sweep import Sweep

__all__ = ["importance", "verdicts"]

#: pairs per vectorised batch (bounds memory; the progress callback fires once per batch)
_BATCH = 100_000
#: pairs per block of the (block, K, K) comparison of the A12 fast path (fits in cache)
_A12_BLOCK = 2000
#: tests whose result does not depend on the order of the scores inside a row
_ORDER_FREE = ("ks", "mannwhitney", "welch")
# per sweep: rows sorted ascending (NaN padding stays last) and int32 dense ranks of the scores
_PREPARED: weakref.WeakKeyDictionary[Any, tuple[np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)

COLUMNS = (
    "pairs",
    "tested",
    "too_few_runs",
    "significant",
    "share_significant",
    "median_abs_effect",
    "equivalent",
    "verdict",
)


def _importance_input_validation(
    test: Any,
    correction: Any,
    alpha: Any,
    neighbors: Any,
    margin: Any,
    progress: Any,
    has_seeds: bool,
) -> tuple[str, str, float, str, float | None]:
    test = v.check_test(test)
    if test in PAIRED_TESTS and not has_seeds:
        raise ValueError(
            f"test={test!r} is paired on seeds; build the sweep with `seed=` to use it."
        )
    correction = v.check_correction(correction)
    alpha = v.check_alpha(alpha)
    neighbors = v.check_neighbors(neighbors)
    margin = v.check_positive(margin, "margin")
    v.check_callable(progress, "progress")
    return test, correction, alpha, neighbors, margin


def verdicts(
    tested: np.ndarray, significant: np.ndarray, equivalent: np.ndarray, margin: float | None
) -> list[str]:
    """Verdict per parameter from its pair counts (see :func:`importance`, Notes)."""
    out = []
    for t, s, e in zip(tested, significant, equivalent, strict=True):
        if t == 0:
            out.append("untested")
        elif margin is not None and e == t:
            out.append(f"equivalent within ±{margin:g}")
        elif s > 0:
            out.append("matters")
        else:
            out.append("inconclusive")
    return out


def _all_pairs(
    sweep: Sweep, neighbors: str, target: int | None
) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
    """(params, a, b, param code) of every unordered neighbour pair, concatenated."""
    by_param = sweep._neighbors.pairs(neighbors)
    params = list(sweep.params)
    a = [np.asarray(by_param.get(p, ((), ()))[0], dtype=np.int64) for p in params]
    b = [np.asarray(by_param.get(p, ((), ()))[1], dtype=np.int64) for p in params]
    code = [np.full(len(x), k, dtype=np.int64) for k, x in enumerate(a)]
    aa, bb, cc = (np.concatenate(z) if z else np.zeros(0, np.int64) for z in (a, b, code))
    if target is not None:
        keep = (aa == target) | (bb == target)
        aa, bb, cc = aa[keep], bb[keep], cc[keep]
    return params, aa, bb, cc


def _check_memory(sweep: Sweep, neighbors: str) -> None:
    """Refuse, with the sizes, pairs that cannot fit (skipped when even all pairs would fit)."""
    n = len(sweep.configs)
    free = _limits.available_memory()
    if free is None or n * (n - 1) // 2 * _limits.BYTES_PER_PAIR <= free:
        return
    _limits.check_pairs_fit(
        _limits.pair_counts(
            sweep.configs.loc[:, list(sweep.params)], _numeric(sweep), neighbors == "adjacent"
        ),
        f"importance(neighbors={neighbors!r})",
        "Pass target=<config> (only that configuration's pairs), neighbors='adjacent' "
        "(numeric parameters), or fewer levels.",
    )


def _numeric(sweep: Sweep) -> list[bool]:
    """Whether each parameter is numeric (the neighbour index's rule: real numbers, no bools)."""
    out = []
    for p in sweep.params:
        col = sweep.configs[p]
        if pd.api.types.is_bool_dtype(col.dtype):
            out.append(False)
        elif pd.api.types.is_numeric_dtype(col.dtype):
            out.append(True)
        else:
            out.append(all(v.is_number(x) for x in col.dropna()))
    return out


def _prepared(sweep: Sweep) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted ascending, and int32 dense ranks of every score (cached per sweep).

    Sorted rows make the per-pair sorts of the order-free tests merge two runs (about 3x
    faster); ranks are order-preserving small integers, so A12 on ranks equals A12 on scores.
    """
    hit = _PREPARED.get(sweep)
    if hit is None:
        values, counts = sweep._values, sweep._counts
        valid = np.arange(values.shape[1]) < counts[:, None]
        flat = values[valid]
        order = np.argsort(flat, kind="stable")
        step = np.empty(len(flat), dtype=np.int64)
        step[:1] = 0
        step[1:] = flat[order][1:] != flat[order][:-1]
        dense = np.empty(len(flat), dtype=np.int32)
        dense[order] = np.cumsum(step)
        ranks = np.full(values.shape, -1, dtype=np.int32)
        ranks[valid] = dense
        hit = (np.sort(values, axis=1), ranks)
        _PREPARED[sweep] = hit
    return hit


def _a12_pairs(
    ranks: np.ndarray,
    values: np.ndarray,
    counts: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """A12 of row a vs row b for every pair (== ``stats.a12``), fast when rows are full.

    For full rows A12 = 1/2 + sum(sign(r_a - r_b)) / (2 K^2) over all K x K rank pairs,
    computed in small blocks of int32; pairs with a shorter row use ``stats.a12``.
    """
    k = values.shape[1]
    na, nb = counts[a], counts[b]
    out = np.empty(len(a))
    full = (na == k) & (nb == k)
    idx = np.flatnonzero(full)
    for s in range(0, len(idx), _A12_BLOCK):
        rows = idx[s : s + _A12_BLOCK]
        d = np.subtract(ranks[a[rows]][:, :, None], ranks[b[rows]][:, None, :], dtype=np.int32)
        out[rows] = 0.5 + np.sign(d, out=d).sum(axis=(1, 2)) / (2.0 * k * k)
    rest = np.flatnonzero(~full)
    if len(rest):
        out[rest] = a12(values[a[rest]], na[rest], values[b[rest]], nb[rest])
    return out


def _group_median(values: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    """Median of ``values`` per integer group 0..k-1 (NaN for empty groups)."""
    out = np.full(k, np.nan)
    order = np.lexsort((values, code))
    v_sorted, c_sorted = values[order], code[order]
    bounds = np.searchsorted(c_sorted, np.arange(k + 1))
    for g in range(k):
        lo, hi = bounds[g], bounds[g + 1]
        if hi > lo:
            out[g] = 0.5 * (v_sorted[lo + (hi - lo - 1) // 2] + v_sorted[lo + (hi - lo) // 2])
    return out


def importance(
    sweep: Sweep,
    *,
    test: str = "ks",
    correction: str = "fdr_bh",
    alpha: float = 0.05,
    neighbors: str = "adjacent",
    margin: float | None = None,
    target: int | None = None,
    random_state: Any = None,
    progress: Callable[[float], Any] | None = None,
) -> pd.DataFrame:
    """Which parameters matter: test every neighbour pair and summarise per parameter.

    Scores are one float per seed per configuration. Every unordered pair of configurations that
    neighbour along a parameter (``NeighborIndex.pairs(neighbors)``) is tested once; the
    p-values of all tested pairs, over all parameters, are corrected together as one family.

    Parameters
    ----------
    sweep : Sweep
        The sweep.
    test : {"ks", "mannwhitney", "welch", "permutation", "wilcoxon", "ttest_rel"}, optional
        Two-sample test of each pair, as in :func:`sweepwalk.compare.compare` (paired tests use
        the seeds both configurations share). Default "ks".
    correction : str, optional
        "none" or any ``statsmodels.stats.multitest.multipletests`` method. Default "fdr_bh".
    alpha : float, optional
        Significance level, also the level of the equivalence tests. Default 0.05.
    neighbors : {"adjacent", "axis"}, optional
        Neighbour mode of the pairs. Default "adjacent".
    margin : float, optional
        Equivalence margin in metric units. When given, each tested pair also gets a TOST
        equivalence test of the means (Welch standard error,
        ``statsmodels.stats.weightstats.ttost_ind(a, b, -margin, margin, usevar="unequal")``).
    target : int, optional
        Only the pairs that include this config id (the target's own neighbours), corrected as
        their own family. Default: the whole sweep.
    random_state : optional
        Seed of the permutation test: anything ``numpy.random.default_rng`` accepts.
    progress : callable, optional
        Called with the fraction of pairs done (0 < f <= 1) after each batch of pairs.

    Returns
    -------
    pandas.DataFrame
        Indexed by parameter (index name ``param``), in the sweep's parameter order:

        - ``pairs``: neighbour pairs along the parameter;
        - ``tested``: pairs where both configurations have at least ``sweep.min_runs`` scores
          (shared seeds for paired tests);
        - ``too_few_runs``: the other pairs, counted but not tested;
        - ``significant``: tested pairs with adjusted p-value < alpha;
        - ``share_significant``: significant / tested (NaN when nothing was tested);
        - ``median_abs_effect``: median over tested pairs of ``|A12 - 0.5|`` (0 = no tendency,
          0.5 = complete separation);
        - ``equivalent``: tested pairs whose TOST p-value is < alpha (float; NaN without
          `margin`);
        - ``verdict``: see Notes.

        ``attrs`` holds the settings, ``family`` (number of tests corrected together) and
        ``notes`` (facts worth telling, e.g. a score scale that makes variances degenerate).

    Notes
    -----
    The verdict never concludes that a parameter does not matter from non-significance alone
    (absence of evidence is not evidence of absence):

    - "equivalent within ±m": every tested pair along the parameter is shown equivalent within
      the stated margin by TOST. Requiring all pairs is an intersection-union test, so the claim
      as a whole has error rate <= alpha without a multiplicity correction (Berger 1982).
    - "matters": otherwise, when at least one pair differs significantly after correction.
    - "inconclusive": neither (without a margin, every parameter without a significant pair).
    - "untested": no pair had enough runs.

    KS detects any difference in distribution, Mann-Whitney a tendency of one to beat the other,
    Welch a difference in means; TOST always concerns means.

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
    >>> sweep.importance(margin=0.01)  # doctest: +SKIP
    """
    test, correction, alpha, neighbors, margin = _importance_input_validation(
        test, correction, alpha, neighbors, margin, progress, sweep._seed_codes is not None
    )
    random_state = v.check_random_state(random_state)
    if test == "permutation":
        random_state = v.one_seed(random_state)  # one seed for every pair
    if target is not None:
        target = sweep._resolve_target(target)
    if target is None:  # thousands of levels: say the size before numpy runs out of memory
        _check_memory(sweep, neighbors)
    params, a, b, code = _all_pairs(sweep, neighbors, target)
    k = len(params)
    values, counts, seeds = sweep._values, sweep._counts, sweep._seed_codes
    sorted_values, ranks = _prepared(sweep) if len(a) else (values, values)
    test_values = sorted_values if test in _ORDER_FREE else values
    m = len(a)
    pvalue = np.full(m, np.nan)
    effect = np.full(m, np.nan)
    tost_p = np.full(m, np.nan)
    enough = np.zeros(m, dtype=bool)
    for start in range(0, m, _BATCH):
        sl = slice(start, min(m, start + _BATCH))
        xa, xb = test_values[a[sl]], test_values[b[sl]]
        na, nb = counts[a[sl]], counts[b[sl]]
        kwargs: dict[str, Any] = {}
        if test in PAIRED_TESTS:
            assert seeds is not None
            sa, sb = seeds[a[sl]], seeds[b[sl]]
            n_shared = shared(xa, sa, na, xb, sb, nb)[2]
            ok = n_shared >= sweep.min_runs
            kwargs = {"x_seeds": sa[ok], "y_seeds": sb[ok]}
        else:
            ok = (na >= sweep.min_runs) & (nb >= sweep.min_runs)
        enough[sl] = ok
        if ok.any():
            xa, xb, na, nb = xa[ok], xb[ok], na[ok], nb[ok]
            idx = np.arange(sl.start, sl.stop)[ok]
            _, p = two_sample(test, xa, na, xb, nb, random_state=random_state, **kwargs)
            pvalue[idx] = p
            effect[idx] = _a12_pairs(ranks, values, counts, a[idx], b[idx])
            if margin is not None:
                with np.errstate(over="ignore"):  # |x| > ~1e154: noted in attrs["notes"]
                    tost = ttost_ind(xa, na, xb, nb, -margin, margin, usevar="unequal")
                tost_p[idx] = tost.pvalue
        if progress is not None:
            progress(min(1.0, sl.stop / m))
    if m == 0 and progress is not None:
        progress(1.0)
    pvalue_adj = pvalue if correction == "none" else adjust(pvalue, correction, alpha=alpha)
    significant = pvalue_adj < alpha  # NaN compares False
    tested = enough & ~np.isnan(pvalue)
    abs_effect = np.abs(effect - 0.5)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(code[mask], minlength=k).astype(np.int64)

    n_tested = count(tested)
    n_sig = count(significant & tested)
    n_equiv = count((tost_p < alpha) & tested)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_tested > 0, n_sig / np.maximum(n_tested, 1), np.nan)
    frame = pd.DataFrame(
        {
            "pairs": count(np.ones(m, dtype=bool)),
            "tested": n_tested,
            "too_few_runs": count(~enough),
            "significant": n_sig,
            "share_significant": share,
            "median_abs_effect": _group_median(abs_effect[tested], code[tested], k),
            "equivalent": n_equiv.astype(np.float64) if margin is not None else np.nan,
            "verdict": verdicts(n_tested, n_sig, n_equiv, margin),
        },
        index=pd.Index(params, name="param", tupleize_cols=False),  # tuple names stay labels
    )
    row_stats = sweep.configs[["std", "min", "max"]].to_numpy(dtype=np.float64)
    note = _limits.scale_note(row_stats[:, 0], row_stats[:, 1], row_stats[:, 2])
    frame.attrs.update(
        test=test,
        correction=correction,
        alpha=alpha,
        neighbors=neighbors,
        margin=margin,
        target=target,
        family=int(tested.sum()),
        notes=() if note is None else (note,),
    )
    return frame
