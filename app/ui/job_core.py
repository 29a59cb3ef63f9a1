"""The job itself (see `app.ui.jobs` for the whole story): `Job` advances an iterator of progress events for
a bounded time per pull (pause, resume, stop, thinned events, rows, how it ended), and the engine's two
kinds of job, `run_job` (one training run) and `grid_job` (many runs as batched models). Pure Python
(no streamlit); the page side that pulls a job lives in `app.ui.jobs`."""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from mtl_core.params import ConfigError

from .job_worker import _Worker

ACTIVE = ("running", "paused")
ENDED = ("finished", "stopped", "diverged", "error")
PULL_S = 0.4  # a pull advances a job for at most this long (the page pulls once per tick, `app.ui.jobs.TICK_S`)
MAX_EVENTS = 400  # events a job keeps (thinned evenly beyond): a long run's snapshots stay bounded


@dataclass(frozen=True)
class Progress:
    runs_done: int
    runs_total: int
    fraction: float  # share of all the work done, 0..1


class Job:
    """An iterator of progress events, advanced for a bounded time per call.

    progress(event) -> Progress: how far an event says the job is.
    rows(event) -> list[dict]: result rows an event adds (kept in `rows`), if any.
    done(event) -> bool: the event is the last one (the job finishes without asking for more).
    keep_events: keep the events in `events` (a single run keeps its snapshots); else only `last`.
    max_events: when more were kept, drop every other one (the first and the latest always stay), and
        from then on keep one in 2, 4, ... : evenly spaced over the whole run, at most `max_events`.
    diverged: exception types that end the job as "diverged" (their message kept) instead of "error".
    on_end(job): called once when the job ends, however it ends (finished, stopped, diverged, error).
    """

    def __init__(self, events: Iterable, *, progress: Callable[[Any], Progress], runs_total: int = 1,
                 rows: Callable[[Any], Sequence[dict]] | None = None, done: Callable[[Any], bool] | None = None,
                 keep_events: bool = True, diverged: tuple[type[BaseException], ...] = (),
                 paused: bool = False, label: str = "", max_events: int | None = MAX_EVENTS):
        self._worker = _Worker(iter(events), label)
        weakref.finalize(self, self._worker.cancel, 0.0)  # a job dropped without stop() still ends its thread
        self.cost = None  # `mtl_core.admission.Cost` when its maker estimated it (`app.server.refusal` checks it)
        self._progress_of, self._rows_of, self._done_of = progress, rows, done
        self._keep, self._diverged = keep_events, diverged
        self.label = label
        self.status = "paused" if paused else "running"
        self.message = ""
        self.events: list = []
        self.rows: list[dict] = []
        self.last: Any = None
        self.progress = Progress(0, runs_total, 0.0)
        self._elapsed = 0.0
        self._since: float | None = None if paused else time.perf_counter()
        self._pause_when: Callable[[Any], bool] | None = None
        self.on_end: Callable[[Job], None] | None = None
        self.shown = False  # drawn once by a page (which pulls it from then on)
        self.max_events = max(3, max_events) if max_events else None
        self._stride, self._seen, self._kept_idx, self._tail = 1, 0, [], False
        self._lock = threading.RLock()  # a pull never overlaps a stop (the janitor) or a pause (a button)
        self.queue_ahead: int | None = None  # set by job_panel: jobs ahead in the server's queue
        self.source: Any = None  # what produces the events, where a page needs more of it (a run's Trainer)

    # -- state ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def runs_done(self) -> int:
        return self.progress.runs_done

    @property
    def runs_total(self) -> int:
        return self.progress.runs_total

    @property
    def elapsed_s(self) -> float:
        """Seconds spent running (paused time excluded)."""
        return self._elapsed + (time.perf_counter() - self._since if self._since is not None else 0.0)

    @property
    def eta_s(self) -> float | None:
        """Estimated seconds left at the pace so far; None before any progress or once ended."""
        f = self.progress.fraction
        if self.ended or f <= 0:
            return None
        return max(0.0, self.elapsed_s * (1.0 - f) / f)

    # -- actions -------------------------------------------------------------------------------
    def pause(self) -> None:
        """Pause after the pull in progress, if any: a button's callback can run while the page's previous
        run is still pulling in another thread (seen with Streamlit 1.67: paused at epoch 25.0, the pull
        went on to 25.25 and the page kept showing 25.0), so it waits for that pull to end."""
        with self._lock:
            self._pause_when = None
            if self.running:
                self._clock(False)
                self.status = "paused"

    def resume(self) -> None:
        with self._lock:
            if self.status == "paused":
                self.status = "running"
                self._clock(True)

    def pause_when(self, predicate: Callable[[Any], bool]) -> None:
        """Pause by itself after the first event for which `predicate` holds (e.g. an epoch's end)."""
        with self._lock:
            self._pause_when = predicate

    def stop(self) -> None:
        """Stop for good; what finished so far (events, rows) is kept."""
        with self._lock:
            if self.active:
                self._end("stopped")

    def refuse(self, message: str) -> None:
        """End an active job before (or instead of) training further, saying why (status "error")."""
        with self._lock:
            if self.active:
                self._end("error", message)

    def pull(self, budget_s: float = PULL_S) -> bool:
        """Advance a running job for up to `budget_s` seconds (at least one event); nothing happens
        while paused. Returns True when the job ended during this call."""
        with self._lock:
            return self._pull(budget_s)

    def _pull(self, budget_s: float) -> bool:
        if not self.running:
            return False
        deadline = time.perf_counter() + budget_s
        while True:
            result = self._worker.next_event(deadline)
            if result is None:  # the slice is over; the worker parks at its next checkpoint
                return False
            kind, value = result
            if kind == "finished":
                return self._end("finished")
            if kind == "error":
                if isinstance(value, self._diverged):
                    return self._end("diverged", str(value))
                if isinstance(value, ConfigError):  # a setting the library refused (e.g. data not fetched)
                    return self._end("error", str(value))
                return self._end("error", f"{type(value).__name__}: {value}")
            self._take(value)
            if self._done_of is not None and self._done_of(value):
                return self._end("finished")
            if self._pause_when is not None and self._pause_when(value):
                self.pause()
                return False
            if time.perf_counter() >= deadline:
                return False

    def close(self) -> None:
        """End the iterator (in its thread, at its next checkpoint) and wait for it to unwind."""
        self._worker.cancel()

    # -- internals -----------------------------------------------------------------------------
    def _take(self, event: Any) -> None:
        self.last = event
        if self._keep:
            self._keep_event(event)
        if self._rows_of is not None:
            self.rows.extend(self._rows_of(event))
        self.progress = self._progress_of(event)

    def _keep_event(self, event: Any) -> None:
        i, self._seen = self._seen, self._seen + 1
        if self._tail:  # the previous latest event was only kept as the latest
            self.events.pop()
            self._kept_idx.pop()
        self.events.append(event)
        self._kept_idx.append(i)
        self._tail = i % self._stride != 0
        if self.max_events is not None and len(self.events) > self.max_events:
            self._stride *= 2
            keep = [k for k, j in enumerate(self._kept_idx) if j % self._stride == 0 or k == len(self._kept_idx) - 1]
            self.events = [self.events[k] for k in keep]
            self._kept_idx = [self._kept_idx[k] for k in keep]
            self._tail = self._kept_idx[-1] % self._stride != 0

    def _clock(self, on: bool) -> None:
        if on and self._since is None:
            self._since = time.perf_counter()
        elif not on and self._since is not None:
            self._elapsed += time.perf_counter() - self._since
            self._since = None

    def _end(self, status: str, message: str = "") -> bool:
        self._clock(False)
        self.status, self.message = status, message
        self._pause_when = None
        self.close()
        if self.on_end is not None:
            self.on_end(self)
        return True


