"""Multiple-testing corrections, equal to ``statsmodels.stats.multitest.multipletests``.

The common methods are vectorised here (statsmodels' ``holm`` calls ``gc.collect()`` on every
call, which costs tens of milliseconds in a large session); the others call statsmodels.
:func:`adjust_counts` takes a family given as distinct p-values with their counts (a family of
millions of tests whose p-values take few values) and gives each value's adjusted p-value
without expanding the family, for every method whose result is a function of the sorted
p-values, their ranks and the family size.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from statsmodels.stats import multitest

from ._rows import ignoring

FloatArray = npt.NDArray[np.float64]

#: every name ``multipletests`` accepts (aliases included), mapped to its canonical name
METHODS: dict[str, str] = dict(multitest.multitest_alias)
_VECTORISED = {"b", "s", "h", "hs", "sh", "fdr_bh", "fdr_by"}


def canonical_method(method: str) -> str:
    """Canonical statsmodels name of ``method`` (an alias such as "holm" gives "h")."""
    if not isinstance(method, str) or method.lower() not in METHODS:
        allowed = ", ".join(repr(m) for m in sorted(METHODS))
        raise ValueError(f"`correction` must be 'none' or one of {{{allowed}}}, got {method!r}.")
    return METHODS[method.lower()]


def _sorted_adjust(ps: FloatArray, method: str) -> FloatArray:
    """Adjust ascending ``ps``; results in that order (statsmodels' arithmetic)."""
    n = len(ps)
    down = np.arange(n, 0, -1)
    if method in ("s", "hs"):
        with np.errstate(divide="ignore"):  # log1p(-1) = -inf is intended (p = 1 stays 1)
            return _clip(_sorted_raw(ps, method, n, down))
    # no log, no errstate: the context costs more than adjusting a click's few p-values
    return _clip(_sorted_raw(ps, method, n, down))


def _clip(out: FloatArray) -> FloatArray:
    """Return a new array of ``out`` with the values above 1 set to 1 (NaN stays NaN)."""
    clipped: FloatArray = np.minimum(np.asarray(out, dtype=np.float64), 1.0)
    return clipped


def _sorted_raw(ps: FloatArray, method: str, n: int, down: npt.NDArray[np.int64]) -> FloatArray:
    if method == "b":
        out = ps * float(n)
    elif method == "s":
        out = -np.expm1(n * np.log1p(-ps))
    elif method == "h":
        out = np.maximum.accumulate(ps * down)
    elif method == "hs":
        out = np.maximum.accumulate(-np.expm1(down * np.log1p(-ps)))
    elif method == "sh":
        out = np.minimum.accumulate((down * ps)[::-1])[::-1]
    else:  # fdr_bh, fdr_by
        ecdf = np.arange(1, n + 1) / float(n)
        if method == "fdr_by":
            ecdf = ecdf / np.sum(1.0 / np.arange(1, n + 1))
        out = np.minimum.accumulate((ps / ecdf)[::-1])[::-1]
    return np.asarray(out, dtype=np.float64)


def adjust(pvalues: npt.ArrayLike, method: str, *, alpha: float = 0.05) -> FloatArray:
    """Adjust p-values for multiple testing, exactly as statsmodels does.

    The family is the set of non-NaN entries: NaN p-values (tests that could not be run)
    stay NaN and do not count towards the number of tests.

    Parameters
    ----------
    pvalues : array_like, shape (M,)
        Raw p-values; NaN marks a test that was not run.
    method : str
        ``"none"`` (returns a copy) or any method ``statsmodels.stats.multitest.multipletests``
        accepts: ``"bonferroni"``, ``"sidak"``, ``"holm-sidak"``, ``"holm"``,
        ``"simes-hochberg"``, ``"hommel"``, ``"fdr_bh"``, ``"fdr_by"``, ``"fdr_tsbh"``,
        ``"fdr_tsbky"``, ``"fdr_gbs"`` (and their aliases).
    alpha : float, default 0.05
        Only used by the two-stage methods (``fdr_tsbh``, ``fdr_tsbky``) whose adjusted
        p-values depend on it.

    Returns
    -------
    ndarray, shape (M,)
        Equal to ``multipletests(pvalues[finite], alpha=alpha, method=method)[1]`` on the
        non-NaN entries, NaN elsewhere.

    References
    ----------
    .. [1] S. Holm, "A simple sequentially rejective multiple test procedure", Scandinavian
       Journal of Statistics 6(2), 65-70, 1979.
    .. [2] Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate: a practical and
       powerful approach to multiple testing", Journal of the Royal Statistical Society B
       57(1), 289-300, 1995.
    .. [3] Y. Benjamini and D. Yekutieli, "The control of the false discovery rate in multiple
       testing under dependency", Annals of Statistics 29(4), 1165-1188, 2001.
    .. [4] Z. Sidak, "Rectangular confidence regions for the means of multivariate normal
       distributions", Journal of the American Statistical Association 62, 626-633, 1967.
    .. [5] Y. Hochberg, "A sharper Bonferroni procedure for multiple tests of significance",
       Biometrika 75(4), 800-802, 1988.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import adjust
    >>> adjust([0.01, 0.04, np.nan, 0.03], "holm")
    array([0.03, 0.06,  nan, 0.06])
    """
    p: FloatArray = np.asarray(pvalues, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"`pvalues` must be 1-dimensional, got shape {p.shape}.")
    if isinstance(method, str) and method.lower() == "none":
        unadjusted: FloatArray = p.copy()
        return unadjusted
    name = canonical_method(method)
    untested = np.isnan(p)
    whole = not untested.any()  # every test run (the usual case): no copy in, none out
    finite = None if whole else np.flatnonzero(~untested)
    pf = p if finite is None else p[finite]
    if len(pf) == 0:
        return np.full(p.shape, np.nan)
    few = _few_values(pf) if name in _VECTORISED else None
    if few is not None:  # many tests, few distinct p-values (KS at a few seeds): no sort
        u, rank, codes = few
        weight = np.empty(len(u), dtype=np.int64)
        weight[rank] = np.bincount(codes, minlength=len(rank))
        last = np.cumsum(weight) - 1
        adj_u = _counted_adjust(u, last - weight + 1, last, len(pf), name, alpha)
        adj = adj_u[rank][codes]
    elif name in _VECTORISED:
        order = np.argsort(pf)  # the same (unstable) sort as statsmodels; ties do not matter
        adj = np.empty_like(pf)
        adj[order] = _sorted_adjust(pf[order], name)
    else:
        with ignoring(RuntimeWarning):  # p = 1 divides by zero in fdr_gbs
            try:
                adj = np.asarray(multitest.multipletests(pf, alpha=alpha, method=name)[1])
            except ValueError as err:
                raise ValueError(
                    f"statsmodels multipletests(method={method!r}) cannot adjust these "
                    f"{len(pf)} p-values: {err}"
                ) from err
    if finite is None:
        return np.asarray(adj, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    out[finite] = adj
    return out


#: families at least this large are checked for few distinct p-values (see _few_values)
_FEW_MIN = 4096
#: at most this many distinct values in a sample of the family to try the counted path
_FEW_MAX = 256
#: at most this many distinct values in all, once the ones the sample missed are added
_FEW_MAX_ALL = 4096


def _few_values(
    p: FloatArray,
) -> tuple[FloatArray, npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """(distinct values, sorted; the position among them of each code; each p's code).

    Given when a large family has few distinct values, so ``u[rank][codes]`` is ``p``. A
    sample says whether the values are few; if so they are hashed (``pandas.factorize`` of
    their bits, linear time) and only the distinct ones sorted, values the sample missed
    (a rare statistic, such as the tails of KS at 100 seeds) included. A binary search per
    p-value cost more than the rest of the adjustment. None (sort the family) past
    ``_FEW_MAX_ALL`` distinct values, or for -0.0 beside 0.0 (equal, with unequal bits).
    """
    if len(p) < _FEW_MIN:
        return None
    if len(np.unique(p[:: max(1, len(p) // 1024)])) > _FEW_MAX:
        return None
    import pandas as pd  # the engine's dependency; only needed here

    codes, seen = pd.factorize(np.ascontiguousarray(p).view(np.int64), sort=False)
    if len(seen) > _FEW_MAX_ALL:
        return None
    values = np.asarray(seen, dtype=np.int64).view(np.float64)
    order = np.argsort(values)
    u = values[order]
    if not bool(np.all(u[1:] > u[:-1])):
        return None
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return u, rank, codes


#: methods :func:`adjust_counts` computes on the distinct values (the others expand the family)
COUNTED = frozenset({"b", "s", "h", "hs", "sh", "fdr_bh", "fdr_by", "fdr_tsbh", "fdr_tsbky",
                     "fdr_gbs"})  # fmt: skip
#: the methods adjusted in one pass over the distinct p-values (no ECDF, no second stage)
_COUNTED_SINGLE_PASS = frozenset({"b", "s", "h", "hs", "sh", "fdr_gbs"})
#: leaves of the pairwise harmonic sum of fdr_by (any size gives numpy's own result)
_HARMONIC_LEAF = 1 << 16


def _harmonic(lo: int, hi: int) -> float:
    """``np.sum(1.0 / np.arange(lo + 1, hi + 1))`` without holding the ``hi - lo`` terms.

    numpy sums a float64 array pairwise, splitting ``n`` terms at ``n // 2`` rounded down to a
    multiple of 8; splitting the same way and summing leaves of up to 65,536 terms with
    ``np.sum`` gives the very same float (fdr_by's constant for a family of millions).
    """
    n = hi - lo
    if n <= _HARMONIC_LEAF:
        return float(np.sum(1.0 / np.arange(lo + 1, hi + 1)))
    half = n // 2
    half -= half % 8
    return _harmonic(lo, lo + half) + _harmonic(lo + half, hi)


def _counted_adjust(
    u: FloatArray, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64], n: int,
    name: str, alpha: float,
) -> FloatArray:  # fmt: skip
    """Adjust each distinct ascending ``u``, which occupies the sorted positions first..last.

    A step-down method (max-accumulate from the smallest p) takes the tie's value at its first
    position, a step-up method (min-accumulate from the largest) at its last: the other
    positions of the tie give a value on the accumulated side (products of a p-value by a
    larger factor), so every copy of a tied p-value gets this same value, as in statsmodels.
    """
    if name in _COUNTED_SINGLE_PASS:
        return _counted_single_pass(u, first, last, n, name)
    return _counted_fdr(u, last, n, name, alpha)


def _counted_single_pass(
    u: FloatArray, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64], n: int, name: str
) -> FloatArray:
    """Bonferroni, Sidak, Holm, Holm-Sidak, Simes-Hochberg and GBS on tied, counted p-values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "b":
            return _clip(u * float(n))
        if name == "s":
            return _clip(-np.expm1(n * np.log1p(-u)))
        if name == "h":
            return _clip(np.maximum.accumulate(u * (n - first)))
        if name == "hs":
            return _clip(np.maximum.accumulate(-np.expm1((n - first) * np.log1p(-u))))
        if name == "sh":
            return _clip(np.minimum.accumulate(((n - last) * u)[::-1])[::-1])
        ii = first + 1  # fdr_gbs
        q = np.maximum.accumulate((n + 1.0 - ii) / ii * u / (1.0 - u))
        return _clip(np.minimum.accumulate(q[::-1])[::-1])


def _counted_fdr(
    u: FloatArray, last: npt.NDArray[np.int64], n: int, name: str, alpha: float
) -> FloatArray:
    """Benjamini-Hochberg, -Yekutieli and the two-stage methods on tied, counted p-values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ecdf = (last + 1) / float(n)  # statsmodels' _ecdf at the tie's last position
        if name == "fdr_by":
            ecdf = ecdf / _harmonic(0, n)
        bh = _clip(np.minimum.accumulate((u / ecdf)[::-1])[::-1])
        if name in ("fdr_bh", "fdr_by"):
            return bh
    # two-stage (fdrcorrection_twostage, maxiter=1): the first stage's rejections at alpha'
    fact = 1.0 + alpha if name == "fdr_tsbky" else 1.0
    below = np.flatnonzero(u <= ecdf * (alpha / fact))
    rejected = int(last[below[-1]]) + 1 if len(below) else 0
    if rejected in (0, n):
        return _clip(bh * fact)
    out = bh * ((1.0 * n - rejected) * 1.0 / n)
    if name == "fdr_tsbky":
        out *= 1.0 + alpha
    return _clip(out)


def adjust_counts(
    values: npt.ArrayLike, counts: npt.ArrayLike, method: str, *, alpha: float = 0.05
) -> FloatArray:
    """Adjust a family of p-values given as values with counts, as if each were repeated.

    ``adjust_counts(values, counts, method)[i]`` is the adjusted p-value every copy of
    ``values[i]`` gets in ``adjust(np.repeat(values, counts), method)``: tied p-values always
    share one adjusted p-value. Memory and time grow with the number of distinct values, not
    with the family size ``counts.sum()``, for every method except ``"hommel"`` and ``"lfdr"``
    (computed on the expanded family; see Notes).

    Parameters
    ----------
    values : array_like, shape (M,)
        Raw p-values, in any order, repeats allowed (their counts add up); NaN marks tests that
        were not run (not in the family, adjusted to NaN).
    counts : array_like of int, shape (M,)
        How many tests of the family have each p-value (>= 1).
    method : str
        ``"none"`` (returns the values) or any method ``statsmodels.stats.multitest.
        multipletests`` accepts, as in :func:`adjust`.
    alpha : float, default 0.05
        Only used by the two-stage methods (``fdr_tsbh``, ``fdr_tsbky``).

    Returns
    -------
    ndarray, shape (M,)
        The adjusted p-value of each entry, equal to
        ``multipletests(np.repeat(values, counts), alpha=alpha, method=method)[1]`` at any of
        its copies; NaN where ``values`` is NaN.

    Notes
    -----
    With the ``N = counts.sum()`` p-values sorted, a distinct value ``u`` occupies the
    positions ``first..last``. Bonferroni and Sidak depend on ``u`` and ``N`` only; Holm,
    Holm-Sidak and Gavrilov-Benjamini-Sarkar (step-down: a running maximum from the smallest
    p-value) take the factor of position ``first``; Simes-Hochberg and Benjamini-Hochberg /
    -Yekutieli (step-up: a running minimum from the largest) that of ``last``, the two-stage
    methods rescale Benjamini-Hochberg by the first stage's number of rejections. The
    arithmetic is statsmodels' own, so the results are the same floats (fdr_by's harmonic
    number is summed pairwise as numpy sums the ``N`` terms). Hommel's procedure (quadratic in
    ``N`` in statsmodels) and local FDR (a density fit) are computed on
    ``np.repeat(values, counts)``.

    References
    ----------
    .. [1] S. Holm, "A simple sequentially rejective multiple test procedure", Scandinavian
       Journal of Statistics 6(2), 65-70, 1979.
    .. [2] Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate: a practical and
       powerful approach to multiple testing", Journal of the Royal Statistical Society B
       57(1), 289-300, 1995.
    .. [3] Y. Benjamini, A. M. Krieger and D. Yekutieli, "Adaptive linear step-up procedures
       that control the false discovery rate", Biometrika 93(3), 491-507, 2006.
    .. [4] Y. Gavrilov, Y. Benjamini and S. K. Sarkar, "An adaptive step-down procedure with
       proven FDR control under independence", Annals of Statistics 37(2), 619-629, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import adjust_counts
    >>> adjust_counts([0.01, 0.04, 0.03], [2, 1, 1], "holm")
    array([0.04, 0.06, 0.06])
    """
    p: FloatArray = np.asarray(values, dtype=np.float64)
    c = np.asarray(counts)
    if p.ndim != 1 or c.shape != p.shape:
        raise ValueError(
            f"`values` and `counts` must be 1-dimensional of one length, got shapes {p.shape} "
            f"and {c.shape}."
        )
    if not np.issubdtype(c.dtype, np.integer) or (c < 1).any():
        raise ValueError("`counts` must be integers >= 1 (how many tests have each p-value).")
    if isinstance(method, str) and method.lower() == "none":
        same: FloatArray = p.copy()
        return same
    name = canonical_method(method)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    if len(finite) == 0:
        return out
    u, inverse = np.unique(p[finite], return_inverse=True)
    weight = np.bincount(inverse, weights=c[finite].astype(np.float64)).astype(np.int64)
    if name in COUNTED:
        last = np.cumsum(weight) - 1
        adj = _counted_adjust(u, last - weight + 1, last, int(last[-1]) + 1, name, alpha)
    else:  # the expanded family; every copy of a value gets one adjusted value
        adj = adjust(np.repeat(u, weight), name, alpha=alpha)[np.cumsum(weight) - weight]
    out[finite] = adj[inverse]
    return out
