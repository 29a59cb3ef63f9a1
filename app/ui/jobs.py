"""Jobs: one shared runner for everything that trains in a page — one Playground run, or a study of
many runs through the batched engine.

A `Job` wraps an iterator of progress events (the engine's snapshots, or `mtl_core.grid.iter_grid`'s
`GridProgress`). Nothing trains unless a page pulls: `pull(budget_s)` advances the iterator for a bounded
time and returns, so pausing is not pulling, `stop()` ends the iterator and keeps what finished, and a
job stored in a section's session state is freed with the tab (`app.server`'s janitor frees a closed
tab's jobs within seconds). The iterator runs in the job's own worker thread, bound to a time slice
(`mtl_core.slices`): a pull grants it `budget_s` and returns by then, whether or not an event came (the
engine parks at its next checkpoint, a training step or a chunk of generated data, until the next pull),
so one pull never holds a CPU slot for the length of a first epoch or a large dataset's generation, and a
stop unwinds the iterator at its next checkpoint however far apart its events are. A job that keeps its events thins them to at most `max_events` (evenly
spaced, the latest always kept), so a long run's memory stays bounded. `Job` is pure Python (no
streamlit) and tested directly; `job_panel` is the Streamlit fragment that pulls it twice a second and
redraws, each pull inside a CPU slot of `app.server.SCHEDULER` (fair share between sessions; in
classroom mode a cap on concurrent jobs with a visible queue).
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from mtl_core import slices
from mtl_core.params import ConfigError

ACTIVE = ("running", "paused")
ENDED = ("finished", "stopped", "diverged", "error")
TICK_S = 0.5  # the fragment re-runs this often while a job runs
PULL_S = 0.4  # ... and pulls events for at most this long per tick
MAX_EVENTS = 400  # events a job keeps (thinned evenly beyond): a long run's snapshots stay bounded
WAIT_S = 6.0  # a tick waits at most this long for a CPU slot (or its turn in the queue) before redrawing;
#              a click or a closing tab cuts the wait short
STOP_JOIN_S = 10.0  # a stop waits at most this long for the worker to unwind (it does at its next checkpoint)


class _Worker:
    """Runs an iterator's `next()` in its own thread, one call per request, within the time a `Slice` grants.

    `next_event(deadline)` asks for the next event (unless one is pending or being computed) and waits for
    it until `deadline`; what comes later stays pending for the next call. Results: ("event", e),
    ("finished", None) or ("error", exception). `cancel()` makes the iterator raise `slices.Cancelled` at
    its next checkpoint (or closes it, if idle) and waits for the thread to end."""

    def __init__(self, it, name: str = ""):
        self._it, self._name = it, name
        self.slice = slices.Slice(clock=time.perf_counter)
        self._cond = threading.Condition()
        self._asked = False  # a next() asked for and not started
        self._busy = False  # next() running
        self._result: tuple | None = None
        self._thread: threading.Thread | None = None
        self.done = False  # the thread ended (the iterator is over or closed)

    def next_event(self, deadline: float) -> tuple | None:
        with self._cond:
            if self._result is None and not self._busy and not self._asked and not self.done:
                self._asked = True
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=f"mtl-job {self._name}"[:40], daemon=True)
                    self._thread.start()
            self.slice.grant(deadline)
            self._cond.notify_all()
            while self._result is None and not self.done:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self._cond.wait(left)
            result, self._result = self._result, None
            return result

    def _run(self) -> None:
        slices.bind(self.slice)
        try:
            while True:
                with self._cond:
                    while not self._asked and not self.slice.cancelled:
                        self._cond.wait()
                    if self.slice.cancelled:
                        return
                    self._asked, self._busy = False, True
                try:
                    result = ("event", next(self._it))
                except StopIteration:
                    result = ("finished", None)
                except slices.Cancelled:
                    return
                except BaseException as err:  # noqa: BLE001 - handed to the puller, which says what happened
                    result = ("error", err)
                with self._cond:
                    self._busy, self._result = False, result
                    self._cond.notify_all()
                if result[0] != "event":
                    return
        finally:
            close = getattr(self._it, "close", None)
            if close is not None:
                try:
                    close()
                except BaseException:  # noqa: BLE001 - already unwound
                    pass
            self._it = None  # the trainer, its model and data go now
            with self._cond:
                self.done, self._busy = True, False
                self._cond.notify_all()

    def cancel(self, join_s: float = STOP_JOIN_S) -> None:
        self.slice.cancel()
        with self._cond:
            self._cond.notify_all()
            thread = self._thread
        if thread is None:  # never started: close the iterator here
            close = getattr(self._it, "close", None)
            self._it = None
            if close is not None:
                close()
            self.done = True
        elif thread is not threading.current_thread():
            thread.join(join_s)


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


# ---- the page side -------------------------------------------------------------------------------------
def _fmt_s(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s} s" if s < 90 else f"{s // 60} min {s % 60:02d} s"


def progress_text(job: Job) -> str:
    """"runs 12 / 60 · 8 s elapsed · ~20 s left" in the page language."""
    from ..i18n import t

    parts = [t("job.runs", done=job.runs_done, total=job.runs_total), t("job.elapsed", s=_fmt_s(job.elapsed_s))]
    if job.eta_s is not None and job.running:
        parts.append(t("job.left", s=_fmt_s(job.eta_s)))
    return f"**{t('status.' + job.status)}** · " + " · ".join(parts)


def default_header(job: Job | None, key: str) -> None:
    """Progress bar with runs, elapsed and time left, and a Stop button while the job is active."""
    import streamlit as st

    from ..i18n import t

    if job is None:
        return
    bar, stop = st.columns([6, 1], vertical_alignment="bottom") if job.active else (st.container(), None)
    bar.progress(min(1.0, job.progress.fraction), text=progress_text(job))
    if stop is not None:
        stop.button(t("job.stop"), key=f"{key}-stop", icon=":material/stop:", on_click=job.stop,
                    help=t("job.stop_help"), width="stretch")
    if job.status == "error":
        st.error(t("job.error", msg=job.message), icon=":material/error:")


def _no_fade_css(key: str) -> str:
    # Streamlit dims a fragment's elements while it reruns; a job's panel reruns twice a second and spends
    # most of each tick computing, so without this it would sit dimmed (and flicker) the whole time.
    return (f"<style>.st-key-{key} [data-stale=\"true\"] {{ opacity: 1 !important; "
            f"transition: none !important; }}</style>")


def _first_sight(job: Job, key: str) -> None:
    """A job a panel draws for the first time: tie it to this session (so a closed tab frees it), give
    its server admission back when it ends, and refuse it when it is over the classroom caps."""
    from .. import server

    previous = job.on_end

    def ended(j: Job) -> None:
        server.SCHEDULER.forget(id(j))
        if previous is not None:
            previous(j)
    job.on_end = ended
    sid = server.session_id()
    if sid is None:
        return
    from ..i18n import t

    reason = server.refusal(job, sid, key, tr=t)
    server.REGISTRY.add_job(sid, job, key)
    if reason:
        job.refuse(reason)


def pull_fairly(job: Job, budget_s: float = PULL_S, wait_s: float = WAIT_S) -> bool:
    """Pull `job` inside a CPU slot of the server's scheduler (waiting at most `wait_s` for it, and for
    the job's turn in classroom mode's queue; a click or a closing tab cuts the wait short). The slice is
    `budget_s`, longer when more jobs than slots train (`Scheduler.slice_s`): each redraw of a page costs
    CPU too, so a busy server redraws less often per sample trained. Returns True when the job ended."""
    from .. import server

    server.REGISTRY.seen(job)
    t0 = time.perf_counter()
    turn = server.SCHEDULER.turn(id(job), wait_s=wait_s, interrupted=server.preempted)
    job.queue_ahead = turn.ahead if turn.queued else None
    t1 = time.perf_counter()
    if not turn.granted:
        server.count(wait_s=t1 - t0)
        return False
    c1 = time.thread_time()
    try:
        return job.pull(server.SCHEDULER.slice_s(budget_s, server.LIMITS.max_slice_s))
    finally:
        turn.release()
        server.count(pulls=1, wait_s=t1 - t0, pull_s=time.perf_counter() - t1, pull_cpu_s=time.thread_time() - c1)


def queue_notice(job: Job | None) -> None:
    """"Waiting for a training slot: 3 runs ahead of you" while classroom mode's queue holds the job."""
    import streamlit as st

    from .. import server
    from ..i18n import t

    if job is not None and job.running and job.queue_ahead is not None:
        key = "server.queued" if job.queue_ahead else "server.queued_next"
        st.info(t(key, ahead=job.queue_ahead, jobs=server.SCHEDULER.max_jobs or 0), icon=":material/hourglass_top:")