# ---- the engine's two kinds of job -------------------------------------------------------------------
def run_job(cfg, *, snapshot_interval_s: float = 0.25, paused: bool = False) -> Job:
    """One training run (`mtl_core.train.Trainer`): events are snapshots, kept for the live views. The first
    pull builds the trainer and keeps it as `job.source` (its model as it is now, e.g. for its gradients)."""
    from mtl_core import admission
    from mtl_core.train import DivergenceError, Trainer

    def snapshots():
        job.source = Trainer(cfg, snapshot_interval_s=snapshot_interval_s)
        yield from job.source

    job = Job(snapshots(), runs_total=1, paused=paused,
              progress=lambda s: Progress(int(bool(s.done)), 1, min(1.0, s.step / max(1, s.total_steps))),
              done=lambda s: bool(s.done), diverged=(DivergenceError,))
    job.cost = admission.estimate(cfg, 1)
    return job


def grid_job(cfg, axes: dict[str, list], seeds: list[int], **kw) -> Job:
    """Many runs as batched models (`mtl_core.grid.iter_grid`): events are `GridProgress`; their new
    result rows accumulate in `job.rows` (only the last event is kept)."""
    from mtl_core import admission
    from mtl_core.grid import iter_grid

    n = len(seeds)
    for values in axes.values():
        n *= max(1, len(values))
    job = Job(iter_grid(cfg, axes, seeds, **kw), runs_total=n, keep_events=False,
              progress=lambda g: Progress(g.runs_done, g.runs_total, g.steps_done / max(1, g.steps_total)),
              rows=lambda g: g.new_rows)
    job.cost = admission.estimate(cfg, n, kw.get("max_batch", 256) * max(1, kw.get("workers", 1)))
    return job
