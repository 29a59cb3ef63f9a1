"""What the Experiments page keeps while a study trains and what it reads back: pure (no streamlit).

`Recorder` consumes `mtl_core.grid.iter_grid`'s progress (it is the job's `rows` callback): the records'
result rows, the validation loss of every run at every snapshot (loss vs step) and, for models with one
gate per task, the Jensen–Shannon distance between the tasks' mean gates at the end. `run_frame` turns
result rows into one row per run; `read_upload` loads a results.csv and says which view it belongs to;
`census_summary` and `PUBLISHED` are the Census view's numbers; `estimate_s` times a study on this machine.
"""
from __future__ import annotations

import time
from pathlib import Path
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pandas as pd

from mtl_core.data import DATASETS
from mtl_core.experiments.claims import ARCHS, FAILED_FACTOR, claim_b, per_seed
from mtl_core.experiments.gates import gate_distance
from mtl_core.grid import Batch, GridProgress, iter_grid, plan_grid
from mtl_core.models import build_model
from mtl_core.records import RESULT_COLUMNS, RecordsError, read_results, results_frame

from .config import Grid

MAX_BATCH = 256
# ---- published Census-Income reproductions (test AUC: income, never married), with their sources -------------
TORCH_RECHUB = ("torch-rechub, examples/ranking/README.md (preprocess_census.py: label-encoded categoricals, "
                "min-max scaled numeric columns, official test file halved into validation and test)")
IJANMC = ("IJANMC 2024, doi:10.2478/ijanmc-2024-0005, Census table (its own preprocessing; embeddings of 4, "
          "towers of 512-256 with batch norm)")
PUBLISHED = (  # (source id, our architecture id or None, their model name, income AUC, marital AUC)
    ("torch-rechub", "shared_bottom", "Shared-Bottom", 0.9560, 0.9948),
    ("torch-rechub", "mmoe", "MMOE", 0.9579, 0.9950),
    ("torch-rechub", "cgc", "PLE, 1 level (= CGC)", 0.9583, 0.9951),
    ("torch-rechub", "ple", "PLE, 2 levels", 0.9593, 0.9950),
    ("torch-rechub", "aitm", "AITM", 0.9595, 0.9951),
    ("ijanmc-2024", "single_task", "Single-Task", 0.9198, 0.9748),
    ("ijanmc-2024", "shared_bottom", "Shared-Bottom", 0.9148, 0.9754),
    ("ijanmc-2024", "mmoe", "MMoE", 0.9152, 0.9756),
    ("ijanmc-2024", "ple", "PLE", 0.9161, 0.9764),
)
SOURCES = {"torch-rechub": TORCH_RECHUB, "ijanmc-2024": IJANMC}


def published_frame() -> pd.DataFrame:
    return pd.DataFrame(PUBLISHED, columns=["source", "arch", "model", "income", "marital"])


# ---- the recorder -----------------------------------------------------------------------------------------------
@dataclass
class _Layout:
    tasks: tuple[str, ...]
    layout: dict | None


