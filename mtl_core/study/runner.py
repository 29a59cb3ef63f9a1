"""Run a planned study through a backend into an output folder: resumable, interruptible, never half-written.

    outcome = run_sweep(parts, "runs/big", backend=LocalBackend(workers=2), max_batch=128)

The folder is checked writable and locked first; runs already in it (same run key) are skipped, so the same
command run again finishes what is left. Each finished batch's rows are saved at once (`store.py`). A batch
that raises is tried again up to `retries` times, then its runs go to failures.csv with the reason and the
sweep goes on. Ctrl-C (SIGINT) or SIGTERM stops it: what finished is saved and `outcome.interrupted` is set.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd

from ..experiments.balance import Part
from .jobs import Job, plan_jobs, remaining
from .progress import Progress
from .store import ResultsStore, SweepLock, prepare_out


@dataclass
class SweepOutcome:
    out: Path
    results: pd.DataFrame  # this study's rows in results.csv (typed), in plan order
    runs_total: int
    runs_before: int  # found done in the folder when the sweep started
    runs_trained: int  # trained by this session
    failures: list[dict] = field(default_factory=list)  # one per run that failed every attempt
    interrupted: bool = False
    workers: list[str] = field(default_factory=list)  # per-worker throughput lines

    @property
    def runs_done(self) -> int:
        return self.runs_before + self.runs_trained


def reason(err: BaseException) -> str:
    """One line: the exception's type and first line (for a Ray task, the exception raised in it)."""
    cause = getattr(err, "cause", None) or err
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}"[:300]


def _failure_rows(job: Job, err: BaseException, attempts: int) -> list[dict]:
    cfg = job.batch.cfg
    return [dict(run_key=key, role=job.role, data=cfg.data.id, arch=cfg.model.id, weighting=cfg.weighting.id,
                 seed=run.seed, attempts=attempts, error=reason(err)) for key, run in zip(job.keys, job.batch.runs)]


class _StopRequests:
    """Ctrl-C (SIGINT) and SIGTERM ask the sweep to stop; the loop stops at its next turn, between two waits on
    the backend, instead of an exception landing inside a backend call (Ray aborts the driver when one lands
    in its wait). Main thread only, where signal handlers live; an inherited ignored SIGINT stays ignored."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict = {}

    def __enter__(self) -> "_StopRequests":
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(s) is not signal.SIG_IGN:
                    self._previous[s] = signal.signal(s, self._request)
        return self

    def _request(self, signum, frame) -> None:
        if self.requested:  # asked twice: stop now
            raise KeyboardInterrupt
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)


@contextmanager
def _no_interrupts() -> Iterator[None]:
    """While what finished is being saved, a second Ctrl-C must not tear it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run_sweep(parts: Sequence[Part], out, *, backend, max_batch: int, record_conflict: bool = False,
              retries: int = 2, progress: bool = True, say=None, locked: bool = False) -> SweepOutcome:
    """Train every run of `parts` not yet in `out`; see the module docstring. say(line): status lines.
    locked: the caller holds the folder's SweepLock already."""
    jobs = plan_jobs(parts, max_batch=max_batch, record_conflict=record_conflict)
    plan_keys = [k for j in jobs for k in j.keys]
    out = prepare_out(out)
    with nullcontext() if locked else SweepLock(out):
        store = ResultsStore(out)
        done = store.load()
        store.set_order(plan_keys)
        todo = [r for j in jobs if (r := remaining(j, done)) is not None]
        runs_left = sum(j.n_runs for j in todo)
        bar = Progress(len(plan_keys), len(plan_keys) - runs_left, sum(j.steps for j in jobs),
                       sum(j.steps for j in jobs) - sum(j.steps for j in todo), enabled=progress)
        say = say or bar.write
        backend.tick = lambda: bar.update(backend.in_flight_steps())
        failures: list[dict] = []
        attempts: dict[int, int] = {}
        trained = 0
        interrupted = False
        try:
            with _StopRequests() as stop:
                backend.start(todo)
                pending, in_flight = list(todo), 0
                while pending or in_flight:
                    while pending and in_flight < backend.slots:
                        backend.submit(pending.pop(0))
                        in_flight += 1
                    for job, result in backend.wait(timeout=0.5):
                        in_flight -= 1
                        if isinstance(result, BaseException):
                            attempts[job.index] = attempts.get(job.index, 0) + 1
                            n = attempts[job.index]
                            retry = n <= retries
                            say(f"batch {job.index + 1} ({job.batch.cfg.model.id} + {job.batch.cfg.weighting.id}, "
                                f"{job.n_runs} runs) failed (attempt {n} of {retries + 1}): {reason(result)}"
                                + ("; trying again" if retry else "; recorded in failures.csv"))
                            if retry:
                                pending.insert(0, job)
                            else:
                                failures += _failure_rows(job, result, n)
                            continue
                        store.add(result.rows)
                        trained += job.n_runs
                        bar.batch_done(job, result, backend.in_flight_steps())
                    bar.update(backend.in_flight_steps())
                    stop.check()
                backend.close(cancel=False)
        except KeyboardInterrupt:
            interrupted = True
            with _no_interrupts():
                backend.close(cancel=True)
        finally:
            with _no_interrupts():
                bar.close()
                store.write_failures(failures)
                results = store.finish(plan_keys)
    return SweepOutcome(out, results, len(plan_keys), len(plan_keys) - runs_left, trained, failures,
                        interrupted, bar.worker_lines())