def job_panel(key: str, get_job: Callable[[], Job | None], render: Callable[[Job | None], None], *,
              header: Callable[[Job | None], None] | None = None, tick_s: float = TICK_S,
              budget_s: float = PULL_S) -> None:
    """Draw a job's progress and results in a fragment that, while the job runs, re-runs every
    `tick_s`, pulls it for `budget_s` (in its turn: `pull_fairly`), and calls `render(job)` with the
    results so far. When the job ends (or pauses itself) the whole page re-runs once, so buttons and
    tables outside follow. `header(job)` replaces the default progress bar + Stop button; `key` names
    the container."""
    import streamlit as st

    from .. import server

    job = get_job()
    ticking = job is not None and job.running

    @st.fragment(run_every=tick_s if ticking else None)
    def panel() -> None:
        current = get_job()
        if current is not None and current.running and not current.shown:
            current.shown = True  # a new job: draw it at once ("preparing…"), pull from the next tick on
            _first_sight(current, key)
            if not current.running:
                st.rerun()  # refused: the whole page shows why, the buttons follow
        elif current is not None and current.running:
            ended = pull_fairly(current, budget_s)
            if ended or not current.running:
                st.rerun()  # the whole page: buttons, history, the timer switched off
        elif ticking:
            st.rerun()  # stopped from inside the panel (or replaced): switch the timer off
        t0, c0 = time.perf_counter(), time.thread_time()
        with st.container(key=key):
            queue_notice(current)
            (header or (lambda j: default_header(j, key)))(current)
            render(current)
        if ticking:
            server.count(renders=1, render_s=time.perf_counter() - t0, render_cpu_s=time.thread_time() - c0)

    st.html(_no_fade_css(key))
    panel()