class Recorder:
    """Follows a grid's progress: `results` (records rows), `curves` (one row per run and snapshot: arch,
    axes, seed, step, epoch, val_loss = mean over tasks), `gates` (one row per finished run of a gated
    model: arch, axes, seed, distance)."""

    def __init__(self, grid: Grid, max_batch: int = MAX_BATCH, snapshots_per_epoch: int = 1, workers: int = 1):
        self.grid, self.max_batch, self.snapshots_per_epoch = grid, max_batch, snapshots_per_epoch
        self.workers = workers
        cfg = grid.cfg.with_changes(**{"train.snapshots_per_epoch": snapshots_per_epoch})
        self.batches: list[Batch] = plan_grid(cfg, grid.axes, grid.seeds, max_batch)  # what iter_grid trains
        self.axis_names = [k for k in grid.axes if k != "model"]
        self.results: list[dict] = []
        self.curves: list[dict] = []
        self.gates: list[dict] = []
        self._layouts: dict[int, _Layout] = {}
        self._seen: set[tuple[int, int]] = set()

    def events(self):
        """The progress events to train (what a Job pulls)."""
        return iter_grid(self.grid.cfg, self.grid.axes, self.grid.seeds, max_batch=self.max_batch,
                         snapshots_per_epoch=self.snapshots_per_epoch, workers=self.workers)

    def _run_keys(self, batch: Batch, r: int) -> dict[str, Any]:
        out = {"arch": batch.cfg.model.id, "seed": int(batch.runs[r].seed)}
        out.update({k: batch.axes[k][r] for k in self.axis_names})
        return out

    def _layout(self, i: int, tasks) -> _Layout:
        if i not in self._layouts:
            b = self.batches[i]
            spec = DATASETS[b.cfg.data.id].spec(dict(b.cfg.data.params))
            try:
                layout = build_model(b.cfg.model.id, spec, dict(b.cfg.model.params)).gate_layout()
            except Exception:  # noqa: BLE001 - no layout, no distance; training is unaffected
                layout = None
            self._layouts[i] = _Layout(tuple(tasks), layout)
        return self._layouts[i]

    def __call__(self, progress: GridProgress) -> list[dict]:
        snap = progress.snapshot
        if snap is not None and (progress.batch, snap.step) not in self._seen:
            self._seen.add((progress.batch, snap.step))
            batch = self.batches[progress.batch]
            loss = np.nanmean(np.asarray(snap.val_loss, dtype=float), axis=1) if snap.val_loss is not None else None
            status = snap.status if snap.status is not None else np.array(["ok"] * len(batch.runs))
            for r in range(len(batch.runs)):
                ok = str(status[r]) == "ok" and loss is not None and np.isfinite(loss[r])
                self.curves.append({**self._run_keys(batch, r), "step": int(snap.step), "epoch": float(snap.epoch),
                                    "val_loss": float(loss[r]) if ok else float("nan")})
        if progress.new_rows:
            self.results.extend(progress.new_rows)
            self._gate_rows(progress)
        return progress.new_rows

    def _gate_rows(self, progress: GridProgress) -> None:
        snap, batch = progress.snapshot, self.batches[progress.batch]
        if snap is None or not snap.gates:
            return
        lay = self._layout(progress.batch, snap.tasks)
        if lay.layout is None:
            return
        try:
            dist = gate_distance(snap.gates, lay.layout, snap.tasks)
        except (KeyError, ValueError):
            dist = None
        if dist is None:
            return
        for r in range(len(batch.runs)):
            ok = snap.status is None or str(snap.status[r]) == "ok"
            self.gates.append({**self._run_keys(batch, r), "distance": float(dist[r]) if ok else float("nan")})

    # -- frames ------------------------------------------------------------------------------------------------
    def results_frame(self) -> pd.DataFrame:
        return results_frame(self.results)

    def curves_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.curves, columns=["arch", "seed", *self.axis_names, "step", "epoch", "val_loss"])

    def gates_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.gates, columns=["arch", "seed", *self.axis_names, "distance"])


# ---- one row per run ----------------------------------------------------------------------------------------------
def axis_columns(df: pd.DataFrame) -> list[str]:
    """Grid axes in a results table other than the model (e.g. "data.rho", "data.c")."""
    return [c for c in df.columns if c not in RESULT_COLUMNS and "." in c]


def run_frame(results: pd.DataFrame, loss: str = "test_loss") -> pd.DataFrame:
    """One row per run: arch, weighting, seed, every axis, rho (the relatedness), loss (mean over tasks;
    NaN for a diverged run), status, collapsed (any task), failed (collapsed, or a loss over 3× the median of
    its model and setting: a task that did not learn), diverged_step."""
    if results is None or results.empty:
        return pd.DataFrame(columns=["arch", "weighting", "seed", "rho", "loss", "status", "collapsed", "failed"])
    df = results.copy()
    if loss not in df.columns:
        loss = "val_loss"
    axes = axis_columns(df)
    df["rho"] = pd.to_numeric(df.get("relatedness"), errors="coerce")
    if "collapsed" in df.columns:
        df["collapsed"] = df["collapsed"].astype(str).str.lower().isin(("true", "1"))
    else:
        df["collapsed"] = False
    if "status" not in df.columns:
        df["status"] = "ok"
    df["loss"] = pd.to_numeric(df[loss], errors="coerce")
    keys = [c for c in ("data", "arch", "weighting", "seed") if c in df.columns] + axes
    agg = dict(rho=("rho", "first"), loss=("loss", "mean"), status=("status", "first"),
               collapsed=("collapsed", "any"))
    if "diverged_step" in df.columns:
        agg["diverged_step"] = ("diverged_step", "first")
    runs = df.groupby(keys, as_index=False, dropna=False, sort=False).agg(**agg)
    runs.loc[runs["status"] != "ok", "loss"] = np.nan
    group = [c for c in ("data", "weighting") if c in runs.columns] + [c for c in axes if c != "data.rho"]
    med = runs.groupby(["arch", "rho", *group], dropna=False)["loss"].transform("median")
    runs["failed"] = runs["collapsed"] | (runs["loss"] > FAILED_FACTOR * med)  # as the verdicts count them
    runs.attrs["loss"] = loss
    return runs


