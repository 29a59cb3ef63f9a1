"""Counters of the server's work, printed by the janitor when MTL_SERVER_LOG=1 (every 10 s, or every
MTL_SERVER_LOG_S). pull_s / render_s: wall time of the pulls and of the job panels' redraws; *_cpu_s: the
CPU time of the thread that did them (under load the wall time also counts waiting for a core)."""
from __future__ import annotations

import threading

STATS = {"pulls": 0, "pull_s": 0.0, "pull_cpu_s": 0.0, "wait_s": 0.0, "renders": 0, "render_s": 0.0,
         "render_cpu_s": 0.0}
STATS_LOCK = threading.Lock()


def count(**kw: float) -> None:
    with STATS_LOCK:
        for k, v in kw.items():
            STATS[k] += v
