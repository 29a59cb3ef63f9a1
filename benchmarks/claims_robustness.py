"""How robust are the MMoE paper's four claims in the `mmoe_paper_quick` regime? Trains the preset on
disjoint sets of seeds (none of them the seeds 0-39 the regime was chosen on) and judges the claims on
each set, with failed runs kept in (the default verdict) and left out.

    python benchmarks/claims_robustness.py                        # 20 sets of 20 seeds + one of 200
    python benchmarks/claims_robustness.py --sets 1000-1019,2000-2019 --out /tmp/robust.csv
    python benchmarks/claims_robustness.py --set data.noise=0.5 --out /tmp/noise.csv   # a changed regime
    python benchmarks/claims_robustness.py --screen               # other regimes, on seeds 0-39
    python benchmarks/claims_robustness.py --resume               # go on where a stopped run left off

Writes one row per (seed set, failed runs kept/left out): each claim's outcome by the one rule of
`mtl_core.stats` (holds / fails / too few seeds to tell), claim (c)'s paired difference with its 95 % interval,
and the numbers behind them; and, next to it, every run's loss (`*_runs.csv`), so a set can be re-judged.
The Experiments page shows the table saved at assets/experiments/claims_robustness.csv.

`--screen` trains the preset with one change at a time (SCREEN: data knobs, learning rate, data size,
capacity) on the seeds the regime was chosen on, and writes one row per regime (failed runs kept) to
assets/experiments/regime_screen.csv: the evidence behind the choice, shown under the difficulty explorer.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
import torch

from mtl_core.config import from_flat
from mtl_core.params import ConfigError
from mtl_core.experiments.claims import run_losses, verdicts
from mtl_core.grid import run_grid
from mtl_core.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent
OUTCOME_MARK = {"holds": "Y", "fails": "n", "unclear": "?"}
DEFAULT_SETS = ",".join(f"{k * 1000}-{k * 1000 + 19}" for k in (*range(1, 11), *range(30, 40))) + ",20000-20199"
OUT = ROOT / "assets" / "experiments" / "claims_robustness.csv"
SCREEN_OUT = ROOT / "assets" / "experiments" / "regime_screen.csv"
# One change at a time from the quick preset's regime (an empty dict: the preset as it is).
SCREEN: tuple[dict, ...] = (
    {},
    {"data.ab_seed": 0, "data.c": 1.0},  # the dataset's default draw and scale
    {"data.c": 1.5}, {"data.c": 3.0}, {"data.c": 2.5, "train.lr": 0.005},
    {"data.m": 5}, {"data.c": 1.5, "data.m": 5}, {"data.noise": 0.5},
    {"train.lr": 0.001}, {"train.lr": 0.005}, {"train.lr": 0.01},
    {"train.batch_size": 64, "train.epochs": 10},
    {"data.n_train": 20_000, "train.epochs": 10}, {"data.n_train": 20_000, "train.epochs": 10, "train.lr": 0.005},
    {"model.tower_units": (16,)},  # wider towers for every model
    {"data.d": 100, "model.bottom_units": (113,)},  # the paper's sizes (Shared-Bottom 113 units): 1.7x the time
)


def seed_range(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def judge(results: pd.DataFrame, seeds: str, seconds: float) -> list[dict]:
    """One row per failed-runs choice: each claim's outcome by the one rule (holds / fails / unclear, and
    claim_x = holds), claim (c)'s paired difference with its interval, the rises and spreads."""
    rows = []
    for failed in ("kept", "left_out"):
        vs = verdicts(results, exclude_failed=failed == "left_out")
        deg = vs[1].numbers["degradation"]
        sd = vs[3].numbers["spread_by_rho"]
        c = vs[2].numbers["tests"]["mmoe"]  # positive = MMoE lower; the columns say MMoE − OMoE in % of OMoE
        row = {"seeds": seeds, "n_seeds": results["seed"].nunique(), "failed_runs": failed,
               **{f"claim_{v.claim}": bool(v.holds) for v in vs},
               **{f"outcome_{v.claim}": v.outcome for v in vs},
               "c_diff_pct": round(-100 * c.rel, 2), "c_low_pct": round(-100 * c.rel_high, 2),
               "c_high_pct": round(-100 * c.rel_low, 2), "c_agree": c.agree, "c_n": c.n,
               **{f"rise_{a}": round(deg[a], 4) for a in deg},
               **{f"sd_{a}_rho{r:g}": round(sd[a][r], 4) for a in sd for r in sorted(sd[a])},
               "failed_seeds": "; ".join(f"{a} {','.join(map(str, s))}" for a, s in
                                         vs[0].numbers["failed_seeds"].items() if s),
               "train_s": round(seconds, 1)}
        rows.append(row)
    return rows


def runs_path(out: str | Path) -> Path:
    """The per-run losses written next to a robustness table: claims_robustness.csv -> claims_robustness_runs.csv."""
    out = Path(out)
    return out.with_name(out.stem + "_runs.csv")


