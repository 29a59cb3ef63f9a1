"""The CPU scheduler: who may train now.

Every pull of a job (`app.ui.jobs.pull_fairly`) takes a *CPU slot* for its time slice, first come first
served among the jobs waiting, so N training tabs share the cores round-robin instead of fighting over
them (the GIL, the OS scheduler) and none starves. With `max_jobs` at most that many jobs train at once
(classroom mode); later ones wait in a visible FIFO queue ("3 runs ahead of you"). Admissions are
leases: a job its page stopped pulling (paused, page switched, tab closed) loses its place after `lease_s`.
Pure Python, tested directly.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Turn:
    granted: bool  # a CPU slot is held: pull, then release()
    ahead: int = 0  # jobs ahead in the server's queue (0 when admitted)
    queued: bool = False  # not admitted yet (classroom mode's cap on concurrent jobs)
    release: Callable[[], None] = lambda: None


class Scheduler:
    """CPU slots taken first come first served, and (optionally) a cap on admitted jobs with a FIFO queue.

    Keys are any hashable job identity. `turn(key)` waits up to `wait_s` for admission and a slot and
    returns a `Turn`; the caller pulls its job while holding the slot, then calls `turn.release()`.
    A job keeps its ticket (its place in the line for a slot) across calls until it is served, so a
    job whose wait timed out keeps its priority; only jobs actually waiting are served, so a job that
    went away never blocks the others.
    """

    def __init__(self, slots: int, max_jobs: int | None = None, lease_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.slots, self.max_jobs, self.lease_s, self._clock = max(1, int(slots)), max_jobs, lease_s, clock
        self._cond = threading.Condition()
        self._busy = 0
        self._admitted: dict[Any, float] = {}  # key -> last seen
        self._queue: OrderedDict[Any, float] = OrderedDict()  # key -> last seen, first come first
        self._tickets: dict[Any, int] = {}
        self._waiting: set[Any] = set()
        self._count = itertools.count()
        self.served = 0

    # -- admission -------------------------------------------------------------------------------
    def _expire(self, now: float) -> None:
        for table in (self._admitted, self._queue):
            for key in [k for k, seen in table.items() if now - seen > self.lease_s]:
                del table[key]
                self._tickets.pop(key, None)

    def _place(self, key, now: float) -> int:
        """0 when admitted, else 1 + the number of jobs ahead in the queue."""
        self._expire(now)
        if key in self._admitted or self.max_jobs is None:
            self._admitted[key] = now
            return 0
        self._queue[key] = now
        while self._queue and len(self._admitted) < self.max_jobs:
            first, _ = self._queue.popitem(last=False)
            self._admitted[first] = now
        if key in self._admitted:
            return 0
        return list(self._queue).index(key) + 1

    def position(self, key) -> int:
        with self._cond:
            return self._place(key, self._clock())

    def forget(self, key) -> None:
        """The job ended: give its admission and its ticket back."""
        with self._cond:
            self._admitted.pop(key, None)
            self._queue.pop(key, None)
            self._tickets.pop(key, None)
            self._cond.notify_all()

    # -- slots -----------------------------------------------------------------------------------
    def _my_turn(self, key) -> bool:
        free = self.slots - self._busy
        if free <= 0:
            return False
        first = sorted(self._tickets[k] for k in self._waiting)[:free]
        return self._tickets[key] in first

    def turn(self, key, wait_s: float = 0.0, interrupted: Callable[[], bool] = lambda: False,
             poll_s: float = 0.1) -> Turn:
        deadline = self._clock() + wait_s
        with self._cond:
            new = key not in self._admitted and key not in self._queue
            while True:
                now = self._clock()
                place = self._place(key, now)
                if place > 0 and new:  # just queued: say so at once (the page shows its place in line)
                    return Turn(False, ahead=place - 1, queued=True)
                if place == 0:
                    if key not in self._tickets:
                        self._tickets[key] = next(self._count)
                    self._waiting.add(key)
                    if self._my_turn(key):
                        self._waiting.discard(key)
                        del self._tickets[key]
                        self._busy += 1
                        self.served += 1
                        return Turn(True, release=self._releaser(key))
                left = deadline - now
                if left <= 0 or interrupted():
                    self._waiting.discard(key)
                    return Turn(False, ahead=max(0, place - 1), queued=place > 0)
                self._cond.wait(min(left, poll_s))

    def _releaser(self, key) -> Callable[[], None]:
        done = [False]

        def release() -> None:
            with self._cond:
                if not done[0]:
                    done[0] = True
                    self._busy -= 1
                    if key in self._admitted:  # the lease counts from the end of the pull, not its start
                        self._admitted[key] = self._clock()
                    self._cond.notify_all()
        return release

    def slice_s(self, base_s: float, cap_s: float) -> float:
        """A pull's time slice: `base_s`, times (jobs training recently / slots) when that is above 1,
        at most `cap_s`."""
        with self._cond:
            active = len(self._admitted)
        return max(base_s, min(cap_s, base_s * active / self.slots))

    def stats(self) -> dict[str, int]:
        with self._cond:
            self._expire(self._clock())
            return {"training": len(self._admitted), "queued": len(self._queue), "busy": self._busy,
                    "slots": self.slots, "max_jobs": self.max_jobs or 0}
