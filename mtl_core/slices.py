"""Cooperative time slices: long work yields control at `checkpoint()`s, so whoever runs it for someone
else (the app's job runner) can bound each turn and stop it at once.

The training loop calls `checkpoint()` once per step, the trainer between the datasets it builds, and the
data generators once per chunk of rows. Outside a slice (the CLI, tests, a notebook) `checkpoint()` returns
at once and costs a context-variable read. The app's job runner (`app.ui.jobs`) runs a job's iterator in a
worker thread bound to a `Slice`: each pull `grant`s it time until a deadline; past it, the worker parks
at its next checkpoint until the next pull, so a pull never holds a CPU slot much longer than its slice,
however far apart the job's own events are (building a large dataset, a slow first epoch). `cancel()`
makes the parked (or next) checkpoint raise `Cancelled`, which unwinds the iterator and frees its model
and data. The slice is a context variable, so threads started with a copy of the context
(`contextvars.copy_context().run`, as `mtl_core.grid` does for its pool) share it.
"""
from __future__ import annotations

import contextvars
import threading
import time


class Cancelled(BaseException):
    """Raised at a checkpoint of cancelled work (a BaseException: `except Exception` does not swallow it)."""


class Slice:
    """Time granted to one piece of work, and whether it was cancelled."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._cond = threading.Condition()
        self._deadline = float("-inf")
        self.cancelled = False
        self.parked = 0  # checkpoints waiting for a grant now

    def grant(self, until: float) -> None:
        """Let the work run until `until` (on `clock`'s scale)."""
        with self._cond:
            self._deadline = until
            self._cond.notify_all()

    def cancel(self) -> None:
        with self._cond:
            self.cancelled = True
            self._cond.notify_all()

    def check(self) -> None:
        """Return while the slice lasts; past it, wait for the next grant; raise `Cancelled` once cancelled."""
        if self.cancelled:
            raise Cancelled()
        if self._clock() < self._deadline:
            return
        with self._cond:
            self.parked += 1
            try:
                while not self.cancelled and self._clock() >= self._deadline:
                    self._cond.wait()
            finally:
                self.parked -= 1
        if self.cancelled:
            raise Cancelled()


_CURRENT: contextvars.ContextVar[Slice | None] = contextvars.ContextVar("mtl_slice", default=None)


def bind(slice_: Slice | None) -> contextvars.Token:
    """Make `slice_` the current context's slice (the worker thread that runs the work calls this)."""
    return _CURRENT.set(slice_)


def current() -> Slice | None:
    return _CURRENT.get()


def checkpoint() -> None:
    """A point where long work may pause for its slice, or stop when cancelled; nothing outside a slice."""
    s = _CURRENT.get()
    if s is not None:
        s.check()
