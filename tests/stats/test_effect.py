"""Batched Vargha-Delaney A12 equals a plain pairwise count."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from rowdata import row_sets, row_y

from sweepwalk.stats import a12


@settings(max_examples=80, deadline=None)
@given(row_sets())
def test_a12_matches_pairwise_loop(data):
    x, nx, y, ny = data
    out = a12(x, nx, y, ny)
    for i in range(x.shape[0]):
        xi, yi = x[i, : nx[i]], row_y(y, ny, i)
        if len(xi) == 0 or len(yi) == 0:
            assert np.isnan(out[i])
            continue
        wins = sum((a > b) + 0.5 * (a == b) for a in xi for b in yi)
        assert abs(out[i] - wins / (len(xi) * len(yi))) <= 1e-12
