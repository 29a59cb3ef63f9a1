"""Sessions and what they hold: the registry, and the janitor thread that frees a closed tab.

`app.ui.state.section_state` registers every section dict with the session it belongs to, `job_panel`
every job. Streamlit keeps a closed tab's session (and so its runs, models and data) until another
visitor connects and evicts it; the janitor checks once a second which sessions are still connected and,
`session_grace_s` after a session disconnected, stops its jobs, empties its section state, collects
garbage and hands the freed heap back to the OS (glibc `malloc_trim`), so the server's memory falls
within seconds, in every server mode. It also keeps the garbage collector's full passes short
(`app.memory.freeze_heap`): Streamlit collects after every script run, and a live job panel reruns
several times a second. `Registry` is pure Python (tested directly); whether a session is connected is
asked of Streamlit through `st_runtime`.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from typing import Callable

from ..memory import freeze_heap, limit_malloc_arenas, rss_mb, steady_allocator, trim_memory
from . import st_runtime
from .stats import STATS, STATS_LOCK

TRUE = ("1", "true", "yes", "on")
JANITOR_NAME = "mtl-explorer-janitor"


def _server():
    from .. import server

    return server


class Registry:
    """Session id -> the section dicts and jobs it holds (jobs weakly: ended jobs go with their page)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._states: dict[str, dict[str, dict]] = {}
        self._jobs: dict[str, weakref.WeakSet] = {}
        self._gone_since: dict[str, float] = {}
        self._job_where: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._job_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.freed_sessions = 0

    def add_state(self, session: str, name: str, state: dict) -> None:
        with self._lock:
            self._states.setdefault(session, {})[name] = state

    def add_job(self, session: str, job, where: str = "") -> None:
        with self._lock:
            self._jobs.setdefault(session, weakref.WeakSet()).add(job)
            self._job_where[job] = where
            self._job_seen.setdefault(job, time.monotonic())

    def seen(self, job) -> None:
        self._job_seen[job] = time.monotonic()

    def jobs(self, session: str) -> list:
        with self._lock:
            return list(self._jobs.get(session, ()))

    def all_jobs(self) -> list:
        with self._lock:
            return [j for js in self._jobs.values() for j in js]

    def where(self, job) -> str:
        return self._job_where.get(job, "")

    def last_seen(self, job) -> float:
        return self._job_seen.get(job, time.monotonic())

    def sessions(self) -> list[str]:
        with self._lock:
            return list(set(self._states) | set(self._jobs))

    def sweep(self, is_active: Callable[[str], bool], grace_s: float, now: float | None = None) -> int:
        """Free the sessions that have been disconnected for `grace_s`; returns how many were freed."""
        now = time.monotonic() if now is None else now
        freed = 0
        for sid in self.sessions():
            if is_active(sid):
                self._gone_since.pop(sid, None)
                continue
            since = self._gone_since.setdefault(sid, now)
            if now - since >= grace_s:
                self.free(sid)
                freed += 1
        return freed

    def free(self, session: str) -> None:
        with self._lock:
            states = self._states.pop(session, {})
            jobs = list(self._jobs.pop(session, ()))
            self._gone_since.pop(session, None)
        for job in jobs:
            job.stop()  # closes the iterator: the trainer's model, optimiser and data go with it
            _server().SCHEDULER.forget(id(job))
        for state in states.values():
            state.clear()
        self.freed_sessions += 1
        if self.on_free is not None:
            self.on_free(session)

    on_free: Callable[[str], None] | None = None  # e.g. also drop Streamlit's stored copy of the session


def janitor_pass(now: float | None = None) -> int:
    """One pass: free disconnected sessions, stop jobs idle for `idle_stop_s`; trim memory if anything went."""
    server = _server()
    freed = server.REGISTRY.sweep(st_runtime.is_active_session, server.LIMITS.session_grace_s, now)
    now = time.monotonic() if now is None else now
    stopped = 0
    for job in server.REGISTRY.all_jobs():
        if job.active and now - server.REGISTRY.last_seen(job) > server.LIMITS.idle_stop_s:
            job.stop()
            server.SCHEDULER.forget(id(job))
            stopped += 1
    if freed or stopped:
        trim_memory()
        print(f"MTL Explorer: freed {freed} disconnected session(s), stopped {stopped} idle job(s); "
              f"RSS {rss_mb():.0f} MB", file=sys.stderr, flush=True)
    server.SCHEDULER.stats()  # lets leases of jobs nobody pulls any more expire
    return freed + stopped


def _janitor(period_s: float) -> None:
    log = str(os.environ.get("MTL_SERVER_LOG", "")).lower() in TRUE
    try:
        every_s = float(os.environ.get("MTL_SERVER_LOG_S", "") or 10.0)
    except ValueError:
        every_s = 10.0
    last_log = time.monotonic()
    while True:
        time.sleep(period_s)
        try:
            freeze_heap()
            janitor_pass()
            if log and time.monotonic() - last_log >= every_s - 1e-3:
                last_log = time.monotonic()
                with STATS_LOCK:
                    snap = dict(STATS)
                print(f"MTL Explorer: {_server().SCHEDULER.stats()} {snap} RSS {rss_mb():.0f} MB", file=sys.stderr,
                      flush=True)
        except Exception as err:  # noqa: BLE001 - the janitor must outlive any one bad pass
            print(f"MTL Explorer janitor: {type(err).__name__}: {err}", file=sys.stderr)


def _close_stored_session(session: str) -> None:
    try:
        st_runtime.close_stored_session(session)
    except Exception:  # noqa: BLE001 - the TTL of Streamlit's own storage still applies
        pass


def start_janitor(period_s: float = 1.0) -> None:
    """Start the janitor thread once per process (idempotent); also caps glibc's malloc arenas and steadies
    its thresholds (`steady_allocator`), and says once if Streamlit's internals changed (`st_runtime`)."""
    server = _server()
    server.REGISTRY.on_free = _close_stored_session
    if any(t.name == JANITOR_NAME and t.is_alive() for t in threading.enumerate()):
        return
    st_runtime.warn_once()
    if "MALLOC_ARENA_MAX" not in os.environ:
        limit_malloc_arenas(server.LIMITS.malloc_arenas)
    steady_allocator()
    threading.Thread(target=_janitor, args=(period_s,), name=JANITOR_NAME, daemon=True).start()
