"""Studies: one configuration trained over a grid of settings x seeds, as few batched models as possible.

    df = run_grid(cfg, axes={"model": ["shared_bottom", "omoe", "mmoe"], "data.rho": [0.5, 0.9, 1.0]},
                  seeds=range(20))

Axes map flat keys to values. Settings declared `per_run` (data knobs, weighting hyper-parameters,
the learning rate) vary inside one batch; any other axis (an architecture, a weighting, a number of
experts, a data size) splits the grid into one batch per value. `iter_grid` yields progress while it
trains (for pages), `run_grid` returns the records' results table (for the CLI and benchmarks). A
batch in which every run diverged is recorded as diverged; it never stops the study.
"""
from __future__ import annotations

import contextvars
import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .config import ExperimentConfig, is_per_run, specs_of
from .data import DATASETS
from .engine.snapshot import DIVERGED, Snapshot
from .records import result_rows, results_frame
from .train import DivergenceError, RunSpec, Trainer

ID_KEYS = ("data", "model", "weighting")


@dataclass(frozen=True)
class Batch:
    """Runs that train as one batched model: shared settings in `cfg`, per-run ones in `runs`."""

    cfg: ExperimentConfig
    runs: tuple[RunSpec, ...]
    axes: dict[str, list[str]] = field(default_factory=dict)  # axis -> each run's value as text

    @property
    def steps(self) -> int:
        n = DATASETS[self.cfg.data.id].train_size(dict(self.cfg.data.params))
        return math.ceil(n / self.cfg.train.batch_size) * self.cfg.train.epochs


@dataclass
class GridProgress:
    runs_done: int
    runs_total: int
    steps_done: int  # over the whole grid (each batch's steps count once, whatever its size)
    steps_total: int
    batch: int  # index of the batch in progress
    n_batches: int
    snapshot: Snapshot | None  # the latest snapshot of the batch in progress
    new_rows: list[dict] = field(default_factory=list)  # result rows of runs that finished now
    batch_cfg: ExperimentConfig | None = None  # the shared configuration of the batch in progress
    batch_axes: dict[str, list[str]] = field(default_factory=dict)  # axis -> each run's value, in that batch


def _text(cfg: ExperimentConfig, key: str) -> str:
    section, _, name = key.partition(".")
    value = cfg.get(key)
    if not name:
        return str(value)
    spec = next(p for p in specs_of(section, None if section == "train" else getattr(cfg, section).id)
                if p.name == name)
    return spec.format(value)


CARRIED_MODEL_PARAMS = ("tower_units", "embed_dim")  # mean the same in every architecture that has them


def with_model(cfg: ExperimentConfig, model_id: str) -> ExperimentConfig:
    """cfg with another architecture. The old one's tower width and embedding size, when changed from
    their defaults, are kept (where the new one has them): "towers of 16 units" in a study over
    architectures means towers of 16 for every one of them. Other parameters (a bottom's width, a
    number of experts) mean different things per architecture and start from the new one's defaults."""
    if model_id == cfg.model.id:
        return cfg
    defaults = {p.name: p.default for p in specs_of("model", cfg.model.id)}
    names = {p.name for p in specs_of("model", model_id)}
    keep = {f"model.{k}": v for k, v in cfg.model.params.items()
            if k in CARRIED_MODEL_PARAMS and k in names and k in defaults
            and tuple(np.atleast_1d(v)) != tuple(np.atleast_1d(defaults[k]))}
    return cfg.with_changes(model=model_id, **keep)


