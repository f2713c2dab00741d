"""Fixtures of the source adapters' tests."""

from __future__ import annotations

import pandas as pd
import pytest
from io_helpers import grid_runs


@pytest.fixture
def runs() -> pd.DataFrame:
    return grid_runs()
