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

This module is the page side; `Job` and the engine's two kinds of job are in `app.ui.job_core`, the
worker thread in `app.ui.job_worker` (all importable from here).
"""
from __future__ import annotations

import time
from typing import Callable

from .job_core import ACTIVE, ENDED, MAX_EVENTS, PULL_S, Job, Progress, grid_job, run_job  # noqa: F401
from .job_worker import STOP_JOIN_S, _Worker  # noqa: F401

TICK_S = 0.5  # the fragment re-runs this often while a job runs
WAIT_S = 6.0  # a tick waits at most this long for a CPU slot (or its turn in the queue) before redrawing;
#              a click or a closing tab cuts the wait short


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