def degradation(runs: pd.DataFrame, knob: str, rho_high: float = 1.0, rho_low: float = 0.5,
                ratio: float = 2.0) -> pd.DataFrame:
    """Per (knob value, arch): mean loss at rho_low and rho_high, their difference (the degradation) and its
    standard error, the number of runs, and claim (b)'s outcome at that value (holds / fails / unclear, the
    rule of `claims.claim_b`); `knob` is an axis column ("data.ab_seed")."""
    outcome = {}  # claim (b) per knob value, by the one rule (claims.claim_b: paired by seed)
    for value, g in runs.groupby(knob, sort=False):
        archs = set(g["arch"])
        try:
            outcome[value] = claim_b(per_seed(g), [a for a in ARCHS if a in archs], rho_high, rho_low, ratio)[0] \
                if set(ARCHS) <= archs else "unclear"
        except KeyError:  # a model lacks one of the two ρ
            outcome[value] = "unclear"
    rows = []
    for (value, arch), g in runs.groupby([knob, "arch"], sort=False):
        lo = g[np.isclose(g["rho"], rho_low)]["loss"].dropna()
        hi = g[np.isclose(g["rho"], rho_high)]["loss"].dropna()
        if len(lo) == 0 or len(hi) == 0:
            continue
        se = float(np.hypot(lo.std(ddof=1) / np.sqrt(len(lo)) if len(lo) > 1 else 0.0,
                            hi.std(ddof=1) / np.sqrt(len(hi)) if len(hi) > 1 else 0.0))
        rows.append({"value": value, "arch": arch, "low": float(lo.mean()), "high": float(hi.mean()),
                     "degradation": float(lo.mean() - hi.mean()), "se": se, "runs": int(len(lo) + len(hi)),
                     "claim_b": outcome[value]})
    out = pd.DataFrame(rows, columns=["value", "arch", "low", "high", "degradation", "se", "runs", "claim_b"])
    try:
        out["_order"] = pd.to_numeric(out["value"])
        out = out.sort_values(["_order"], kind="stable").drop(columns="_order")
    except (ValueError, TypeError):
        pass
    return out.reset_index(drop=True)


# ---- Census ------------------------------------------------------------------------------------------------------
def census_summary(results: pd.DataFrame, metric: str = "test_auc") -> pd.DataFrame:
    """(arch, task) -> mean, sd and number of finished runs of `metric`."""
    df = results[results.get("status", "ok") == "ok"] if "status" in results.columns else results
    df = df.assign(value=pd.to_numeric(df[metric], errors="coerce")).dropna(subset=["value"])
    g = df.groupby(["arch", "task"], sort=False)["value"]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1).fillna(0.0), "n": g.size()}).reset_index()
    return out


# ---- loading a results.csv -----------------------------------------------------------------------------------------
@dataclass
class Loaded:
    frame: pd.DataFrame | None
    kind: str  # "sweep" (synthetic, over ρ), "census", or "" when it cannot be shown
    error: str = ""


def read_upload(source: str | IO, name: str = "results.csv") -> Loaded:
    """A results.csv (path or file object) -> the frame and the view it belongs to, or a sentence saying why
    it cannot be shown. Never raises."""
    try:
        df = read_results(source)
    except RecordsError as err:
        return Loaded(None, "", str(err))
    except Exception as err:  # noqa: BLE001 - a user's file: a sentence, never a traceback
        return Loaded(None, "", f"{type(err).__name__}: {str(err)[:200]}")
    return classify(df)


def classify(df: pd.DataFrame) -> Loaded:
    """A results frame -> the view it belongs to ("sweep" over ρ, "census"), or a sentence why none."""
    if df.empty:
        return Loaded(None, "", "the file has no rows")
    data = set(df["data"].astype(str))
    if data == {"census"}:
        if "test_auc" not in df.columns and "val_auc" not in df.columns:
            return Loaded(None, "", "a Census results.csv needs a test_auc or val_auc column")
        return Loaded(df, "census")
    if data == {"synthetic"}:
        if "relatedness" not in df.columns or pd.to_numeric(df["relatedness"], errors="coerce").isna().all():
            return Loaded(None, "", "the file has no task correlation (column 'relatedness'): run the sweep over "
                                    "ρ, e.g. `python -m mtl_core sweep --preset mmoe_paper_full --out DIR`")
        return Loaded(df, "sweep")
    return Loaded(None, "", "this page shows studies on the synthetic data (over ρ) or on Census-Income; the "
                            f"file holds data {', '.join(sorted(data))}: open it in the Playground's study panel")


