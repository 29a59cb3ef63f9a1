"""A balancing study: its scenarios, its parts (strategies, static-weight grid, single-task baselines) and
their training through the batched engine, with `StudyRecord` keeping what finished."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ...config import ExperimentConfig
from ...grid import GridProgress, iter_grid, plan_grid
from ...records import results_frame
from ...seeds import count_runs
from ...weighting import WEIGHTINGS
from .tables import ROLE_MTL, ROLE_SINGLE, ROLE_STATIC, add_mtl_gain

SECTION = "balance"


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


def scenario_of(preset_id: str | None) -> Scenario | None:
    return SCENARIOS.get(preset_id or "")


def describe(parts: Sequence[Part]) -> dict[str, Any]:
    """Runs per part, for the page's plan line."""
    return {p.role: p.n_runs for p in parts}
