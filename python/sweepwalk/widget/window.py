"""The grid's rows a window at a time: sorted and filtered in the kernel, as the frontend would.

For sweeps above the widget's ``window_rows`` (default :data:`WINDOW_ROWS`) the ``_sweep``
payload holds no per-configuration column, and the grid asks for the rows it shows plus a
margin (a ``rows`` request) whenever it lists rows it has not got; :func:`window_payload`
answers with those rows of the full ``_results`` payload (and :func:`window_reply` adds their
sweep columns), in the order the frontend's ``rowOrder`` (src/model/rows.ts) and the columns'
sort keys (``sortKey`` in src/panels/columns.ts) give: the compared rows (or every
configuration) by config id, the legend's status filter, then a stable sort whose missing keys
(NaN, an absent parameter value) come last in either direction. A row whose test is still
running (a ``pending`` payload, status code ``PENDING_CODE``) reads ``pending``, as in the
frontend's ``statusOf``: its own status in the counts and the filter, no rank in the status sort
(a missing key), and never ``out`` (a configuration not compared).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .._vocab import PENDING, STATUSES
from ..validation import arguments as v
from .serialization import PENDING_CODE, RESULT_COLUMNS, with_buffer_refs

if TYPE_CHECKING:
    from ..sweep import Sweep

__all__ = [
    "MAX_WINDOW",
    "OUT",
    "RESULT_ROWS",
    "SCOPES",
    "SORT_DIRS",
    "SWEEP_ROWS",
    "WINDOW_ROWS",
    "Listing",
    "Listings",
    "listing",
    "partial_results",
    "row_order",
    "window_payload",
    "window_reply",
]

#: the sweep size above which the grid receives its rows a window at a time (the default of
#: ``SweepWidget(window_rows=...)``)
WINDOW_ROWS = 50_000
#: the status of a configuration that was not compared (the frontend's ``OUT``)
OUT = "out"
#: every status a row can read, in the order of :func:`_status_words`' codes: the vocabulary's,
#: then ``pending`` (a row still being tested), then ``out``
_WORDS = (*STATUSES, PENDING, OUT)
_PENDING = _WORDS.index(PENDING)
_OUT = _WORDS.index(OUT)
#: most rows one window request may ask for (a 200-row window of every column is ~30 kB)
MAX_WINDOW = 10_000
SCOPES = ("compared", "all")
SORT_DIRS = ("asc", "desc")
#: most compared rows a windowed sweep's ``_results`` carries (more: the target's row only, and
#: the grid gets the others' results with their windows; 10,000 rows are ~2.4 MB)
RESULT_ROWS = 10_000
#: the key of a payload's per-configuration sweep columns (widget/sweep_rows.py)
SWEEP_ROWS = "sweep_rows"
#: header columns that sort by a results column (the frontend's ``RESULT_SORT``)
RESULT_SORT = ("pvalue", "pvalue_adj", "effect", "estimate", "min_pvalue", "level")


def _column(results: dict[str, Any], name: str) -> np.ndarray | None:
    """Return results column ``name`` as an array (a view of its bytes), or None if absent."""
    raw = results.get(name)
    if raw is None:
        return None
    return np.frombuffer(raw, dtype=np.dtype(RESULT_COLUMNS[name]).newbyteorder("<"))


def _positions(results: dict[str, Any], n_configs: int) -> np.ndarray:
    """Map config id -> index into the results columns (-1: the config is not compared)."""
    rows = _column(results, "rows")
    index = np.full(n_configs, -1, dtype=np.int64)
    if rows is not None:
        ok = (rows >= 0) & (rows < n_configs)
        index[rows[ok]] = np.flatnonzero(ok)
    return index


def _status_words(results: dict[str, Any], index: np.ndarray) -> np.ndarray:
    """Status of every configuration as its position in ``_WORDS`` (``out``: not compared).

    As the frontend's ``statusOf``: ``PENDING_CODE`` reads ``pending`` in a ``pending`` payload,
    and any other code that is not a status (``PENDING_CODE`` included otherwise) ``out``.
    """
    codes = _column(results, "status")
    out = np.full(index.size, _OUT, dtype=np.int64)
    if codes is None:
        return out
    compared = index >= 0
    raw = codes[index[compared]].astype(np.int64)
    held = np.where(raw < len(STATUSES), raw, _OUT)
    if results.get("pending") is True:
        held[raw == PENDING_CODE] = _PENDING
    out[compared] = held
    return out


def _sort_key(
    sweep: Sweep, results: dict[str, Any], index: np.ndarray, status: np.ndarray, column: str
) -> np.ndarray:
    """float64 sort key of every configuration in ``column``; NaN = missing (sorts last)."""
    n = index.size
    if column in RESULT_SORT:
        values = _column(results, column)
        key = np.full(n, np.nan)
        if values is not None:
            compared = index >= 0
            key[compared] = values[index[compared]]
        return key
    configs = sweep.configs
    if column in ("n", "mean", "std"):
        return np.asarray(configs[column].to_numpy(dtype=np.float64))
    if column == "status":
        # the vocabulary's order (target first), `out` last: a rank per code; `pending` has
        # none (the frontend ranks `[...statuses, OUT]`): a missing key, last either way
        ranks = {s: float(i) for i, s in enumerate([*STATUSES, OUT])}
        rank = np.array([ranks.get(s, np.nan) for s in _WORDS], dtype=np.float64)
        return np.asarray(rank[status], dtype=np.float64)
    if column in sweep.params:
        codes = np.asarray(sweep.level_codes[:, sweep.params.index(column)], dtype=np.float64)
        return np.where(codes >= 0, codes, np.nan)
    return np.arange(n, dtype=np.float64)


def row_order(
    sweep: Sweep,
    results: dict[str, Any],
    *,
    scope: str = "compared",
    sort: tuple[str, str] | None = None,
    filter: str | None = None,
) -> np.ndarray:
    """Return the config ids the grid lists, in display order (the frontend's ``rowOrder``).

    Parameters
    ----------
    sweep : Sweep
        The sweep shown.
    results : dict
        The full ``_results`` payload (:func:`~sweepwalk.widget.serialization.results_payload`).
    scope : {"compared", "all"}
        The compared rows only, or every configuration.
    sort : (str, str), optional
        A column (a ``to_frame()`` column, a parameter, ``n``, ``mean``, ``std``, ``status``)
        and ``"asc"`` or ``"desc"``; ties keep config id order, missing keys come last.
    filter : str, optional
        Only the rows of this status (one of the statuses, ``"pending"`` or ``"out"``).

    Returns
    -------
    numpy.ndarray
        int64 config ids.
    """
    scope = v.check_choice(scope, "scope", SCOPES)
    if filter is not None:
        filter = v.check_choice(filter, "filter", _WORDS)
    n = len(sweep)
    index = _positions(results, n)
    status = _status_words(results, index)
    ids = np.flatnonzero(index >= 0) if scope == "compared" else np.arange(n)
    if filter is not None:
        ids = ids[status[ids] == _WORDS.index(filter)]
    if sort is None:
        return ids
    column, direction = sort
    direction = v.check_choice(direction, "sort direction", SORT_DIRS)
    key = _sort_key(sweep, results, index, status, str(column))[ids]
    # argsort puts NaN last; negating keeps it last for "desc", and a stable sort keeps ties
    # in config id order, as the frontend's comparator does
    order = np.argsort(key if direction == "asc" else -key, kind="stable")
    return ids[order]


class Listing(NamedTuple):
    """The rows a view lists (:func:`row_order`) and what every window of it reads."""

    order: np.ndarray
    """Config ids listed, in display order."""
    position: np.ndarray
    """Config id -> index into the results columns, -1 when not compared."""
    counts: dict[str, int]
    """Rows per status over the whole results (the legend's counts): ``pending`` when some
    rows are, and ``out``, the configurations not compared."""


def listing(
    sweep: Sweep,
    results: dict[str, Any],
    *,
    scope: str = "compared",
    sort: tuple[str, str] | None = None,
    filter: str | None = None,
) -> Listing:
    """Return the :class:`Listing` of a view (arguments as in :func:`row_order`)."""
    order = row_order(sweep, results, scope=scope, sort=sort, filter=filter)
    n = len(sweep)
    index = _positions(results, n)
    compared = index >= 0
    status = _status_words(results, index)
    counts = np.bincount(status[compared], minlength=len(_WORDS))
    # a compared row with an unknown code reads `out` (statusOf), but `out` counts the
    # configurations not compared, as the frontend's statusCounts does
    tally = {_WORDS[i]: int(c) for i, c in enumerate(counts[:_OUT]) if c}
    tally[OUT] = int(n - np.count_nonzero(compared))
    return Listing(order, index, tally)


class Listings:
    """The listings of the last few views of one results payload.

    A scroll asks for many windows of the same order: it is sorted once (O(n log n) at a
    million rows), and each window then costs O(rows in it).
    """

    def __init__(self, size: int = 4) -> None:
        self._results: dict[str, Any] | None = None
        self._views: dict[Hashable, Listing] = {}
        self._size = size

    def get(
        self,
        sweep: Sweep,
        results: dict[str, Any],
        *,
        scope: str = "compared",
        sort: tuple[str, str] | None = None,
        filter: str | None = None,
    ) -> Listing:
        """Return the listing of this view of ``results`` (computed once per payload)."""
        if results is not self._results:  # new results: every order may have changed
            self._results, self._views = results, {}
        key = (scope, sort, filter)
        found = self._views.pop(key, None)
        if found is None:
            found = listing(sweep, results, scope=scope, sort=sort, filter=filter)
        self._views[key] = found  # the newest last; the oldest goes first
        while len(self._views) > self._size:
            self._views.pop(next(iter(self._views)))
        return found


def window_payload(
    sweep: Sweep,
    results: dict[str, Any],
    *,
    offset: Any,
    limit: Any,
    scope: str = "compared",
    sort: tuple[str, str] | None = None,
    filter: str | None = None,
    listings: Listings | None = None,
) -> dict[str, Any]:
    """Return rows ``offset`` to ``offset + limit`` of the grid, as a ``_results`` payload.

    The rows listed are :func:`row_order`'s; the payload holds the results columns of the
    compared ones among them (``rows`` in display order), ``order`` (every config id of the
    window, in display order, compared or not), and ``window``: the offset, the ``total``
    number of rows listed and the number of rows of each status over the whole results (the
    legend's counts, :attr:`Listing.counts`). The other fields (``state``, ``target``,
    ``notes``, ...) are the full payload's. ``listings`` keeps the orders between two windows of
    the same results.
    """
    offset = v.check_int(offset, "offset")
    limit = v.check_int(limit, "limit")
    get = listing if listings is None else listings.get
    listed = get(sweep, results, scope=scope, sort=sort, filter=filter)
    shown = listed.order[offset : offset + limit]
    at = listed.position[shown]
    picked = at[at >= 0]
    # (a windowed sweep's results carry their rows' sweep columns: not the window's)
    payload = {
        name: value
        for name, value in results.items()
        if not isinstance(value, bytes) and name != SWEEP_ROWS
    }
    for name, value in results.items():
        if isinstance(value, bytes):
            column = _column(results, name)
            assert column is not None
            payload[name] = np.ascontiguousarray(column[picked]).tobytes()
    payload["order"] = shown.astype("<i4").tobytes()
    total = int(listed.order.size)
    payload["window"] = {"offset": int(offset), "total": total, "counts": dict(listed.counts)}
    return payload


def partial_results(sweep: Sweep, results: dict[str, Any]) -> dict[str, Any]:
    """Return ``results`` with the target's row only, and what the legend needs of the others.

    For a windowed sweep compared against more than :data:`RESULT_ROWS` rows: every buffer holds
    the target's row, and ``partial`` holds ``total`` (the rows compared, the target included)
    and ``counts`` (rows per status, ``pending`` and ``out`` included, as a window's). The grid
    gets the other rows' results with their windows (:func:`window_payload` reads the full
    ``results``).
    """
    rows = np.frombuffer(results["rows"], dtype="<i4")
    keep = np.flatnonzero(rows == int(results["target"]))
    out = {name: value for name, value in results.items() if not isinstance(value, bytes)}
    for name, value in results.items():
        if isinstance(value, bytes):
            column = _column(results, name)
            assert column is not None
            out[name] = np.ascontiguousarray(column[keep]).tobytes()
    counts = listing(sweep, results, scope="all").counts
    out["partial"] = {"total": int(rows.size), "counts": dict(counts)}
    return out


def window_reply(
    sweep: Sweep,
    results: dict[str, Any],
    msg: dict[str, Any],
    listings: Listings | None = None,
    rows: Callable[[np.ndarray], dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], list[bytes]]:
    """Answer a ``rows`` request: the body of ``rows-response`` and its buffers.

    ``msg`` holds ``offset``, ``limit`` (at most :data:`MAX_WINDOW`), and optionally ``scope``,
    ``sort`` (``[column, "asc"|"desc"]`` or null) and ``filter`` (a status or null). The body is
    :func:`window_payload` under ``results``, and, given ``rows`` (config ids -> their sweep
    columns, :func:`~sweepwalk.widget.sweep_rows.sweep_rows`), the window's sweep columns under
    ``sweep_rows``; each buffer replaced by ``{"buffer": k}``, its index in the returned list.
    """
    limit = v.check_int(msg.get("limit"), "limit")
    if limit > MAX_WINDOW:
        raise ValueError(f"`limit` must be at most {MAX_WINDOW} rows, got {limit}.")
    sort = msg.get("sort")
    ok = (
        isinstance(sort, (list, tuple)) and len(sort) == 2 and all(isinstance(x, str) for x in sort)
    )
    if not (sort is None or ok):
        raise ValueError(f'`sort` must be null or [column, "asc"|"desc"], got {sort!r}.')
    payload = window_payload(
        sweep,
        results,
        offset=msg.get("offset"),
        limit=limit,
        scope=msg.get("scope", "compared"),
        sort=None if sort is None else (str(sort[0]), str(sort[1])),
        filter=msg.get("filter"),
        listings=listings,
    )
    body: dict[str, Any] = {"results": payload}
    if rows is not None:
        body[SWEEP_ROWS] = rows(np.frombuffer(payload["order"], dtype="<i4"))
    buffers: list[bytes] = []
    return with_buffer_refs(body, buffers), buffers
