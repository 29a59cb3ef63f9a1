"""What our own runs showed, shipped with the app: `measured.csv` holds the results rows (with MTL gains
and, for the conflict scenario, the conflict statistics) of one CLI sweep per scenario over every
registered strategy (`STRATEGIES`, from the registry), tagged with the scenario. Re-measure with the
commands in `COMMANDS` and `python -m app.sections.balance.measured DIR` (DIR holding one folder per
scenario); until then a strategy registered since is absent from the rows and from the command shown."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from mtl_core.weighting import WEIGHTINGS

MEASURED_CSV = Path(__file__).resolve().parent / "measured.csv"
# fixed weights, not strategies that adapt: static weights are the trade-off grid, PLE's decay a schedule
NOT_MEASURED = ("static", "ple_decay")
STRATEGIES = ",".join(w for w in WEIGHTINGS if w not in NOT_MEASURED)  # every other registered strategy
SEEDS = "100-109"  # fresh: the scenarios were chosen on seeds 0-2 and first measured on 10-14
SWEPT = ("balance_loss_scale", "balance_conflict", "balance_speed")  # over STRATEGIES; the seesaw: its preset's


def command(scenario: str, strategies: str = STRATEGIES) -> str:
    """The CLI sweep that measures `scenario` (over `strategies` where the scenario sweeps every strategy)."""
    weightings = f"--weightings {strategies} " if scenario in SWEPT else ""
    return (f"python -m mtl_core sweep --preset {scenario} {weightings}--seeds {SEEDS} --baselines --threads 1 "
            f"--workers 2 --out runs/{scenario.removeprefix('balance_')}")


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


# ---- the sentences above the table, generated from the same rows ----------------------------------------------
def _seed_range(seeds) -> str:
    s = sorted(int(x) for x in set(seeds))
    return f"{s[0]}–{s[-1]}" if s == list(range(s[0], s[-1] + 1)) else ", ".join(map(str, s))


def featured(scenario: str, present) -> list[str]:
    """The strategies a scenario's story is about: its preset's own strategies (not EW), then its extras."""
    from mtl_core.experiments.balance import SCENARIOS
    from mtl_core.presets import PRESETS

    ids = list(PRESETS[scenario].axes.get("weighting", ())) + list(SCENARIOS[scenario].extra)
    return [w for w in dict.fromkeys(ids) if w != "ew" and w in set(present)]


def found_text(scenario: str, df: pd.DataFrame, tr, names: dict[str, str]) -> str:
    """"In our runs (seeds 100–109): …": the headline numbers of the shipped rows in the page's language, every
    comparison with its interval and agreeing seeds (the same verdicts as the table below it)."""
    from app.figures.rule import rule_text
    from mtl_core.experiments import balance as bx

    nm = lambda k: names.get(k, k)  # noqa: E731
    v = bx.verdict_frame(df)
    if v.empty:
        return ""
    word = {"helps": "better", "hurts": "worse", "unclear": "unclear"}
    rule = {(r.arch, r.weighting, r.task): rule_text(word[r.effect], r.agree, r.n, r.change_pct / 100,
                                                    r.low_pct / 100, r.high_pct / 100, tr) for r in v.itertuples()}
    value = {(r.arch, r.weighting, r.task): r.value for r in v.itertuples()}
    mtl = df[df.role == bx.ROLE_MTL]
    single = df[df.role == bx.ROLE_SINGLE].groupby("task").test_loss.mean()
    parts = [tr("bal.found.intro", seeds=_seed_range(df.seed), n=df.seed.nunique(), strategies=mtl.weighting.nunique())]
    arch = str(mtl.arch.iloc[0])
    tasks = list(dict.fromkeys(mtl.task))
    if scenario == "balance_seesaw":
        seesaw = bx.seesaw_frame(df).set_index(["arch", "weighting"])
        ew = [tr("bal.found.seesaw_arch", arch=nm(a), a=r.gain_a, b=r.gain_b)
              for (a, w), r in seesaw.iterrows() if w == "ew"]
        parts.append(tr("bal.found.seesaw", items="; ".join(ew)))
        for a in dict.fromkeys(seesaw.index.get_level_values(0)):
            lines = [f"{nm(w)} {task} {rule[(a, w, task)]}" for w in featured(scenario, mtl.weighting)
                     for task in tasks if (a, w, task) in rule]
            if lines:
                parts.append(f"{nm(a)}: " + "; ".join(lines) + ".")
        return " ".join(parts)
    ew = mtl[(mtl.weighting == "ew") & (mtl.arch == arch)].groupby("task").test_loss
    parts.append(tr("bal.found.ew", items="; ".join(
        tr("bal.found.ew_task", task=task, mean=ew.mean()[task], sd=ew.std()[task], single=single.get(task, np.nan))
        for task in tasks)))
    if scenario == "balance_conflict" and "conflict_share" in mtl:
        runs = mtl.drop_duplicates(["weighting", "seed"]).groupby("weighting")[["conflict_share", "conflict_share_after"]]
        c = runs.mean() * 100
        parts.append(tr("bal.found.conflict", before=c.loc["ew", "conflict_share"], after=c.loc["ew", "conflict_share_after"],
                        items=", ".join(f"{nm(w)} {c.loc[w, 'conflict_share_after']:.1f} %"
                                        for w in featured(scenario, c.index))))
    for w in featured(scenario, mtl.weighting):
        parts.append(tr("bal.found.strategy", name=nm(w), items="; ".join(
            f"{task} {value[(arch, w, task)]:.3g} ({rule[(arch, w, task)]})" for task in tasks
            if (arch, w, task) in rule)))
    for task in tasks:
        better = v[(v.task == task) & (v.effect == "helps")].sort_values("change_pct", ascending=False)
        worse = v[(v.task == task) & (v.effect == "hurts")]
        parts.append(tr("bal.found.count", task=task, better=len(better), worse=len(worse), n=len(v[v.task == task]),
                        top=", ".join(f"{nm(r.weighting)} {r.change_pct:+.0f} %" for r in better.head(3).itertuples())
                        or "—"))
    return " ".join(parts)
