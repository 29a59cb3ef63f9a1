"""The regime map shown at the bottom of the funnel explorer: measured offline with
`python -m mtl_core funnel --regime --seeds 2 --out DIR` (the `esmm_story` settings otherwise) and shipped
next to this file as `regime.csv` (its per-run rows); the page draws ESMM − naive per sparsity and
selection strength."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from mtl_core.experiments.funnel import regime_gaps

REGIME_CSV = Path(__file__).resolve().parent / "regime.csv"


@st.cache_data(show_spinner=False)
def _read(path: str, mtime: float) -> pd.DataFrame | None:
    try:
        return regime_gaps(pd.read_csv(path))
    except (OSError, KeyError, ValueError, pd.errors.ParserError):
        return None


def load_regime() -> pd.DataFrame | None:
    if not REGIME_CSV.is_file():
        return None
    return _read(str(REGIME_CSV), REGIME_CSV.stat().st_mtime)
