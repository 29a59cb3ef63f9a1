"""The worker thread behind `app.ui.jobs.Job`: it runs a job's iterator `next()` by `next()` in its own
thread, bound to a time slice (`mtl_core.slices`), so a pull returns by its deadline whether or not an
event came, and a stop unwinds the iterator at its next checkpoint."""
from __future__ import annotations

import threading
import time

from mtl_core import slices

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
