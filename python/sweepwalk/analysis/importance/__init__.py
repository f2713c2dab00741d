"""Which parameters matter: every neighbour pair of a sweep tested once, summarised per parameter.

:func:`importance` (in :mod:`.pairwise`) tests the pairs in batches, or whole contexts at a time
(:mod:`.pair_blocks`, :mod:`.pair_rows`), tallies them as counts (:mod:`.pair_tally`), finds
where a parameter acts (:mod:`.interaction`) and returns an :class:`Importance`
(:mod:`.result`) with ``.to_frame()``.
"""

from .pairwise import COLUMNS, Importance, default_margin, importance, verdicts

__all__ = ["COLUMNS", "Importance", "default_margin", "importance", "verdicts"]
