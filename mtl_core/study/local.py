"""The in-process backend: jobs trained by this process, one at a time in the calling thread (Ctrl-C stops
training at once) or `workers` at once, each in its own thread advancing one snapshot per call (a stop waits
for at most one snapshot per thread). Nothing to install; the default of `sweep`."""
from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Callable

from ..grid import BatchWorker
from .jobs import Job, JobResult, keyed_rows, train_job


class LocalBackend:
    name = "in-process"

    def __init__(self, workers: int = 1):
        self.workers = self.slots = max(1, int(workers))
        self.tick: Callable[[], None] | None = None  # called after every snapshot (progress)
        self._queue: list[Job] = []
        self._steps: dict[int, int] = {}  # job index -> step reached, for jobs in flight
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="sweep") if self.workers > 1 else None
        self._busy: dict = {}  # future -> (job, worker, thread slot, start time)
        self._free = list(range(self.workers))

    def start(self, jobs: list[Job]) -> None:
        pass

    def submit(self, job: Job) -> None:
        if self._pool is None:
            self._queue.append(job)
            return
        w = BatchWorker(job.index, job.batch, None, job.record_conflict)
        self._busy[self._pool.submit(w.advance)] = (job, w, self._free.pop(0), time.perf_counter())

    def in_flight_steps(self) -> int:
        return sum(self._steps.values())

    def _snapshot(self, job: Job, step: int) -> None:
        self._steps[job.index] = step
        if self.tick is not None:
            self.tick()

    def wait(self, timeout: float) -> list[tuple[Job, JobResult | Exception]]:
        """Finished jobs (a result, or the exception a job raised)."""
        if self._pool is None:
            job = self._queue.pop(0)
            try:
                return [(job, train_job(job, "local", on_snapshot=lambda step: self._snapshot(job, step)))]
            except Exception as err:  # noqa: BLE001 - any failure of a batch is recorded, the sweep goes on
                return [(job, err)]
            finally:
                self._steps.pop(job.index, None)
        done, _ = wait(list(self._busy), timeout=timeout, return_when=FIRST_COMPLETED)
        out = []
        for fut in sorted(done, key=lambda f: self._busy[f][0].index):
            job, w, slot, t0 = self._busy.pop(fut)
            try:
                snap, rows = fut.result()
            except Exception as err:  # noqa: BLE001
                rows, snap = err, None
            if rows is None:  # a snapshot: advance it again
                self._steps[job.index] = snap.step
                self._busy[self._pool.submit(w.advance)] = (job, w, slot, t0)
                continue
            self._free.append(slot)
            self._steps.pop(job.index, None)
            if isinstance(rows, Exception):
                out.append((job, rows))
            else:
                out.append((job, JobResult(keyed_rows(job, rows, w.last), f"thread {slot}",
                                           time.perf_counter() - t0)))
        return out

    def close(self, cancel: bool) -> None:
        if self._pool is not None:  # a stopped sweep: a thread mid-snapshot finishes it in the background
            self._pool.shutdown(wait=not cancel, cancel_futures=True)
