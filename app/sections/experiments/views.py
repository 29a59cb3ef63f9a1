"""The Experiments page's tabs, in order: label correlation (Fig. 2), the correlation sweep (Fig. 3-4) with
the claim verdicts, trainability (Fig. 5), gate separation, the difficulty explorer, Census-Income, and a
results.csv made by the CLI. Each tab is one function; how studies train is in `runner`."""
from __future__ import annotations

from typing import Callable

from .runner import job_header
from .tab_census import census_tab
from .tab_load import load_tab
from .tab_studies import difficulty_tab, gates_tab
from .tab_sweep import correlation_tab, sweep_tab, trainability_tab

TABS: dict[str, Callable[[], None]] = {
    "correlation": correlation_tab, "sweep": sweep_tab, "trainability": trainability_tab, "gates": gates_tab,
    "difficulty": difficulty_tab, "census": census_tab, "load": load_tab}

__all__ = ["TABS", "job_header"]