def plan_grid(cfg: ExperimentConfig, axes: Mapping[str, Sequence[Any]] | None, seeds: Sequence[int],
              max_batch: int = 256) -> list[Batch]:
    """Split axes x seeds into batches; every point is validated here, before anything trains."""
    axes = {k: list(v) for k, v in (axes or {}).items()}
    keys = sorted(axes, key=lambda k: (k not in ID_KEYS, list(axes).index(k)))  # ids first
    groups: dict[tuple, tuple[ExperimentConfig, list]] = {}
    for point in itertools.product(*(axes[k] for k in keys)):
        ids = {k: v for k, v in zip(keys, point) if k in ID_KEYS}
        id_cfg = cfg.with_changes(**{k: v for k, v in ids.items() if k != "model"}) if ids else cfg
        if "model" in ids:
            id_cfg = with_model(id_cfg, ids["model"])
        shared = {k: v for k, v in zip(keys, point) if k not in ID_KEYS and not is_per_run(k, id_cfg)}
        per_run = {k: v for k, v in zip(keys, point) if k not in ID_KEYS and is_per_run(k, id_cfg)}
        batch_cfg = id_cfg.with_changes(**shared) if shared else id_cfg
        run_cfg = batch_cfg.with_changes(**per_run) if per_run else batch_cfg  # validates the point
        group_key = tuple(sorted(batch_cfg.to_flat().items()))
        groups.setdefault(group_key, (batch_cfg, []))[1].append((per_run, run_cfg))
    batches = []
    for batch_cfg, members in groups.values():
        runs = [(RunSpec(int(s), per_run), run_cfg) for per_run, run_cfg in members for s in seeds]
        for i in range(0, len(runs), max_batch):
            chunk = runs[i:i + max_batch]
            batches.append(Batch(batch_cfg, tuple(r for r, _ in chunk),
                                 {k: [_text(c, k) for _, c in chunk] for k in axes}))
    return batches


def balanced_max_batch(cfg: ExperimentConfig, axes: Mapping[str, Sequence[Any]] | None, seeds: Sequence[int],
                       workers: int, max_batch: int = 256) -> int:
    """The batch size (at most max_batch) that cuts each group of runs sharing a batch into a multiple of
    `workers` equal batches, so that no worker idles while the last one trains alone: 3 architectures x 60
    runs on 2 workers train as 6 batches of 30 (40 s here) rather than 3 of 60 (55 s)."""
    if workers <= 1:
        return max_batch
    largest = max(len(b.runs) for b in plan_grid(cfg, axes, seeds, max_batch=10 ** 9))
    chunks = workers * math.ceil(largest / (workers * max_batch))
    return max(1, math.ceil(largest / chunks))


def _diverged_rows(trainer: Trainer, batch: Batch, last: Snapshot, err: DivergenceError) -> list[dict]:
    """Every run of the batch diverged: rows with NaN metrics, status diverged and the step."""
    R, T = len(trainer.seeds), len(trainer.spec.tasks)
    nan = np.full((R, T), np.nan)
    last.val_loss, last.val_auc, last.test_loss, last.test_auc = nan, nan, nan, nan
    last.status, last.collapsed = np.full(R, DIVERGED), np.zeros((R, T), dtype=bool)
    last.diverged_step = np.where(last.diverged_step >= 0, last.diverged_step, err.step)
    return result_rows(trainer.configs, last, batch.axes)


def iter_grid(cfg: ExperimentConfig, axes: Mapping[str, Sequence[Any]] | None, seeds: Sequence[int], *,
              max_batch: int = 256, snapshots_per_epoch: int = 1,
              snapshot_interval_s: float | None = None, record_conflict: bool = False,
              workers: int = 1) -> Iterator[GridProgress]:
    """Train the grid batch by batch, yielding progress after every snapshot and when a batch ends.
    record_conflict: record the gradient cosine before and after the weighting at every step
    (`Snapshot.conflict`, and run totals in the result rows).
    workers > 1: train that many batches at once, each in its own thread (one torch thread each uses
    one core: on 2 cores this beats one batch on 2 intra-op threads, whose small kernels split badly).
    Training still advances only while the caller pulls: each pull moves every busy worker by one
    snapshot. Results are identical to workers=1 (a test checks it); events of batches interleave."""
    cfg = cfg.with_changes(**{"train.snapshots_per_epoch": snapshots_per_epoch})
    batches = plan_grid(cfg, axes, seeds, max_batch)
    if workers > 1 and len(batches) > 1:
        yield from _iter_concurrent(batches, snapshot_interval_s, record_conflict, min(workers, len(batches)))
        return
    runs_total, steps_total = sum(len(b.runs) for b in batches), sum(b.steps for b in batches)
    runs_done = steps_before = 0
    for i, batch in enumerate(batches):
        trainer = Trainer(batch.cfg, batch.runs, snapshot_interval_s, record_conflict, probe_cosine=False)
        last = None
        try:
            for snap in trainer:
                last = snap
                if not snap.done:
                    yield GridProgress(runs_done, runs_total, steps_before + snap.step, steps_total, i,
                                       len(batches), snap, batch_cfg=batch.cfg, batch_axes=batch.axes)
            rows = result_rows(trainer.configs, last, batch.axes)
        except DivergenceError as err:
            rows = _diverged_rows(trainer, batch, last, err)
        runs_done += len(batch.runs)
        steps_before += batch.steps
        yield GridProgress(runs_done, runs_total, steps_before, steps_total, i, len(batches), last, rows,
                           batch_cfg=batch.cfg, batch_axes=batch.axes)