def results_of_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Saved per-run losses (`*_runs.csv`, one set's rows) as a results table `judge` reads: re-judging a set."""
    return runs.drop(columns=["seeds"], errors="ignore").rename(columns={"loss": "test_loss", "rho": "data.rho"})


def changes_text(changes: dict) -> str:
    """"data.c=2.5; train.lr=0.005" (tuples as 16 or 16,8): the screen's regime column."""
    def fmt(v):
        return ",".join(map(str, v)) if isinstance(v, tuple) else str(v)
    return "; ".join(f"{k}={fmt(v)}" for k, v in changes.items())


def screen(seeds: str, workers: int, out: str) -> None:
    preset = PRESETS["mmoe_paper_quick"]
    rows = []
    for changes in SCREEN:
        t0 = time.perf_counter()
        cfg = from_flat({**preset.config, **changes})
        df = run_grid(cfg, {k: list(v) for k, v in preset.axes.items()}, seed_range(seeds), workers=workers)
        row = judge(df, seeds, time.perf_counter() - t0)[0]  # failed runs kept, as the page's verdicts
        rows.append({"changes": changes_text(changes), **row})
        print(f"{rows[-1]['changes'] or 'preset'}: " + " ".join(
            f"{c}={OUTCOME_MARK[row['outcome_' + c]]}" for c in "abcd") + f" | {row['train_s']:.0f} s", flush=True)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=DEFAULT_SETS, help="comma-separated seed ranges (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=2, help="batched models trained at once (default 2)")
    ap.add_argument("--out", default=None, help=f"CSV to write (default: {OUT}, or {SCREEN_OUT} with --screen)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="judge the preset with this change (repeatable), e.g. --set data.noise=0.5")
    ap.add_argument("--resume", action="store_true", help="keep the sets already judged in --out (and its "
                                                            "_runs.csv) and train only the others")
    ap.add_argument("--screen", action="store_true", help="train the regimes of SCREEN instead (one row each)")
    ap.add_argument("--screen-seeds", default="0-39", help="seeds of --screen (default: %(default)s, the seeds "
                                                           "the regime was chosen on)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.screen and a.set:
        ap.error("--set does not combine with --screen (the screen's changes are its SCREEN list)")
    if a.screen:
        return screen(a.screen_seeds, a.workers, a.out or str(SCREEN_OUT))
    a.out = a.out or str(OUT)
    preset = PRESETS["mmoe_paper_quick"]
    bad = [kv for kv in a.set if "=" not in kv]
    if bad:
        ap.error(f"--set {bad[0]!r}: expected KEY=VALUE, e.g. data.noise=0.5")
    try:
        cfg = from_flat({**preset.config, **dict(kv.split("=", 1) for kv in a.set)})
    except (ValueError, ConfigError) as err:
        ap.error(f"--set: {err}")
    rows, runs = [], []
    runs_out = runs_path(a.out)
    if a.resume and Path(a.out).is_file() and runs_out.is_file():  # the sets a stopped run already judged
        rows = pd.read_csv(a.out, dtype={"seeds": str}).to_dict("records")
        runs = [pd.read_csv(runs_out, dtype={"seeds": str})]
    done = {r["seeds"] for r in rows}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    for text in a.sets.split(","):
        if text in done:
            print(f"seeds {text}: judged in {a.out} already (--resume)", flush=True)
            continue
        t0 = time.perf_counter()
        df = run_grid(cfg, {k: list(v) for k, v in preset.axes.items()}, seed_range(text),
                      workers=a.workers)
        rows += judge(df, text, time.perf_counter() - t0)
        runs.append(run_losses(df).assign(seeds=text))  # per run: any later rule can re-judge the set
        r = rows[-2]
        print(f"seeds {text}: " + " ".join(f"{c}={OUTCOME_MARK[r['outcome_' + c]]}" for c in "abcd")
              + f" | (c) MMoE − OMoE {r['c_diff_pct']:+.0f} % [{r['c_low_pct']:+.0f}, {r['c_high_pct']:+.0f}]"
              + f" | failed left out: d={OUTCOME_MARK[rows[-1]['outcome_d']]} | failed: {r['failed_seeds'] or '-'}"
              f" | {r['train_s']:.0f} s", flush=True)
        pd.DataFrame(rows).to_csv(a.out, index=False)  # after every set: a stopped run keeps what it judged
        pd.concat(runs, ignore_index=True).round(6).to_csv(runs_out, index=False)
    out = pd.DataFrame(rows)
    print(f"wrote {runs_out}")
    kept = out[out.failed_runs == "kept"]
    small = kept[kept.n_seeds < 100]
    print("sets of 20 seeds, holds / fails / too few seeds to tell: " + ", ".join(
        f"({c}) " + "/".join(str(int((small['outcome_' + c] == o).sum())) for o in OUTCOME_MARK) for c in "abcd"))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
