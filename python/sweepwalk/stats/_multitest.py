"""Multiple-testing corrections, equal to ``statsmodels.stats.multitest.multipletests``.

The common methods are vectorised here (statsmodels' ``holm`` calls ``gc.collect()`` on every
call, which costs tens of milliseconds in a large session); the others call statsmodels.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from statsmodels.stats import multitest

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
    with np.errstate(divide="ignore"):  # log1p(-1) = -inf is intended (p = 1 stays 1)
        return _clip(_sorted_raw(ps, method, n, down))


def _clip(out: FloatArray) -> FloatArray:
    out = np.array(out, dtype=np.float64)
    out[out > 1] = 1
    return out


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
    p = np.asarray(pvalues, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"`pvalues` must be 1-dimensional, got shape {p.shape}.")
    if isinstance(method, str) and method.lower() == "none":
        return p.copy()
    name = canonical_method(method)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    if len(finite) == 0:
        return out
    pf = p[finite]
    if name in _VECTORISED:
        order = np.argsort(pf)  # the same (unstable) sort as statsmodels; ties do not matter
        adj = np.empty_like(pf)
        adj[order] = _sorted_adjust(pf[order], name)
    else:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # p = 1 divides by zero in fdr_gbs
            try:
                adj = np.asarray(multitest.multipletests(pf, alpha=alpha, method=name)[1])
            except ValueError as err:
                raise ValueError(
                    f"statsmodels multipletests(method={method!r}) cannot adjust these "
                    f"{len(pf)} p-values: {err}"
                ) from err
    out[finite] = adj
    return out
