"""The classroom load test (benchmarks/load.py) in real headless Chromium, loopback only.

`test_load_short` runs by default (CI's short form, well under a minute of measuring): two sessions on a
classroom server that trains one job at a time, so the second waits in the visible queue; no cross-talk, no
exception, a session over the caps sees why, and memory falls back after the tabs close.
`test_load_classroom` is the full form (8 sessions), marked `load` and skipped by default:
`python -m pytest -m load tests/test_load.py`, or `python benchmarks/load.py --sessions 16` for the report.
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def _need_browser():
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"load test cannot run on CI: {reason}")
        pytest.skip(reason)


def test_load_short(benchmark_script):
    _need_browser()
    load = benchmark_script("load")

    report = load.run(2, classroom=True, window_s=8, lead_in_s=3, settle_s=20, bound_mb=150, warmup=False,
                      env={"MTL_MAX_JOBS": "1", "MTL_SESSION_GRACE_S": "2"}, stop_when_settled=True, quiet=True,
                      log=ROOT / "test-artifacts" / "load-short-server.log" if (ROOT / "test-artifacts").is_dir() else None)
    assert report["ok"], report["failures"]
    assert report["sessions_training"] == 1 and report["sessions_queued"] == 1, report["per_session"]
    assert report["checks"]["crosstalk"] == [] and report["checks"]["exceptions"] == 0
    assert report["back_within_bound_after_s"] is not None


@pytest.mark.load
def test_load_classroom(benchmark_script):
    _need_browser()
    load = benchmark_script("load")

    report = load.run(8, classroom=True, window_s=30, settle_s=30, bound_mb=80, quiet=True)
    assert report["ok"], report["failures"]
    assert report["sessions_training"] == 8 and report["fairness"] > 0.5, report["per_session"]