class BatchWorker:
    """One batch being trained, one snapshot at a time: `advance()` runs to its next snapshot or its end
    (by a pool thread here, by `mtl_core.study`'s backends for resumable sweeps)."""

    def __init__(self, i: int, batch: Batch, snapshot_interval_s, record_conflict):
        self.i, self.batch, self.step, self.last = i, batch, 0, None
        self.args = (batch.cfg, batch.runs, snapshot_interval_s, record_conflict, False)  # no cosine probe
        self.trainer, self.snaps = None, None

    def advance(self) -> tuple[Snapshot | None, list[dict] | None]:
        """(snapshot, None) while training; (last snapshot, result rows) when the batch is over."""
        try:
            if self.trainer is None:  # built in the pool thread too: data generation is work
                self.trainer = Trainer(*self.args)
                self.snaps = iter(self.trainer)
            for snap in self.snaps:
                self.last, self.step = snap, snap.step
                if not snap.done:
                    return snap, None
            return self.last, result_rows(self.trainer.configs, self.last, self.batch.axes)
        except DivergenceError as err:
            return self.last, _diverged_rows(self.trainer, self.batch, self.last, err)


def _iter_concurrent(batches: list[Batch], snapshot_interval_s, record_conflict, workers: int
                     ) -> Iterator[GridProgress]:
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    runs_total, steps_total = sum(len(b.runs) for b in batches), sum(b.steps for b in batches)
    runs_done = steps_done_finished = 0
    queue = list(enumerate(batches))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="grid")
    busy: dict = {}  # future -> worker
    try:
        def start() -> None:
            i, batch = queue.pop(0)
            w = BatchWorker(i, batch, snapshot_interval_s, record_conflict)
            busy[pool.submit(contextvars.copy_context().run, w.advance)] = w  # the caller's time slice too
        for _ in range(workers):
            start()
        while busy:
            done, _ = wait(list(busy), return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: busy[f].i):
                w = busy.pop(fut)
                snap, rows = fut.result()
                if rows is None:
                    busy[pool.submit(contextvars.copy_context().run, w.advance)] = w
                else:
                    runs_done += len(w.batch.runs)
                    steps_done_finished += w.batch.steps
                    if queue:
                        start()
                steps_done = steps_done_finished + sum(x.step for x in busy.values())
                yield GridProgress(runs_done, runs_total, steps_done, steps_total, w.i, len(batches), snap,
                                   rows or [], batch_cfg=w.batch.cfg, batch_axes=w.batch.axes)
    finally:  # a stopped study: no new snapshots; a worker mid-snapshot finishes it in the background
        pool.shutdown(wait=False, cancel_futures=True)


def run_grid(cfg: ExperimentConfig, axes: Mapping[str, Sequence[Any]] | None = None,
             seeds: Sequence[int] = (0,), *, max_batch: int = 256,
             on_progress: Callable[[GridProgress], None] | None = None,
             record_conflict: bool = False, workers: int = 1) -> pd.DataFrame:
    """Train the whole grid; one row per run and task (the records' results schema)."""
    rows: list[dict] = []
    for progress in iter_grid(cfg, axes, seeds, max_batch=max_batch, record_conflict=record_conflict,
                              workers=workers):
        rows += progress.new_rows
        if on_progress:
            on_progress(progress)
    return results_frame(rows)
