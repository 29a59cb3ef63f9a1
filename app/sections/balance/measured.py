"""What our own runs showed, shipped with the app: `measured.csv` holds the results rows (with MTL gains
and, for the conflict scenario, the conflict statistics) of one CLI sweep per scenario over every
registered strategy (`STRATEGIES`, from the registry), tagged with the scenario. Re-measure with the
commands in `COMMANDS` and `python -m app.sections.balance.measured DIR` (DIR holding one folder per
scenario); until then a strategy registered since is absent from the rows and from the command shown."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from mtl_core.weighting import WEIGHTINGS

MEASURED_CSV = Path(__file__).resolve().parent / "measured.csv"
# fixed weights, not strategies that adapt: static weights are the trade-off grid, PLE's decay a schedule
NOT_MEASURED = ("static", "ple_decay")
STRATEGIES = ",".join(w for w in WEIGHTINGS if w not in NOT_MEASURED)  # every other registered strategy
SWEPT = ("balance_loss_scale", "balance_conflict", "balance_speed")  # over STRATEGIES; the seesaw: its preset's


def command(scenario: str, strategies: str = STRATEGIES) -> str:
    """The CLI sweep that measures `scenario` (over `strategies` where the scenario sweeps every strategy)."""
    weightings = f"--weightings {strategies} " if scenario in SWEPT else ""
    return (f"python -m mtl_core sweep --preset {scenario} {weightings}--seeds 10-14 --baselines --threads 1 "
            f"--out runs/{scenario.removeprefix('balance_')}")


COMMANDS = {scenario: command(scenario) for scenario in (*SWEPT, "balance_seesaw")}


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
    if not len(part):
        return None, COMMANDS.get(scenario, "")
    shipped = set(part.weighting)  # the command that produced these rows, even if strategies were added since
    return part.reset_index(drop=True), command(scenario, ",".join(w for w in WEIGHTINGS if w in shipped))


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
