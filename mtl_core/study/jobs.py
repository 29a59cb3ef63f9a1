"""The unit of work of a sweep: one planned batch (a `Job`), the keys of its runs, and training it.

A job is what every backend ships: the in-process one trains it in a thread, the Ray one in a task on any
node. Each run is keyed by a hash of its full configuration (seed included), its role in the study and
whether conflict was recorded: the key is what a resumed sweep skips, whatever batch the run trained in.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from typing import Callable, Collection, Sequence

from ..config import ExperimentConfig
from ..engine.runs import run_configs
from ..experiments.balance import ROLE_SINGLE, Part, with_role
from ..grid import Batch, BatchWorker, plan_grid


def run_key(cfg: ExperimentConfig, role: str, record_conflict: bool) -> str:
    """16 hex digits of SHA-256 over the run's configuration (every active value, full precision)."""
    text = json.dumps({"config": cfg.to_dict(), "role": role, "conflict": bool(record_conflict)},
                      sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Job:
    index: int  # position in the study's plan: results.csv lists runs in this order
    role: str  # the study part: mtl, static or single_task
    batch: Batch
    record_conflict: bool
    keys: tuple[str, ...]  # run_key of each run of the batch

    @property
    def n_runs(self) -> int:
        return len(self.batch.runs)

    @property
    def steps(self) -> int:
        return self.batch.steps


@dataclass
class JobResult:
    rows: list[dict]  # result rows (records schema) with role, step_ms and run_key
    worker: str  # who trained it: "local", "thread 2", or a Ray node and process
    seconds: float  # wall time of the job on its worker


def plan_jobs(parts: Sequence[Part], *, max_batch: int, record_conflict: bool = False,
              snapshots_per_epoch: int = 1) -> list[Job]:
    """Every batch of every part, in the order the in-process sweep trains them."""
    jobs: list[Job] = []
    for part in parts:
        rec = record_conflict and part.role != ROLE_SINGLE
        cfg = part.cfg.with_changes(**{"train.snapshots_per_epoch": snapshots_per_epoch})
        for batch in plan_grid(cfg, part.axes, part.seeds, max_batch):
            keys = tuple(run_key(c, part.role, rec) for c in run_configs(batch.cfg, batch.runs))
            jobs.append(Job(len(jobs), part.role, batch, rec, keys))
    return jobs


def remaining(job: Job, done: Collection[str]) -> Job | None:
    """The job without its finished runs (None when all are done). A sweep resumed with the same command
    finds whole batches done or not (rows are saved a batch at a time), so its batches are the planned ones."""
    keep = [r for r, key in enumerate(job.keys) if key not in done]
    if len(keep) == len(job.keys):
        return job
    if not keep:
        return None
    b = job.batch
    batch = Batch(b.cfg, tuple(b.runs[r] for r in keep), {k: [v[r] for r in keep] for k, v in b.axes.items()})
    return replace(job, batch=batch, keys=tuple(job.keys[r] for r in keep))


def keyed_rows(job: Job, rows: list[dict], final) -> list[dict]:
    """A finished batch's rows (run-major, one per task) with their role, step time and run key."""
    n_tasks = len(final.tasks)
    rows = with_role(rows, job.role, job.batch.cfg, final)
    return [dict(row, run_key=job.keys[i // n_tasks]) for i, row in enumerate(rows)]


def train_job(job: Job, worker: str = "local", on_snapshot: Callable[[int], None] | None = None) -> JobResult:
    """Train one job to its end where this is called. on_snapshot(step) after every snapshot."""
    t0 = time.perf_counter()
    w = BatchWorker(job.index, job.batch, None, job.record_conflict)
    while True:
        snap, rows = w.advance()
        if rows is not None:
            return JobResult(keyed_rows(job, rows, w.last), worker, time.perf_counter() - t0)
        if on_snapshot is not None:
            on_snapshot(snap.step)
