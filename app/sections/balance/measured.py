"""What our own runs showed, shipped with the app: `measured.csv` holds the results rows (with MTL gains
and, for the conflict scenario, the conflict statistics) of one CLI sweep per scenario over every
registered strategy, tagged with the scenario. Re-measure with the commands in `COMMANDS` and
`python -m app.sections.balance.measured DIR` (DIR holding one folder per scenario)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

MEASURED_CSV = Path(__file__).resolve().parent / "measured.csv"
STRATEGIES = "ew,uw,gradnorm,dwa,rlw,pcgrad,mgda,cagrad,nash_mtl,famo,gradvac,imtl,aligned_mtl,db_mtl,metabalance"
COMMANDS = {
    "balance_loss_scale": f"python -m mtl_core sweep --preset balance_loss_scale --weightings {STRATEGIES} "
                          "--seeds 10-14 --baselines --threads 1 --out runs/loss_scale",
    "balance_conflict": f"python -m mtl_core sweep --preset balance_conflict --weightings {STRATEGIES} "
                        "--seeds 10-14 --baselines --threads 1 --out runs/conflict",
    "balance_speed": f"python -m mtl_core sweep --preset balance_speed --weightings {STRATEGIES} "
                     "--seeds 10-14 --baselines --threads 1 --out runs/speed",
    "balance_seesaw": "python -m mtl_core sweep --preset balance_seesaw --seeds 10-14 --baselines --threads 1 "
                      "--out runs/seesaw",
}


# the columns the page uses (claims, gains, conflict, time per step)
KEEP = ("scenario", "schema_version", "data", "arch", "weighting", "seed", "task", "task_kind", "val_loss", "test_loss",
        "test_auc", "status", "role", "batch_runs", "step_ms", "single_task_metric", "mtl_gain", "mtl_gain_pct",
        "cos_before_mean", "conflict_share", "cos_after_mean", "conflict_share_after")


def _read() -> pd.DataFrame | None:
    try:
        return pd.read_csv(MEASURED_CSV)
    except (OSError, ValueError, pd.errors.ParserError):
        return None


_CACHE: dict[float, pd.DataFrame | None] = {}


def measured_results(scenario: str) -> tuple[pd.DataFrame | None, str]:
    """(results rows of our run of the scenario, the command that produced them); (None, "") if absent."""
    if not MEASURED_CSV.is_file():
        return None, ""
    mtime = MEASURED_CSV.stat().st_mtime
    if mtime not in _CACHE:
        _CACHE.clear()
        _CACHE[mtime] = _read()
    df = _CACHE[mtime]
    if df is None or "scenario" not in df.columns:
        return None, ""
    part = df[df.scenario == scenario]
    return (part.reset_index(drop=True) if len(part) else None), COMMANDS.get(scenario, "")


def collect(folder: str) -> pd.DataFrame:
    """Concatenate DIR/<name>/results.csv for the four scenarios (name = the preset id without `balance_`)."""
    parts = []
    for scenario in COMMANDS:
        path = Path(folder) / scenario.removeprefix("balance_") / "results.csv"
        parts.append(pd.read_csv(path).assign(scenario=scenario))
    df = pd.concat(parts, ignore_index=True)
    keep = [c for c in KEEP if c in df.columns]
    return df[keep].round(6)


if __name__ == "__main__":
    collect(sys.argv[1]).to_csv(MEASURED_CSV, index=False)
    print(f"wrote {MEASURED_CSV}")
