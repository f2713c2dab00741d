"""The one vocabulary of sweepwalk: every choice a user makes, and every status the tool shows.

For each choice (test, correction, against, neighbors, goal, error_control) and for the status
words this module holds the ``Literal`` type that public signatures use, the tuple of allowed
values, and the human label shown in the widget, the CLI's help and ``to_html``. Nothing else in
the package spells these values out; the frontend receives them from Python with the sweep
payload (:func:`vocabulary_payload`).

The two rules that turn numbers into words live here too, once: :func:`decide_status` (a row's
status from its significance and direction) and :func:`is_underpowered` (the power marker).

This module imports only numpy: every layer may use it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:  # numpy loads with the first function that needs it (the CLI's --help doesn't)
    import numpy as np
    import numpy.typing as npt

from .stats import TEST_TABLE

__all__ = [
    "AGAINST",
    "AGAINST_LABELS",
    "CORRECTIONS",
    "CORRECTION_LABELS",
    "ERROR_CONTROLS",
    "ERROR_CONTROL_LABELS",
    "EVIDENCE_COLUMNS",
    "GOALS",
    "GOAL_LABELS",
    "NEIGHBORS",
    "NEIGHBOR_LABELS",
    "PAIRED_TESTS",
    "PENDING",
    "SIGNIFICANT_STATUSES",
    "SOURCE_FORMS",
    "STATUSES",
    "STATUS_LABELS",
    "TESTS",
    "TEST_LABELS",
    "UNPAIRED_TESTS",
    "Against",
    "Correction",
    "Direction",
    "ErrorControl",
    "Goal",
    "Neighbors",
    "Status",
    "Test",
    "decide_status",
    "is_underpowered",
    "rejects",
    "status_codes",
    "vocabulary_payload",
]

Test = Literal[
    "ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", "ttest_rel"
]
Correction = Literal[
    "none",
    "bonferroni",
    "sidak",
    "holm-sidak",
    "holm",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
    "fdr_tsbh",
    "fdr_tsbky",
    "fdr_gbs",
    "lfdr",
]
Against = Literal["neighbors", "all"]
Neighbors = Literal["adjacent", "axis"]
Goal = Literal["max", "min"]
ErrorControl = Literal["per-target", "walk"]
Status = Literal["target", "better", "worse", "differs", "ns", "na"]
#: the direction of a significant row, before significance is applied (see decide_status)
Direction = Literal[1, -1, 0]

TEST_LABELS: dict[str, str] = {name: spec.label for name, spec in TEST_TABLE.items()}
TESTS: tuple[str, ...] = get_args(Test)
PAIRED_TESTS: tuple[str, ...] = tuple(t for t in TESTS if TEST_TABLE[t].paired)
UNPAIRED_TESTS: tuple[str, ...] = tuple(t for t in TESTS if t not in PAIRED_TESTS)

#: "none" and the names of statsmodels' ``multipletests`` methods, as statsmodels spells them
#: (an alias that statsmodels accepts, such as "h", is normalised to one of these names)
CORRECTION_LABELS: dict[str, str] = {
    "none": "none",
    "bonferroni": "Bonferroni",
    "sidak": "Šidák",
    "holm-sidak": "Holm-Šidák",
    "holm": "Holm",
    "simes-hochberg": "Simes-Hochberg",
    "hommel": "Hommel",
    "fdr_bh": "Benjamini-Hochberg (FDR)",
    "fdr_by": "Benjamini-Yekutieli (FDR)",
    "fdr_tsbh": "two-stage BH (FDR)",
    "fdr_tsbky": "two-stage BKY (FDR)",
    "fdr_gbs": "Gavrilov-Benjamini-Sarkar (FDR)",
    "lfdr": "local FDR (support line)",
}
CORRECTIONS: tuple[str, ...] = get_args(Correction)

AGAINST_LABELS: dict[str, str] = {"neighbors": "neighbours", "all": "all configurations"}
AGAINST: tuple[str, ...] = get_args(Against)

NEIGHBOR_LABELS: dict[str, str] = {
    "adjacent": "adjacent levels",
    "axis": "any level on the axis",
}
NEIGHBORS: tuple[str, ...] = get_args(Neighbors)

GOAL_LABELS: dict[str, str] = {"max": "higher is better", "min": "lower is better"}
GOALS: tuple[str, ...] = get_args(Goal)

ERROR_CONTROL_LABELS: dict[str, str] = {
    "per-target": "per target",
    "walk": "walk-wide FDR (LOND)",
}
ERROR_CONTROLS: tuple[str, ...] = get_args(ErrorControl)

#: status words in the order the widget shows them (and codes them, uint8 0..5)
STATUS_LABELS: dict[str, str] = {
    "target": "the target every row is compared with",
    "better": "significantly different and better than the target",
    "worse": "significantly different and worse than the target",
    "differs": "significantly different, but not clearly better or worse",
    "ns": "not significant (not evidence of no difference)",
    "na": "not testable (too few runs)",
}
STATUSES: tuple[str, ...] = get_args(Status)
SIGNIFICANT_STATUSES: tuple[str, ...] = ("better", "worse", "differs")
#: the word of a compared row whose p-value is still being computed: the widget's early answer
#: to a slow resampling test shows the estimates first. No result of ``compare`` has it (so it
#: is not one of STATUSES): it is never a verdict, and never reaches ``results``/``selection``.
PENDING = "pending"

#: the per-row columns of a comparison's evidence (``sweepwalk.analysis.evidence.evidence``), in
#: ``Comparison.to_frame()`` order
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "estimate",
    "estimate_low",
    "estimate_high",
    "effect_low",
    "effect_high",
    "diff_mean_low",
    "diff_mean_high",
    "level",
    "min_pvalue",
    "reachable",
    "mde",
    "seeds_needed",
    "underpowered",
)


def rejects(pvalue: npt.ArrayLike, level: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Return whether each p-value rejects at its level: the one rejection rule, ``p <= level``.

    statsmodels' ``multipletests`` rejects at ``pvalue_adj <= alpha`` and a test's smallest
    p-value is reachable when it is ``<= level``; every decision of the package uses this rule
    so that the most extreme data a test can see is significant exactly when it is reachable.
    NaN (not tested) never rejects.

    Parameters
    ----------
    pvalue : array_like of float
        Raw or adjusted p-values.
    level : float or array_like of float
        The level each is held to (broadcast).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> rejects([0.05, 0.0500001, float("nan")], 0.05).tolist()
    [True, False, False]
    """
    import numpy as np

    with np.errstate(invalid="ignore"):
        p = np.asarray(pvalue, dtype=np.float64)
        return np.asarray(p <= np.asarray(level, dtype=np.float64), dtype=bool)


