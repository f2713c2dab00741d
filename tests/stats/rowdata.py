"""Random rows of scores for property tests: ties, NaN padding, unequal sizes."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


def rows(rng: np.random.Generator, m: int, k: int, *, n_min: int = 0, decimals: int = 1):
    """(m, k) NaN-padded rows with random counts in [n_min, k] and many ties."""
    n = rng.integers(n_min, k + 1, size=m)
    scale = rng.choice([0.3, 1.0, 5.0])
    x = np.round(rng.normal(size=(m, k)) * scale, decimals)
    if rng.random() < 0.3:  # a few constant rows
        x[: max(1, m // 5)] = 1.0
    x[np.arange(k) >= n[:, None]] = np.nan
    return x, n


@st.composite
def row_sets(draw, max_m: int = 12, max_k: int = 15, n_min: int = 0):
    """(x, nx, y, ny, y_is_broadcast) with y either one row or one row per x row."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = draw(st.integers(1, max_m))
    kx = draw(st.integers(1, max_k))
    ky = draw(st.integers(1, max_k))
    decimals = draw(st.sampled_from([0, 1, 3]))
    x, nx = rows(rng, m, kx, n_min=n_min, decimals=decimals)
    broadcast = draw(st.booleans())
    y, ny = rows(rng, 1 if broadcast else m, ky, n_min=max(n_min, 1), decimals=decimals)
    return x, nx, y, ny


def row_y(y, ny, i):
    r = 0 if y.shape[0] == 1 else i
    return y[r, : ny[r]]
