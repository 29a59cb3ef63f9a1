"""Records: what a run or a study produced, in one schema shared by the CLI, the app and the engine.

history  long format, one row per (snapshot, run, task, split): step, epoch, run, seed, task, split
         (train | val | val_single_task | test | test_single_task), loss, auc, weight.
summary  summary.json of one run: config, final val and test metrics per task, status, throughput.
results  results.csv of a study, one row per (run, task): RESULT_COLUMNS plus one column per grid axis
         (named by its flat key, e.g. "data.rho"), carrying val and test metrics, the run's status
         (ok / diverged, and the step) and whether the task collapsed to a constant prediction. Optional
         columns, present when the study produced them: the recorded gradient conflict per run
         (`CONFLICT_METRICS`, see `Trainer(record_conflict=True)`) and, for studies with single-task
         baselines, `mtl_gain` per row (`mtl_core.experiments.balance.add_mtl_gain`); `role` (mtl, static or
         single_task) and `step_ms` (time per step of the run's batch) in the balancing lab's studies;
         `run_key`, a hash of the run's full configuration, seed and role, in the CLI's sweeps (what a
         resumed sweep skips; `mtl_core.study`). Files without it load as before.
Every file carries SCHEMA_VERSION; `read_results` refuses another version or missing columns with a
message naming them.
"""
from __future__ import annotations

import json
from typing import IO, Any, Iterable, Mapping, Sequence

import pandas as pd

from .config import ExperimentConfig
from .data import DATASETS
from .engine.snapshot import CONFLICT_METRICS, Snapshot
from .engine.health import HEALTH_METRICS

SCHEMA_VERSION = 2
RESULT_COLUMNS = ("schema_version", "data", "arch", "weighting", "seed", "relatedness_param", "relatedness",
                  "task", "task_kind", "val_loss", "val_auc", "test_loss", "test_auc", "status", "diverged_step",
                  "collapsed", "label_pearson", "batch_runs", "samples_per_s", "elapsed_s")
REQUIRED_RESULT_COLUMNS = ("schema_version", "data", "arch", "weighting", "seed", "task", "val_loss", "status")
# optional per-run columns (present when recorded): the gradient conflict of `Trainer(record_conflict=True)`
OPTIONAL_RESULT_COLUMNS = (*CONFLICT_METRICS, *HEALTH_METRICS, "role", "step_ms", "single_task_metric", "mtl_gain", "mtl_gain_pct",
                           "run_key")
HISTORY_COLUMNS = ("step", "epoch", "run", "seed", "task", "split", "loss", "auc", "weight")


class RecordsError(ValueError):
    """A records file this version cannot read; the message says what is missing or different."""


def _f(x) -> float:
    return float(x) if x is not None else float("nan")


# ---- history ----------------------------------------------------------------------------------------
def history_rows(snap: Snapshot) -> list[dict]:
    """Long-format rows of one snapshot: one per run x task x split."""
    splits = [("train", snap.train_loss, None), ("val", snap.val_loss, snap.val_auc),
              ("val_single_task", snap.baseline_val_loss, snap.baseline_val_auc),
              ("test", snap.test_loss, snap.test_auc),
              ("test_single_task", snap.baseline_test_loss, snap.baseline_test_auc)]
    rows = []
    for r, seed in enumerate(snap.seeds):
        for t, task in enumerate(snap.tasks):
            common = dict(step=snap.step, epoch=round(snap.epoch, 4), run=r, seed=seed, task=task)
            for split, loss, auc in splits:
                if loss is not None:
                    rows.append(dict(common, split=split, loss=_f(loss[r, t]),
                                     auc=_f(auc[r, t]) if auc is not None else float("nan"),
                                     weight=float(snap.weights[r, t])))
    return rows


def history_frame(snaps: Iterable[Snapshot]) -> pd.DataFrame:
    rows = [row for s in snaps for row in history_rows(s)]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


# ---- summary.json -----------------------------------------------------------------------------------
def final_metrics(snap: Snapshot, run: int = 0) -> dict[str, dict[str, float]]:
    """{task: {val_loss, test_loss, (val_auc, test_auc for binary tasks)}} of one run."""
    out = {}
    for t, (task, kind) in enumerate(zip(snap.tasks, snap.task_kinds)):
        m = {"val_loss": _f(snap.val_loss[run, t]), "test_loss": _f(None if snap.test_loss is None
                                                                    else snap.test_loss[run, t])}
        if kind == "binary":
            m["val_auc"] = _f(snap.val_auc[run, t])
            m["test_auc"] = _f(None if snap.test_auc is None else snap.test_auc[run, t])
        out[task] = m
    return out