# ---- time on this machine -------------------------------------------------------------------------------------------
def estimate_s(grid: Grid, probe_runs: int = 32, probe_s: float = 1.5) -> float:
    """Seconds the grid would take here, from training each architecture's first batch briefly: each is
    trained with up to `probe_runs` runs for about `probe_s` seconds (its seconds per step per run are
    measured after the first snapshot, so setup is not counted twice), then scaled to every batch's runs and
    steps, plus each batch's measured setup time scaled by its runs."""
    from mtl_core.train import Trainer  # noqa: PLC0415 - only when asked

    total = 0.0
    batches = plan_grid(grid.cfg, grid.axes, grid.seeds, MAX_BATCH)
    per_arch: dict[str, tuple[float, float]] = {}  # arch -> (setup s per run, step s per run)
    for b in batches:
        arch = b.cfg.model.id
        if arch not in per_arch:
            runs = b.runs[:probe_runs]
            t0 = time.perf_counter()
            trainer = Trainer(b.cfg, runs, snapshot_interval_s=probe_s / 3, probe_cosine=False)
            it = iter(trainer)
            first = next(it)  # step 0 (setup and a validation pass)
            t1 = time.perf_counter()
            setup = (t1 - t0) / len(runs)
            step0, last = first.step, first
            while time.perf_counter() - t1 < probe_s:
                try:
                    last = next(it)
                except StopIteration:
                    break
                if last.done:
                    break
            t2 = time.perf_counter()
            steps = max(1, last.step - step0)
            per_arch[arch] = (setup, (t2 - t1) / steps / len(runs))
            it.close()
        setup, step = per_arch[arch]
        total += len(b.runs) * (setup + step * b.steps)
    return total


__all__ = ["Recorder", "run_frame", "degradation", "census_summary", "read_upload", "classify", "Loaded", "estimate_s",
           "PUBLISHED", "SOURCES", "published_frame"]


# ---- the quick preset's verdicts on fresh seeds (benchmarks/claims_robustness.py) ----------------------------------
ROBUSTNESS_CSV = Path(__file__).resolve().parents[3] / "assets" / "experiments" / "claims_robustness.csv"


SCREEN_CSV = ROBUSTNESS_CSV.with_name("regime_screen.csv")
_CLAIM_COLUMNS = {"seeds", "n_seeds", "claim_a", "claim_b", "claim_c", "claim_d"}


def _saved(path: Path, need: set[str]) -> pd.DataFrame | None:
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError):
        return None
    return df if need <= set(df.columns) else None


_RULED_COLUMNS = {*(f"outcome_{c}" for c in "abcd"), "c_diff_pct", "c_low_pct", "c_high_pct", "c_agree", "c_n"}


def robustness_table(path: Path = ROBUSTNESS_CSV) -> pd.DataFrame | None:
    """The saved robustness table (one row per seed set and failed-runs choice, each claim judged by the one rule,
    claim (c)'s paired difference with its interval), or None if absent or judged before that rule."""
    return _saved(path, _CLAIM_COLUMNS | _RULED_COLUMNS | {"failed_runs"})


def regime_screen_table(path: Path = SCREEN_CSV) -> pd.DataFrame | None:
    """The saved regime screen (one row per regime: its changes to the quick preset, the four verdicts,
    rises and spreads), or None if absent."""
    df = _saved(path, _CLAIM_COLUMNS | {"changes"})
    return None if df is None else df.assign(changes=df["changes"].fillna("").astype(str))


def robustness_counts(df: pd.DataFrame) -> dict:
    """{"small": {claim: (sets where it holds, sets)}, "small_left_out": {...}, "outcomes": {claim: {holds, fails,
    unclear}} (failed runs kept), "large": [rows of the big sets, kept/left out]}: sets of under 100 seeds are
    the small ones."""
    def count(part: pd.DataFrame) -> dict:
        return {c: (int((part[f"outcome_{c}"] == "holds").sum()), len(part)) for c in "abcd"}
    small = df[df.n_seeds < 100]
    kept = small[small.failed_runs == "kept"]
    return {"small": count(kept), "small_left_out": count(small[small.failed_runs == "left_out"]),
            "outcomes": {c: {o: int((kept[f"outcome_{c}"] == o).sum()) for o in ("holds", "fails", "unclear")}
                         for c in "abcd"},
            "large": df[df.n_seeds >= 100].to_dict("records")}


def has_outcomes(df: pd.DataFrame) -> bool:
    """Whether a saved claims table was judged by the one rule (`outcome_a`..) or holds only the earlier point
    verdicts (`claim_a`.. alone, without the per-seed losses that would let it be re-judged)."""
    return all(f"outcome_{c}" in df.columns for c in "abcd")
