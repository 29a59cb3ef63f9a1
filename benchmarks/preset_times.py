"""Each preset's wall time measured here against what `mtl_core.timing` estimated just before it ran.

    python benchmarks/preset_times.py                       # every preset, one after another
    python benchmarks/preset_times.py --only gates_unrelated,balance_speed --workers 2
    python benchmarks/preset_times.py --out assets/timing/preset_times.csv --cap 900

Every preset trains the way its page trains it (`timing.preset_batches`): a single run, a study's grid
(`workers` batches at once, one thread each), a balancing scenario with its static weights and single-task
baselines, the funnel explorer's seven models. The estimate is made with fresh probes right before the run,
under the same load; the load average is recorded with both. Presets whose data is not here (Census before
`python -m mtl_core data fetch census`) are skipped and say so. A preset whose estimate is above --cap seconds
is skipped too (a row with its estimate, no measurement).
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

import torch

from mtl_core import timing
from mtl_core.presets import PRESETS

COLUMNS = ("preset", "section", "runs", "batches", "workers", "estimate_s", "measured_s", "ratio", "probe_s",
           "load_before", "load_after", "cores", "machine", "note")


def run_preset(preset, workers: int) -> None:
    """Train the preset as its page does (the batches `timing.preset_batches` lists)."""
    if preset.section == "funnel":
        from mtl_core.experiments.funnel import run_funnel

        run_funnel(dict(preset.config), seeds=preset.seeds)
    elif preset.section == "balance":
        from mtl_core.experiments.balance import SCENARIOS, iter_study, scenario_parts

        record = bool(SCENARIOS.get(preset.id) and SCENARIOS[preset.id].record_conflict)
        for _ in iter_study(scenario_parts(preset), record_conflict=record, snapshots_per_epoch=1, workers=workers):
            pass
    elif preset.is_study:
        from mtl_core.grid import balanced_max_batch, run_grid

        cfg = preset.experiment()
        run_grid(cfg, preset.axes, preset.seeds, workers=workers,
                 max_batch=balanced_max_batch(cfg, preset.axes, preset.seeds, workers))
    else:
        from mtl_core.train import train

        for _ in train(preset.experiment()):
            pass


def available(preset) -> str:
    """'' when the preset's data is here, else why not."""
    if preset.experiment().data.id == "census":
        from mtl_core.data.census import is_available

        if not is_available():
            return "Census data not fetched here"
    return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated preset ids (default: all)")
    ap.add_argument("--workers", type=int, default=timing.usable_cores(), help="batches trained at once")
    ap.add_argument("--cap", type=float, default=1200.0, help="skip a preset estimated above this many seconds")
    ap.add_argument("--out", default="assets/timing/preset_times.csv", help="CSV to write (rows appended)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ids = a.only.split(",") if a.only else list(PRESETS)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = not out.is_file()
    machine = f"{platform.processor() or platform.machine()} ({os.cpu_count()} CPUs)"
    with out.open("a", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, COLUMNS)
        if new:
            w.writeheader()
        for pid in ids:
            p = PRESETS[pid]
            row = {"preset": pid, "section": p.section, "runs": p.n_runs, "workers": a.workers,
                   "cores": timing.usable_cores(), "machine": machine}
            why = available(p)
            if why:
                w.writerow({**row, "note": why})
                print(f"{pid}: skipped ({why})", file=sys.stderr)
                continue
            timing.clear_cache()
            row["load_before"] = f"{os.getloadavg()[0]:.2f}"
            est = timing.estimate_preset(p, workers=a.workers)
            row.update(estimate_s=f"{est.seconds:.1f}", batches=est.batches, probe_s=f"{est.probe_s:.2f}")
            if est.seconds > a.cap:
                w.writerow({**row, "note": f"estimate above --cap {a.cap:g} s: not run"})
                print(f"{pid}: estimate {est.seconds:.0f} s above the cap, not run", file=sys.stderr)
                continue
            t0 = time.perf_counter()
            run_preset(p, a.workers)
            secs = time.perf_counter() - t0
            row.update(measured_s=f"{secs:.1f}", ratio=f"{est.seconds / secs:.2f}",
                       load_after=f"{os.getloadavg()[0]:.2f}")
            w.writerow(row)
            f.flush()
            print(f"{pid}: estimate {est.seconds:.1f} s, measured {secs:.1f} s, ratio {est.seconds / secs:.2f} "
                  f"(probes {est.probe_s:.1f} s, load {row['load_before']} -> {row['load_after']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