def status_codes(
    significant: npt.ArrayLike, direction: npt.ArrayLike, na: npt.ArrayLike | None = None
) -> npt.NDArray[np.uint8]:
    """Return :func:`decide_status`'s status of each row as its position in :data:`STATUSES`.

    The same rule, without a word object per row (the widget's coding of statuses);
    ``np.array(STATUSES, dtype=object)[codes]`` are the words.

    Examples
    --------
    >>> [STATUSES[c] for c in status_codes([True, True, True, False], [1.0, -1.0, 0.0, 1.0])]
    ['better', 'worse', 'differs', 'ns']
    """
    import numpy as np

    sig = np.asarray(significant, dtype=bool)
    d = np.asarray(direction, dtype=np.float64)
    # 0 ns, 1 differs (significant, direction 0 or NaN), 2 better, 3 worse: then to STATUSES
    with np.errstate(invalid="ignore"):
        case = sig * (np.uint8(1) + (d > 0) + np.uint8(2) * (d < 0))
    code: npt.NDArray[np.uint8] = np.take(np.array(_DECIDED, dtype=np.uint8), case)
    if na is not None:
        code[np.asarray(na, dtype=bool)] = STATUSES.index("na")
    return code


#: the STATUSES position of each case of status_codes
_DECIDED = tuple(STATUSES.index(word) for word in ("ns", "differs", "better", "worse"))


def decide_status(
    significant: npt.ArrayLike, direction: npt.ArrayLike, na: npt.ArrayLike | None = None
) -> npt.NDArray[np.object_]:
    """Return the status word of each tested row: the one rule every layer uses.

    Parameters
    ----------
    significant : array_like of bool, shape (M,)
        Whether the row's test rejected under the rule in force.
    direction : array_like of float, shape (M,)
        The sign of the tested quantity, oriented by the sweep's goal: ``> 0`` the row is
        better, ``< 0`` worse, ``0`` (or NaN) no clear direction.
    na : array_like of bool, shape (M,), optional
        Rows that could not be tested; they are ``"na"`` whatever the rest says.

    Returns
    -------
    numpy.ndarray of object, shape (M,)
        ``"better"``, ``"worse"``, ``"differs"`` (significant without a clear direction),
        ``"ns"`` or ``"na"``.

    See Also
    --------
    status_codes : the same, as positions in :data:`STATUSES`.

    Examples
    --------
    >>> decide_status([True, True, True, False], [1.0, -1.0, 0.0, 1.0]).tolist()
    ['better', 'worse', 'differs', 'ns']
    """
    import numpy as np

    # one take from the words: masked stores into an object array cost a reference count
    # each (milliseconds at 100k rows)
    words: npt.NDArray[np.object_] = np.array(STATUSES, dtype=object)[
        status_codes(significant, direction, na)
    ]
    return words


