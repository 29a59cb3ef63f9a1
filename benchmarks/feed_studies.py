"""The feed-world studies of lesson 10, on seeds the regimes were not chosen on (`mtl_core.experiments.feed`).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python benchmarks/feed_studies.py collapse --seeds 200-209 --out runs/feed
    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python benchmarks/feed_studies.py sparse --seeds 200-209 --out runs/feed

`collapse` trains MMoE and HoME in `COLLAPSE_REGIME` (chosen on seeds 100-101) and compares their expert health
and rare-task AUC; `sparse` trains Shared-Bottom, MMoE, PLE, AdaTT and HoME against single-task models in
`FEED_BASE` and prints every rare task's gain (and, for the seesaw, every task's gain of each architecture).
Each writes its per-run rows (`<study>.csv`) and the verdict tables (`<study>_verdicts.csv`) under --out.
Verdicts use the one statistics rule (`mtl_core.stats.paired`).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from mtl_core.data.feed import RARE
from mtl_core.experiments.feed import (COLLAPSE_ARCHS, COLLAPSE_REGIME, FEED_BASE, SPARSE_ARCHS, collapse_table,
                                       compare, gain_table, run_archs, sparse_table)
from mtl_core.seeds import parse_seeds


def _say(msg: str) -> None:
    print(msg, flush=True)


def collapse(seeds, out: Path) -> None:
    df = run_archs(COLLAPSE_REGIME, COLLAPSE_ARCHS, seeds, progress=lambda a: _say(f"training {a} ..."))
    df.to_csv(out / "collapse.csv", index=False)
    table = collapse_table(df)
    rows = [table]
    for task in RARE:
        p = compare(df, "home", "mmoe", "test_auc", True, task)
        rows.append(pd.DataFrame([{"metric": f"test_auc:{task}",
                                   "mmoe": df[(df.arch == "mmoe") & (df.task == task)].test_auc.mean(),
                                   "home": df[(df.arch == "home") & (df.task == task)].test_auc.mean(),
                                   "verdict": f"home {p.text(pct=False)}", "word": p.word}]))
    table = pd.concat(rows, ignore_index=True)
    table.to_csv(out / "collapse_verdicts.csv", index=False)
    _say(table.to_string(index=False))


def sparse(seeds, out: Path) -> None:
    df = run_archs(FEED_BASE, SPARSE_ARCHS, seeds, progress=lambda a: _say(f"training {a} ..."))
    df.to_csv(out / "sparse.csv", index=False)
    table = sparse_table(df)
    table.to_csv(out / "sparse_verdicts.csv", index=False)
    _say(table[["arch", "task", "single_task_mean", "gain", "low", "high", "agree", "n", "word"]]
         .to_string(index=False))
    seesaw = pd.concat([gain_table(df, a) for a in SPARSE_ARCHS if a != "single_task"], ignore_index=True)
    seesaw.to_csv(out / "seesaw_verdicts.csv", index=False)
    _say(seesaw[["arch", "task", "metric", "gain", "low", "high", "agree", "n", "word"]].to_string(index=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("study", choices=("collapse", "sparse"))
    ap.add_argument("--seeds", default="200-209", help="seeds, e.g. 200-209 (the regimes were chosen on 100-102)")
    ap.add_argument("--out", default="runs/feed", help="folder for the csv files")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    {"collapse": collapse, "sparse": sparse}[args.study](parse_seeds(args.seeds), out)
    _say(f"{args.study}: {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
