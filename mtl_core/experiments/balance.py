"""The loss-balancing lab: provoke a training problem of MTL, then watch each weighting strategy cure it or not.

Four scenarios, each a preset of section "balance" (`mtl_core.presets`), whose axes are the strategies (and,
for the seesaw, the architectures) and whose `Scenario` here says what else the study trains:

    balance_loss_scale  task2's labels ×10 (`data.label_scale_b`): its loss is 100× larger and drives the
                        shared layers under EW; task1 (the small-scale task) falls behind its single-task
                        baseline. Static weights trace the trade-off.
    balance_conflict    ρ = −0.9 and task2 ×3: the task gradients on the shared parameters point apart on half
                        the steps; the gradient cosine is recorded BEFORE the strategy combines the gradients
                        and AFTER (the cosine between the applied update and each task's gradient).
    balance_speed       task1 linear (m = 0), task2 with 10 sine terms (`data.m_b`): one easy, one hard task;
                        loss ratios L_k(t)/L_k(0) and the weights that chase them (GradNorm, DWA, FAMO).
    balance_seesaw      Shared-Bottom, MMoE and CGC × EW, UW and GradNorm against single-task baselines: the
                        seesaw map of the PLE paper.

A study is a list of parts trained one after another through the batched engine (`mtl_core.grid`): the
strategies (one batch each), a grid of static weights (ONE batch: the weights are a per-run setting) and
the single-task baselines (one batch, same data draws, same budget). `iter_study` yields progress;
`StudyRecord` keeps what finished (results rows, weight and loss trajectories, per-step conflict) and
turns it into the tables the page draws and the CLI prints:

    add_mtl_gain      MTL gain per row against the single-task baseline of the same seed (PLE paper:
                      higher is better on both axes; AUC: MTL − single, MSE: single − MTL; and in % of
                      the baseline)
    seesaw_frame      gain per (architecture, strategy) and task: mean and sd over seeds
    tradeoff_frame    final task1 vs task2 loss: the static-weight curve (non-dominated points flagged)
                      and every strategy's point
    conflict_table    share of steps in conflict before / after, mean cosines
    comparison_table  final metrics, gains, time per step relative to EW
    verdicts          each strategy against EW, paired by seed (a t-test at 5%): helps, hurts or no clear
                      difference, per task, with the numbers
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import ExperimentConfig
from ..grid import GridProgress, iter_grid, plan_grid
from ..records import results_frame
from ..weighting import WEIGHTINGS

SECTION = "balance"
ROLE_MTL, ROLE_STATIC, ROLE_SINGLE = "mtl", "static", "single_task"
REFERENCE = "ew"  # every strategy is judged against equal weights on the same architecture and seeds
REL_THRESHOLD = 0.02  # a difference under 2% of the reference is "no clear difference" whatever the test says


def available(ids: Sequence[str]) -> tuple[str, ...]:
    """The ids that are registered weightings, in the given order (strategies added later appear by
    themselves wherever a scenario names them)."""
    return tuple(w for w in ids if w in WEIGHTINGS)


def static_grid(ratios: Sequence[float]) -> tuple[tuple[float, float], ...]:
    """Static weight pairs (w1, w2) with w1/w2 = ratio and w1 + w2 = 2 (EW's total)."""
    return tuple((round(2 * r / (1 + r), 6), round(2 / (1 + r), 6)) for r in ratios)


@dataclass(frozen=True)
class Scenario:
    """What a balance preset trains besides its axes, and which views tell its story."""

    id: str  # the preset id
    problem: str  # "loss_scale" | "conflict" | "speed" | "seesaw"
    static: tuple[tuple[float, float], ...] = ()  # static-weight grid for the trade-off curve
    record_conflict: bool = False
    baselines: bool = True
    extra: tuple[str, ...] = ()  # further strategies the page offers first (registered ones only)


SCENARIOS: dict[str, Scenario] = {s.id: s for s in (
    Scenario("balance_loss_scale", "loss_scale",
             static=static_grid((1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)),
             extra=("mgda", "cagrad", "pcgrad", "rlw")),
    Scenario("balance_conflict", "conflict", record_conflict=True,
             static=static_grid((0.3, 1.0, 3.0, 9.0, 30.0, 100.0)), extra=("uw", "rlw")),
    Scenario("balance_speed", "speed", static=static_grid((0.1, 0.3, 1.0, 3.0, 10.0)),
             extra=("uw", "nash_mtl")),
    Scenario("balance_seesaw", "seesaw", extra=("pcgrad", "nash_mtl")),
)}


# ---- planning and running a study ------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    role: str  # ROLE_MTL, ROLE_STATIC or ROLE_SINGLE
    cfg: ExperimentConfig
    axes: Mapping[str, tuple]
    seeds: tuple[int, ...]

    @property
    def n_runs(self) -> int:
        from ..seeds import count_runs  # noqa: PLC0415 - the one place this product is computed

        return count_runs(self.seeds, self.axes)


def data_axes(axes: Mapping[str, Sequence]) -> dict[str, tuple]:
    """The data knobs among a grid's axes: the single-task baselines need the same draws."""
    return {k: tuple(v) for k, v in axes.items() if k.startswith("data")}


def plan_study(cfg: ExperimentConfig, axes: Mapping[str, Sequence], seeds: Sequence[int], *,
               baselines: bool = True, static: Sequence[Sequence[float]] = ()) -> list[Part]:
    """The parts of a study: the strategies (`axes` over cfg), the static-weight grid on cfg's architecture
    (one batch), the single-task baselines (same data axes, seeds, epochs, batch size and learning rate).
    Every part is validated here (ConfigError naming the field), before anything trains."""
    seeds = tuple(int(s) for s in seeds)
    parts = [Part(ROLE_MTL, cfg, {k: tuple(v) for k, v in axes.items()}, seeds)]
    if static:
        s_cfg = cfg.with_changes(weighting="static")
        s_axes = {**{k: v for k, v in data_axes(axes).items()},
                  "weighting.weights": tuple(tuple(float(x) for x in w) for w in static)}
        parts.append(Part(ROLE_STATIC, s_cfg, s_axes, seeds))
    if baselines and not (cfg.model.id == "single_task" and "model" not in axes):
        parts.append(Part(ROLE_SINGLE, cfg.with_changes(model="single_task", weighting="ew"), data_axes(axes), seeds))
    for p in parts:
        plan_grid(p.cfg, p.axes, p.seeds)
    return parts


def scenario_parts(preset, cfg: ExperimentConfig | None = None, axes: Mapping[str, Sequence] | None = None,
                   seeds: Sequence[int] | None = None, *, baselines: bool | None = None,
                   static: bool = True) -> list[Part]:
    """The study of a balance preset, optionally with another configuration, axes or seeds."""
    sc = SCENARIOS.get(preset.id, Scenario(preset.id, "custom"))
    return plan_study(cfg or preset.experiment(), dict(preset.axes) if axes is None else axes,
                      preset.seeds if seeds is None else seeds,
                      baselines=sc.baselines if baselines is None else baselines, static=sc.static if static else ())


@dataclass
class StudyProgress:
    runs_done: int
    runs_total: int
    steps_done: int
    steps_total: int
    part: str  # the role of the part in progress
    grid: GridProgress

    @property
    def new_rows(self) -> list[dict]:
        """The result rows of runs that finished now, with their role and time per step."""
        return with_role(self.grid.new_rows, self.part, self.grid.batch_cfg, self.grid.snapshot)


def with_role(rows: Sequence[dict], role: str, cfg: ExperimentConfig | None, final=None) -> list[dict]:
    """Result rows tagged with their part's role and `step_ms`, the milliseconds one optimisation step of
    their batch took (all its runs at once; evaluation and conflict recording excluded): CPU time on a CPU
    (`Snapshot.train_cpu_s`, robust when other programs share the machine), wall time on an accelerator."""
    if final is not None and final.step > 0 and str(final.device) == "cpu" and final.train_cpu_s > 0:
        ms = 1000 * final.train_cpu_s / final.step
        return [dict(r, role=role, step_ms=ms) for r in rows]
    bs = cfg.train.batch_size if cfg is not None else np.nan
    return [dict(r, role=role, step_ms=1000 * r["batch_runs"] * bs / r["samples_per_s"]
                 if r.get("samples_per_s") else np.nan) for r in rows]


def study_size(parts: Sequence[Part], max_batch: int = 256) -> tuple[int, int]:
    """(runs, steps) of a study, as counted by its progress."""
    runs = steps = 0
    for p in parts:
        for b in plan_grid(p.cfg, p.axes, p.seeds, max_batch):
            runs += len(b.runs)
            steps += b.steps
    return runs, steps


def iter_study(parts: Sequence[Part], *, record_conflict: bool = False, snapshots_per_epoch: int = 2,
               max_batch: int = 256, workers: int = 1) -> Iterator[StudyProgress]:
    """Train the parts one after another, yielding progress after every snapshot (stopping = stopping
    iteration; what finished is in the rows already yielded). workers: batches trained at once
    (`iter_grid`)."""
    runs_total, steps_total = study_size(parts, max_batch)
    runs_before = steps_before = 0
    for part in parts:
        rec = record_conflict and part.role != ROLE_SINGLE
        last = None
        for g in iter_grid(part.cfg, part.axes, part.seeds, max_batch=max_batch,
                           snapshots_per_epoch=snapshots_per_epoch, record_conflict=rec, workers=workers):
            last = g
            yield StudyProgress(runs_before + g.runs_done, runs_total, steps_before + g.steps_done, steps_total,
                                part.role, g)
        if last is not None:
            runs_before += last.runs_total
            steps_before += last.steps_total


def _run_labels(g: GridProgress) -> list[dict]:
    """Per run of the batch in progress: arch, weighting, seed and the grid axes' values."""
    cfg = g.batch_cfg
    seeds = g.snapshot.seeds
    out = []
    for r, seed in enumerate(seeds):
        d = {"arch": cfg.model.id if cfg is not None else "", "weighting": cfg.weighting.id if cfg is not None else "",
             "seed": int(seed)}
        for k, values in (g.batch_axes or {}).items():
            if k in ("model", "weighting"):
                d["arch" if k == "model" else "weighting"] = values[r]
            else:
                d[k] = values[r]
        out.append(d)
    return out


class StudyRecord:
    """What a study produced so far: result rows (finished runs), trajectories and per-step conflict."""

    def __init__(self):
        self.rows: list[dict] = []
        self.traj: list[dict] = []
        self.conflict: list[dict] = []
        self._seen: set[tuple] = set()
        self._initial: dict[tuple, np.ndarray] = {}

    def add(self, p: StudyProgress) -> None:
        self.rows += p.new_rows
        g, snap = p.grid, p.grid.snapshot
        if snap is None:
            return
        key = (p.part, g.batch, snap.step)
        if key in self._seen:  # a diverged batch repeats its last snapshot
            return
        self._seen.add(key)
        labels = _run_labels(g)
        for r, lab in enumerate(labels):
            rid = (p.part, g.batch, r)
            if snap.step == 0:
                self._initial[rid] = np.asarray(snap.val_loss[r], dtype=float)
            init = self._initial.get(rid)
            for t, task in enumerate(snap.tasks):
                self.traj.append(dict(lab, role=p.part, step=snap.step, epoch=float(snap.epoch), task=task,
                                      weight=float(snap.weights[r, t]), val_loss=float(snap.val_loss[r, t]),
                                      train_loss=float(snap.train_loss[r, t]),
                                      loss_ratio=float(snap.val_loss[r, t] / init[t]) if init is not None
                                      and init[t] > 0 else float("nan")))
        c = snap.conflict
        if c:
            for r, lab in enumerate(labels):
                base = dict(arch=lab["arch"], weighting=lab["weighting"], seed=lab["seed"], role=p.part)
                for s, b, a in zip(c["step"], c["cos_before"][r], c["cos_after"][r]):
                    self.conflict.append(dict(base, step=int(s), cos_before=float(b), cos_after=float(a)))

    # -- frames ------------------------------------------------------------------------------------------
    def results(self) -> pd.DataFrame:
        return add_mtl_gain(results_frame(self.rows)) if self.rows else pd.DataFrame()

    def trajectories(self) -> pd.DataFrame:
        return pd.DataFrame(self.traj)

    def conflict_steps(self) -> pd.DataFrame:
        return pd.DataFrame(self.conflict)


def run_study(parts: Sequence[Part], *, record_conflict: bool = False, snapshots_per_epoch: int = 2,
              on_progress=None) -> StudyRecord:
    rec = StudyRecord()
    for p in iter_study(parts, record_conflict=record_conflict, snapshots_per_epoch=snapshots_per_epoch):
        rec.add(p)
        if on_progress:
            on_progress(p)
    return rec


# ---- MTL gain ---------------------------------------------------------------------------------------------------
def mtl_gain(mtl: float | np.ndarray, single: float | np.ndarray, higher_is_better: bool):
    """The PLE paper's gain, positive when MTL beats the single-task model: MTL − single for a
    higher-is-better metric (AUC), single − MTL for a lower-is-better one (MSE, logloss)."""
    mtl, single = np.asarray(mtl, dtype=float), np.asarray(single, dtype=float)
    return mtl - single if higher_is_better else single - mtl


def gain_metric(task_kind: str) -> tuple[str, bool]:
    """(results column, higher is better) the gain of a task is measured on: test AUC for binary tasks,
    test loss (MSE) for regression."""
    return ("test_auc", True) if task_kind == "binary" else ("test_loss", False)


def add_mtl_gain(df: pd.DataFrame, baselines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add `single_task_metric`, `mtl_gain` and `mtl_gain_pct` (gain in % of the baseline's metric) to every
    row, against the single-task baseline of the same seed, task and data settings: the rows of
    `baselines`, or else the rows of `df` whose arch is single_task. Baseline rows get a gain of 0; rows
    without a baseline NaN."""
    df = df.copy()
    if df.empty:
        return df
    if baselines is not None:
        base = baselines
    elif "role" in df.columns and (df["role"] == ROLE_SINGLE).any():
        base = df[df["role"] == ROLE_SINGLE]
    else:
        base = df[df["arch"] == "single_task"]
    keys = ["seed", "task"] + [c for c in df.columns if c.startswith("data.") and c in base.columns]
    cols = {"single_task_metric": np.nan, "mtl_gain": np.nan, "mtl_gain_pct": np.nan}
    if base is None or base.empty:
        return df.assign(**cols)
    ok = base[base["status"] == "ok"] if "status" in base.columns else base
    lookup = {}
    for _, row in ok.iterrows():
        col, _ = gain_metric(str(row.get("task_kind", "regression")))
        lookup[tuple(str(row[k]) for k in keys)] = float(row[col])
    singles, gains = [], []
    for _, row in df.iterrows():
        col, higher = gain_metric(str(row.get("task_kind", "regression")))
        single = lookup.get(tuple(str(row[k]) for k in keys), np.nan)
        singles.append(single)
        gains.append(float(mtl_gain(row[col], single, higher)))
    df["single_task_metric"] = singles
    df["mtl_gain"] = gains
    df["mtl_gain_pct"] = 100 * df["mtl_gain"] / df["single_task_metric"].abs().where(df["single_task_metric"] != 0)
    return df


# ---- tables of a study -------------------------------------------------------------------------------------
def _mtl_rows(df: pd.DataFrame, role: str = ROLE_MTL) -> pd.DataFrame:
    if df.empty:
        return df
    d = df[df["status"] == "ok"] if "status" in df.columns else df
    if "role" in d.columns:
        return d[d["role"] == role]
    return d[d["arch"] != "single_task"] if role == ROLE_MTL else d.iloc[0:0]


def tasks_of(df: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(df["task"])) if not df.empty else []


def seesaw_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (architecture, strategy): for the first two tasks the mean and sd over seeds of the MTL
    gain in % of the single-task baseline (gain_a, sd_a, gain_b, sd_b), the runs counted and the quadrant:
    both_win, seesaw or negative (both lose)."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "task_a", "task_b", "gain_a", "sd_a", "gain_b", "sd_b", "n", "quadrant"]
    if d.empty or "mtl_gain_pct" not in d.columns or d["mtl_gain_pct"].notna().sum() == 0:
        return pd.DataFrame(columns=cols)
    tasks = tasks_of(d)[:2]
    if len(tasks) < 2:
        return pd.DataFrame(columns=cols)
    g = d[d.task.isin(tasks)].groupby(["arch", "weighting", "task"], sort=False)["mtl_gain_pct"]
    stats = g.agg(["mean", "std", "count"]).reset_index()
    rows = []
    for (arch, w), s in stats.groupby(["arch", "weighting"], sort=False):
        s = s.set_index("task")
        if not set(tasks) <= set(s.index):
            continue
        a, b = s.loc[tasks[0]], s.loc[tasks[1]]
        quadrant = "both_win" if a["mean"] > 0 and b["mean"] > 0 else \
            "negative" if a["mean"] <= 0 and b["mean"] <= 0 else "seesaw"
        rows.append(dict(arch=arch, weighting=w, task_a=tasks[0], task_b=tasks[1], gain_a=a["mean"],
                         sd_a=0.0 if np.isnan(a["std"]) else a["std"], gain_b=b["mean"],
                         sd_b=0.0 if np.isnan(b["std"]) else b["std"], n=int(min(a["count"], b["count"])),
                         quadrant=quadrant))
    return pd.DataFrame(rows, columns=cols)


def _pareto(points: np.ndarray) -> np.ndarray:
    """Non-dominated rows of (n, 2) points where lower is better on both."""
    keep = np.ones(len(points), dtype=bool)
    for i, p in enumerate(points):
        keep[i] = not np.any(np.all(points <= p, axis=1) & np.any(points < p, axis=1))
    return keep


def tradeoff_frame(df: pd.DataFrame, metric: str = "test_loss") -> pd.DataFrame:
    """Final task1 and task2 `metric` (mean and sd over seeds) for every static weight pair (kind
    "static", with w1 and w2, `pareto` = not dominated by another static point) and every strategy
    (kind "strategy")."""
    cols = ["kind", "label", "arch", "weighting", "w1", "w2", "a", "b", "sd_a", "sd_b", "n", "pareto"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    tasks = tasks_of(df)[:2]
    if len(tasks) < 2:
        return pd.DataFrame(columns=cols)
    rows = []
    for role, kind in ((ROLE_STATIC, "static"), (ROLE_MTL, "strategy")):
        d = _mtl_rows(df, role)
        if d.empty:
            continue
        keys = ["arch", "weighting"] + (["weighting.weights"] if kind == "static" else [])
        d = d.assign(**{k: d[k].astype(str) for k in keys})
        for key, grp in d.groupby(keys, sort=False):
            by_task = grp.groupby("task")[metric]
            if not set(tasks) <= set(by_task.groups):
                continue
            mean, sd, n = by_task.mean(), by_task.std().fillna(0.0), by_task.count()
            w1 = w2 = np.nan
            label = key[1]
            if kind == "static":
                w = [float(x) for x in str(key[2]).split(",")]
                w1, w2 = (w[0], w[1]) if len(w) > 1 else (w[0], w[0])
                r = w1 / w2 if w2 > 0 else np.inf
                label = f"{r:.3g}:1" if r >= 1 else f"1:{1 / r:.3g}"
                label = label.replace("1e+03", "1000")
            rows.append(dict(kind=kind, label=label, arch=key[0], weighting=key[1], w1=w1, w2=w2,
                             a=mean[tasks[0]], b=mean[tasks[1]], sd_a=sd[tasks[0]], sd_b=sd[tasks[1]],
                             n=int(n.min()), pareto=False))
    out = pd.DataFrame(rows, columns=cols)
    st = out["kind"] == "static"
    if st.any():
        out.loc[st, "pareto"] = _pareto(out.loc[st, ["a", "b"]].to_numpy(dtype=float))
        order = out[st].assign(r=out.loc[st, "w1"] / out.loc[st, "w2"]).sort_values("r").index
        out = pd.concat([out.loc[order], out[~st]], ignore_index=True)
    out.attrs["tasks"] = tuple(tasks)
    return out


def conflict_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per (architecture, strategy): mean over runs of the recorded conflict statistics."""
    from ..records import CONFLICT_METRICS

    d = _mtl_rows(df)
    if d.empty or not set(CONFLICT_METRICS) <= set(d.columns):
        return pd.DataFrame(columns=["arch", "weighting", *CONFLICT_METRICS])
    runs = d.drop_duplicates(["arch", "weighting", "seed"])
    return runs.groupby(["arch", "weighting"], sort=False)[list(CONFLICT_METRICS)].mean().reset_index()


def step_times(df: pd.DataFrame) -> pd.DataFrame:
    """Per (architecture, strategy): seconds per optimisation step of the whole batch of runs (evaluation and
    conflict recording excluded) and the ratio to EW on the same architecture with as many runs."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "step_ms", "time_vs_ew"]
    if d.empty or "step_ms" not in d.columns:
        return pd.DataFrame(columns=cols)
    runs = d.drop_duplicates(["arch", "weighting", "seed"])
    t = runs.groupby(["arch", "weighting", "batch_runs"], sort=False)["step_ms"].mean().reset_index()
    ref = t[t.weighting == REFERENCE].set_index(["arch", "batch_runs"])["step_ms"]
    t["time_vs_ew"] = [v / ref.get((a, n), np.nan) for a, n, v in zip(t.arch, t.batch_runs, t.step_ms)]
    return t[cols]


def comparison_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (architecture, strategy, task): final test metric (mean, sd over seeds), MTL gain in % of
    the single-task baseline (mean, sd), and the strategy's time per step relative to EW."""
    d = _mtl_rows(df)
    cols = ["arch", "weighting", "task", "metric", "mean", "sd", "gain_pct", "gain_sd", "n", "time_vs_ew"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    times = step_times(df).set_index(["arch", "weighting"])["time_vs_ew"] if not d.empty else pd.Series(dtype=float)
    for (arch, w, task), g in d.groupby(["arch", "weighting", "task"], sort=False):
        col, _ = gain_metric(str(g["task_kind"].iloc[0]) if "task_kind" in g else "regression")
        gain = g["mtl_gain_pct"] if "mtl_gain_pct" in g else pd.Series(dtype=float)
        rows.append(dict(arch=arch, weighting=w, task=task, metric=col, mean=g[col].mean(),
                         sd=g[col].std() if len(g) > 1 else 0.0, gain_pct=gain.mean() if len(gain) else np.nan,
                         gain_sd=gain.std() if len(gain) > 1 else 0.0, n=len(g),
                         time_vs_ew=times.get((arch, w), np.nan) if len(times) else np.nan))
    return pd.DataFrame(rows, columns=cols)


def _t_critical(n: int) -> float:
    """Two-sided 5% critical value of Student's t with n − 1 degrees of freedom (inf below 2 runs)."""
    if n < 2:
        return math.inf
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1))


@dataclass
class Verdict:
    arch: str
    weighting: str
    task: str
    metric: str
    reference: float  # EW's mean (paired seeds)
    value: float  # the strategy's mean (paired seeds)
    change_pct: float  # improvement in % of EW's value (positive = better, whatever the metric's direction)
    n: int
    effect: str  # "helps" | "hurts" | "unclear"
    single: float = float("nan")  # the single-task baseline's mean, when trained
    numbers: dict = field(default_factory=dict)


def verdicts(df: pd.DataFrame, reference: str = REFERENCE) -> list[Verdict]:
    """Each strategy against `reference` (EW) on the same architecture, per task, paired by seed: "helps" when
    the mean improvement is significant (paired t-test at 5%) and above 2% of EW's value, "hurts" in the
    opposite case, "unclear" otherwise."""
    d = _mtl_rows(df)
    out: list[Verdict] = []
    if d.empty or reference not in set(d.weighting):
        return out
    for (arch, task), g in d.groupby(["arch", "task"], sort=False):
        col, higher = gain_metric(str(g["task_kind"].iloc[0]) if "task_kind" in g else "regression")
        ref = g[g.weighting == reference].set_index("seed")[col]
        for w, gw in g[g.weighting != reference].groupby("weighting", sort=False):
            val = gw.set_index("seed")[col]
            seeds = sorted(set(ref.index) & set(val.index))
            if not seeds:
                continue
            r, v = ref.loc[seeds].to_numpy(float), val.loc[seeds].to_numpy(float)
            imp = (v - r) if higher else (r - v)  # per seed, positive = better than EW
            n = len(seeds)
            mean_imp = float(np.mean(imp))
            se = float(np.std(imp, ddof=1) / math.sqrt(n)) if n > 1 else math.inf
            rel = mean_imp / abs(float(np.mean(r))) if np.mean(r) != 0 else 0.0
            significant = se > 0 and abs(mean_imp) > _t_critical(n) * se or (se == 0 and mean_imp != 0 and n > 1)
            effect = "unclear"
            if significant and abs(rel) >= REL_THRESHOLD:
                effect = "helps" if mean_imp > 0 else "hurts"
            single = float(gw["single_task_metric"].mean()) if "single_task_metric" in gw else float("nan")
            out.append(Verdict(arch, w, task, col, float(np.mean(r)), float(np.mean(v)), 100 * rel, n, effect,
                               single, {"mean_improvement": mean_imp, "se": se}))
    return out


def verdict_frame(df: pd.DataFrame, reference: str = REFERENCE) -> pd.DataFrame:
    return pd.DataFrame([v.__dict__ for v in verdicts(df, reference)])


def summary_line(v: Verdict) -> str:
    """One English sentence with the numbers, e.g. for the CLI."""
    word = {"helps": "helps", "hurts": "hurts", "unclear": "makes no significant difference to"}[v.effect]
    return (f"{v.weighting} {word} {v.task} ({v.arch}): {v.metric} {v.reference:.4g} with EW -> {v.value:.4g} "
            f"({v.change_pct:+.1f}% vs EW, + = better), {v.n} seed{'s' if v.n != 1 else ''} paired")


def scenario_of(preset_id: str | None) -> Scenario | None:
    return SCENARIOS.get(preset_id or "")


def describe(parts: Sequence[Part]) -> dict[str, Any]:
    """Runs per part, for the page's plan line."""
    return {p.role: p.n_runs for p in parts}


__all__ = ["SCENARIOS", "Scenario", "Part", "plan_study", "scenario_parts", "iter_study", "run_study",
           "StudyRecord", "StudyProgress", "study_size", "with_role", "mtl_gain", "gain_metric", "add_mtl_gain",
           "seesaw_frame", "tradeoff_frame", "conflict_table", "step_times", "comparison_table", "verdicts",
           "verdict_frame", "Verdict", "available", "static_grid", "summary_line", "data_axes", "ROLE_MTL",
           "ROLE_STATIC", "ROLE_SINGLE"]