def is_underpowered(
    status: npt.ArrayLike, mde: npt.ArrayLike | None, effect_of_interest: npt.ArrayLike
) -> npt.NDArray[np.bool_] | None:
    """Flag the ``ns`` rows whose test could not have detected the difference worth detecting.

    The power marker: a row is underpowered when its status is ``"ns"`` and the smallest
    difference its test detects with the planned power at the level it had to beat (``mde``)
    exceeds ``effect_of_interest``, the difference the user cares about (never the observed
    difference: post-hoc power is noise).

    Parameters
    ----------
    status : array_like of str, shape (M,)
        Status words under the rule in force (or their positions in :data:`STATUSES`, as
        :func:`status_codes` gives them).
    mde : array_like of float, shape (M,), or None
        Minimal detectable difference per row (metric units); NaN gives False.
    effect_of_interest : float or array_like of float
        The difference worth detecting (metric units), broadcast against ``mde``.

    Returns
    -------
    numpy.ndarray of bool, shape (M,), or None
        None when ``mde`` is None (no power columns computed).

    Examples
    --------
    >>> is_underpowered(["ns", "ns", "better"], [0.02, 0.005, 0.02], 0.01).tolist()
    [True, False, False]
    """
    if mde is None:
        return None
    import numpy as np

    m = np.asarray(mde, dtype=np.float64)
    e = np.abs(np.asarray(effect_of_interest, dtype=np.float64))
    codes = np.asarray(status)
    if codes.dtype.kind in "iu":  # a code a row: no comparison of a str object a row
        ns = codes == STATUSES.index("ns")
    else:
        ns = np.asarray(status, dtype=object) == "ns"
    with np.errstate(invalid="ignore"):
        marked: npt.NDArray[np.bool_] = ns & (m > e)
    return marked


def vocabulary_payload() -> dict[str, Any]:
    """Return every choice and label as JSON for the frontend (sent with the sweep payload).

    Returns
    -------
    dict
        ``{"test": [[value, label], ...], "correction": ..., "against": ..., "neighbors": ...,
        "goal": ..., "error_control": ..., "status": ...}``, values in display order.
    """
    tables = {
        "test": TEST_LABELS,
        "correction": CORRECTION_LABELS,
        "against": AGAINST_LABELS,
        "neighbors": NEIGHBOR_LABELS,
        "goal": GOAL_LABELS,
        "error_control": ERROR_CONTROL_LABELS,
        "status": STATUS_LABELS,
    }
    return {name: [[k, v] for k, v in table.items()] for name, table in tables.items()}


#: What :func:`sweepwalk.io.open_source` and the CLI's SOURCE accept, an example each (``--help``).
SOURCE_FORMS = (
    ("runs.csv | runs.tsv", "a long table, one row per run (needs metric=)"),
    ("runs.parquet | runs/", "a Parquet file or a (hive-partitioned) folder of them"),
    ("optuna:sqlite:///sweep.db#my-study", "an Optuna storage URL and study name"),
    ("mlflow:sqlite:///mlflow.db#my-experiment", "an MLflow tracking URI and experiment"),
    ("~/ray_results/exp/", "a Ray Tune experiment folder (trial folders with params.json)"),
    ("multirun/2024-05-01/12-00-00/", "a Hydra multirun folder (jobs with .hydra/)"),
    ("logs/hparam_tuning/", "a TensorBoard log folder with HParams sessions"),
)


#: Words in a metric name that mean smaller is better (when nothing else says).
MINIMIZE_WORDS = ("loss", "error", "err", "mse", "rmse", "mae", "nll", "perplexity", "ppl",
                  "regret", "wer", "cer", "cost", "time", "latency")  # fmt: skip


def goal_from_name(metric: Any) -> str:
    """Return ``"min"`` for a metric named like a loss or an error, else ``"max"``.

    The one goal rule of every entry point when no goal is given (nor known to the source):
    a word of :data:`MINIMIZE_WORDS` in the name (``val_loss``, ``test/error``, ``rmse``), or a
    word ending in ``loss`` (``trainloss``), means smaller is better.

    Examples
    --------
    >>> goal_from_name("val_loss"), goal_from_name("accuracy")
    ('min', 'max')
    """
    words = re.split(r"[^a-z0-9]+", str(metric).lower())
    return "min" if any(w in MINIMIZE_WORDS or w.endswith("loss") for w in words) else "max"