def summary(cfg: ExperimentConfig, final: Snapshot, parameters: int, run: int = 0) -> dict[str, Any]:
    """The summary.json of one run."""
    out = {
        "schema_version": SCHEMA_VERSION,
        "config": cfg.to_dict(),
        "parameters": parameters,
        "final": final_metrics(final, run),
        "status": str(final.status[run]),
        "diverged_step": int(final.diverged_step[run]),
        "collapsed": {task: bool(final.collapsed[run, t]) for t, task in enumerate(final.tasks)},
        "samples_per_s": final.samples_per_s,
        "device": final.device,
        "elapsed_s": final.elapsed_s,
        "extra_metrics": {k: float(v[run]) for k, v in final.extra_metrics.items()},
    }
    if final.baseline_val_loss is not None:
        out["single_task_baseline"] = {
            task: {"val_loss": _f(final.baseline_val_loss[run, t]),
                   "test_loss": _f(None if final.baseline_test_loss is None else final.baseline_test_loss[run, t])}
            for t, task in enumerate(final.tasks)}
    return out


def write_summary(path, summary_dict: dict) -> None:
    with open(path, "w") as f:
        json.dump(summary_dict, f, indent=2, default=list)


# ---- results.csv ------------------------------------------------------------------------------------
def result_rows(configs: Sequence[ExperimentConfig], final: Snapshot, axes: Mapping[str, Sequence[str]] | None = None
                ) -> list[dict]:
    """One row per (run, task) of a finished batch. configs[r] is run r's configuration; axes maps each
    grid axis (flat key) to its per-run value as text."""
    rows = []
    pearson = final.extra_metrics.get("label_pearson")
    for r, cfg in enumerate(configs):
        knob = DATASETS[cfg.data.id].relatedness_param
        for t, (task, kind) in enumerate(zip(final.tasks, final.task_kinds)):
            row = dict(schema_version=SCHEMA_VERSION, data=cfg.data.id, arch=cfg.model.id, weighting=cfg.weighting.id,
                       seed=int(final.seeds[r]), relatedness_param=knob or "",
                       relatedness=float(cfg.data.params[knob]) if knob else float("nan"))
            row.update({key: values[r] for key, values in (axes or {}).items()})
            row.update(task=task, task_kind=kind, val_loss=_f(final.val_loss[r, t]), val_auc=_f(final.val_auc[r, t]),
                       test_loss=_f(None if final.test_loss is None else final.test_loss[r, t]),
                       test_auc=_f(None if final.test_auc is None else final.test_auc[r, t]),
                       status=str(final.status[r]), diverged_step=int(final.diverged_step[r]),
                       collapsed=bool(final.collapsed[r, t]),
                       label_pearson=_f(None if pearson is None else pearson[r]),
                       batch_runs=len(configs), samples_per_s=final.samples_per_s, elapsed_s=final.elapsed_s)
            row.update({k: float(final.extra_metrics[k][r]) for k in (*CONFLICT_METRICS, *HEALTH_METRICS)
                        if k in final.extra_metrics})
            rows.append(row)
    return rows


def results_frame(rows: Sequence[dict]) -> pd.DataFrame:
    """Rows -> a DataFrame with the standard columns first, then the axis columns."""
    df = pd.DataFrame(list(rows))
    if df.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    axes = [c for c in df.columns if c not in RESULT_COLUMNS and c not in OPTIONAL_RESULT_COLUMNS]
    return df[[c for c in (*RESULT_COLUMNS, *OPTIONAL_RESULT_COLUMNS) if c in df.columns] + axes]


def read_results(source: str | IO) -> pd.DataFrame:
    """Load a results.csv (a path or a file object), checking its schema version and columns."""
    try:
        df = pd.read_csv(source)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise RecordsError(f"not a results.csv: it could not be read as CSV ({err})") from None
    missing = [c for c in REQUIRED_RESULT_COLUMNS if c not in df.columns]
    if "schema_version" in missing:
        raise RecordsError("not a results.csv of this version: it has no 'schema_version' column (files "
                           f"from `python -m mtl_core sweep` have it; this app reads version {SCHEMA_VERSION})")
    versions = sorted(set(df["schema_version"].dropna().astype(int)))
    if versions != [SCHEMA_VERSION]:
        raise RecordsError(f"results.csv has schema version {', '.join(map(str, versions)) or 'none'}; this "
                           f"version reads {SCHEMA_VERSION}: re-run the study with this version of the CLI")
    if missing:
        raise RecordsError("results.csv is missing the column(s) " + ", ".join(missing))
    if "collapsed" in df:
        df["collapsed"] = df["collapsed"].astype(str).str.lower().isin(("true", "1"))
    return df


def run_counts(df: pd.DataFrame) -> dict[str, int]:
    """How many runs (not rows) ended ok, diverged, or with a collapsed task."""
    keys = [c for c in ("data", "arch", "weighting", "seed") if c in df] + \
        [c for c in df.columns if c not in RESULT_COLUMNS and c not in OPTIONAL_RESULT_COLUMNS]
    runs = df.groupby(keys, dropna=False).agg(status=("status", "first"), collapsed=("collapsed", "any"))
    return {"runs": len(runs), "diverged": int((runs["status"] == "diverged").sum()),
            "collapsed": int(runs["collapsed"].sum())}
