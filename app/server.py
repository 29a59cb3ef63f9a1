"""The server side of the app: many browser sessions on one process, bounded memory, fair CPU.

Three pieces, all process-wide (one Streamlit server = one Python process, every tab a thread):

* `SCHEDULER` — who may train now. Every pull of a job (`app.ui.jobs.job_panel`) takes a *CPU slot*
  for its time slice (`PULL_S`), first come first served among the jobs waiting, so N training tabs
  share the cores round-robin instead of fighting over them (the GIL, the OS scheduler) and none
  starves. In classroom mode at most `max_jobs` jobs train at once; later ones wait in a visible FIFO
  queue ("3 runs ahead of you"). Admissions are leases: a job its page stopped pulling (paused, page
  switched, tab closed) loses its place after `lease_s`.
* `REGISTRY` + the janitor thread — what each session holds. `app.ui.state.section_state` registers
  every section dict with the session it belongs to, `job_panel` every job. Streamlit keeps a closed
  tab's session (and so its runs, models and data) until another visitor connects and evicts it; the
  janitor checks once a second which sessions are still connected and, `session_grace_s` after a
  session disconnected, stops its jobs, empties its section state, collects garbage and hands the
  freed heap back to the OS (glibc `malloc_trim`), so the server's memory falls within seconds. It also
  keeps the garbage collector's full passes short (`app.memory.freeze_heap`): Streamlit collects after
  every script run, and a live job panel reruns several times a second.
* `Limits` + `over_caps` / `study_over_caps` / `refusal` — classroom mode's per-session caps, each
  message naming the setting, its value, the cap and the environment variable that sets it.

Classroom mode: `streamlit run app/main.py -- --classroom` or `MTL_CLASSROOM=1`. Every limit can be
changed by its environment variable (see `Limits`). The scheduler's CPU slots and the janitor run in
every mode; the caps and the queue only in classroom mode.

`Limits`, `Scheduler`, `Registry` and the cap checks are pure Python (tested directly); only the
janitor's "is this session connected" question and `session_id()` ask Streamlit.
"""
from __future__ import annotations

import itertools
import os
import sys
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterable

from .memory import freeze_heap, limit_malloc_arenas, rss_mb, steady_allocator, trim_memory

TRUE = ("1", "true", "yes", "on")


def classroom_mode(argv: Iterable[str] | None = None, env: dict | None = None) -> bool:
    """`--classroom` after `--` on the streamlit command line, or MTL_CLASSROOM=1."""
    env = os.environ if env is None else env
    argv = sys.argv if argv is None else list(argv)
    return "--classroom" in argv or str(env.get("MTL_CLASSROOM", "")).strip().lower() in TRUE


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """Server settings. Field -> environment variable: MTL_ + the field name in capitals
    (max_data_mb -> MTL_MAX_DATA_MB). Caps (max_*) apply in classroom mode only."""

    max_data_mb: float = 48.0  # a run's data in memory (estimate: rows x features x bytes)
    max_sample_passes: int = 2_000_000  # training samples x epochs of one run
    max_snapshots_per_epoch: int = 20  # evaluations per epoch (each one scores the validation split)
    max_params: int = 1_000_000  # model parameters
    max_study_runs: int = 200  # runs in one study (any page)
    max_study_data_mb: float = 64.0  # data of the runs a study trains at once (one batch)
    max_study_sample_passes: int = 40_000_000  # runs x training samples x epochs of a Playground study
    max_studies: int = 1  # studies training at once per session (a tab); single runs do not count
    max_jobs: int = 0  # jobs training at once on the server, beyond: a queue (0: 4 per core)
    cpu_slots: int = 0  # time slices taken at once (0: one per core)
    session_grace_s: float = 8.0  # a disconnected session's state is freed this long after it left
    idle_stop_s: float = 600.0  # a job nobody pulled for this long is stopped (frees its model and data)
    lease_s: float = 30.0  # an admitted or queued job not seen for this long loses its place (a page's redraw
    #                        under heavy load can take several seconds: the lease must outlast one tick)
    max_slice_s: float = 1.2  # longest pull per turn when more jobs than slots train (fewer redraws per sample)
    malloc_arenas: int = 2  # glibc malloc arenas for the threads started from now on (0: glibc's default, 8 per
    #                         core): every tab's script runs in its own thread, and with an arena each the freed
    #                         memory of closed tabs stays fragmented in the process instead of going back

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Limits":
        env = os.environ if env is None else env
        kw: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get("MTL_" + f.name.upper())
            if raw is None or not str(raw).strip():
                continue
            try:
                kw[f.name] = type(f.default)(float(raw)) if isinstance(f.default, int) else float(raw)
            except ValueError:
                print(f"MTL Explorer: ignoring MTL_{f.name.upper()}={raw!r} (not a number)", file=sys.stderr)
        lim = cls(**kw)
        cores = _cores()
        return cls(**{**lim.__dict__, "max_jobs": lim.max_jobs or 4 * cores, "cpu_slots": lim.cpu_slots or cores})

    @staticmethod
    def env_name(field: str) -> str:
        return "MTL_" + field.upper()


# ---- per-session caps (classroom mode) ---------------------------------------------------------------------
EVAL_ROWS = {"n_val": 1, "n_test": 1, "n_eval": 2}  # data params that add rows beside the training split
DATA_SIZE_PARAMS = ("n_train", "n_val", "n_test", "n_eval", "n_impressions", "d", "n_dense")


def data_rows(data_id: str, params: dict) -> tuple[int, int]:
    """(training rows, rows of all splits) of a dataset with these parameters."""
    from mtl_core.data import DATASETS

    info = DATASETS[data_id]
    train = int(info.train_size(dict(params)))
    size = params.get(info.size_param)
    if info.size_param != "n_train" and isinstance(size, int):  # one size for all splits (the funnel)
        return train, int(size)
    return train, train + sum(int(params.get(k, 0)) * n for k, n in EVAL_ROWS.items())


def data_mb(data_id: str, params: dict, runs: int = 1) -> float:
    """Estimated memory of the data of `runs` runs trained at once: float32 dense features, int64 IDs,
    float32 labels + masks; plus the epoch's shuffled copy of the training rows that small batches of runs
    keep (`mtl_core.train.EPOCH_GATHER_BYTES`)."""
    from mtl_core.data import DATASETS
    from mtl_core.train import EPOCH_GATHER_BYTES

    spec = DATASETS[data_id].spec(dict(params))
    per_row = 4 * spec.schema.n_dense + 8 * spec.schema.n_categorical + 8 * len(spec.tasks)
    train, rows = data_rows(data_id, params)
    shuffled = runs * train * per_row
    return (runs * rows * per_row + (shuffled if shuffled <= EPOCH_GATHER_BYTES else 0)) / 2**20


def _size_settings(data_id: str) -> str:
    from mtl_core.data import DATASETS

    names = [p.name for p in DATASETS[data_id].params if p.name in DATA_SIZE_PARAMS]
    return ", ".join(f"data.{n}" for n in names)


def _msg(tr: Callable[..., str] | None, key: str, **kw) -> str:
    if tr is None:
        from .i18n import EN as tr  # noqa: N813 - the English translator
    return tr(key, **kw)


def over_caps(cfg, limits: Limits, n_params: int | None = None, tr=None) -> list[str]:
    """Why one run of `cfg` is over the classroom caps: one sentence per cap (empty when within)."""
    out = []
    p, tc = dict(cfg.data.params), cfg.train
    mb = data_mb(cfg.data.id, p)
    if mb > limits.max_data_mb:
        out.append(_msg(tr, "server.cap.data", mb=f"{mb:,.0f}", cap=f"{limits.max_data_mb:,.0f}",
                        env=Limits.env_name("max_data_mb"), settings=_size_settings(cfg.data.id)))
    train, _ = data_rows(cfg.data.id, p)
    passes = train * tc.epochs
    if passes > limits.max_sample_passes:
        out.append(_msg(tr, "server.cap.passes", n=f"{train:,}", epochs=tc.epochs, passes=f"{passes:,}",
                        cap=f"{limits.max_sample_passes:,}", env=Limits.env_name("max_sample_passes")))
    if tc.snapshots_per_epoch > limits.max_snapshots_per_epoch:
        out.append(_msg(tr, "server.cap.snapshots", n=tc.snapshots_per_epoch, cap=limits.max_snapshots_per_epoch,
                        env=Limits.env_name("max_snapshots_per_epoch")))
    if n_params is not None and n_params > limits.max_params:
        out.append(_msg(tr, "server.cap.params", n=f"{n_params:,}", cap=f"{limits.max_params:,}",
                        env=Limits.env_name("max_params")))
    return out


def study_over_caps(cfg, n_runs: int, batch: int, limits: Limits, tr=None) -> list[str]:
    """Why a Playground study (n_runs runs of `cfg`, `batch` of them trained at once) is over the caps."""
    out = []
    if n_runs > limits.max_study_runs:
        out.append(_msg(tr, "server.cap.study_runs", n=f"{n_runs:,}", cap=f"{limits.max_study_runs:,}",
                        env=Limits.env_name("max_study_runs")))
    mb = data_mb(cfg.data.id, dict(cfg.data.params), runs=batch)
    if mb > limits.max_study_data_mb:
        out.append(_msg(tr, "server.cap.study_data", mb=f"{mb:,.0f}", seeds=batch,
                        cap=f"{limits.max_study_data_mb:,.0f}", env=Limits.env_name("max_study_data_mb"),
                        settings=_size_settings(cfg.data.id)))
    train, _ = data_rows(cfg.data.id, dict(cfg.data.params))
    passes = n_runs * train * cfg.train.epochs
    if passes > limits.max_study_sample_passes:
        out.append(_msg(tr, "server.cap.study_passes", passes=f"{passes:,}", cap=f"{limits.max_study_sample_passes:,}",
                        env=Limits.env_name("max_study_sample_passes")))
    return out


def _where(key: str, tr) -> str:
    """A job panel's key ("exp-job", "playground-study") -> the section's title in the page language."""
    from .sections import BY_ID

    head = key.split("-")[0]
    section = BY_ID.get({"exp": "experiments"}.get(head, head))
    return _msg(tr, section.title_key) if section is not None else key


def refusal(job, session: str, key: str = "", limits: Limits | None = None, classroom: bool | None = None,
            registry: "Registry | None" = None, tr=None) -> str | None:
    """Why a job a session just started may not train on this server (classroom mode), or None:
    a study with more runs than `max_study_runs`, or one more study than `max_studies` at once."""
    limits = LIMITS if limits is None else limits
    if not (CLASSROOM if classroom is None else classroom) or job.runs_total <= 1:
        return None
    if job.runs_total > limits.max_study_runs:
        return _msg(tr, "server.cap.study_runs", n=f"{job.runs_total:,}", cap=f"{limits.max_study_runs:,}",
                    env=Limits.env_name("max_study_runs"))
    registry = REGISTRY if registry is None else registry
    others = [j for j in registry.jobs(session) if j is not job and j.active and j.runs_total > 1]
    if len(others) >= limits.max_studies:
        return _msg(tr, "server.cap.studies", cap=limits.max_studies, env=Limits.env_name("max_studies"),
                    where=", ".join(sorted({_where(registry.where(j), tr) for j in others})))
    return None


# ---- the CPU scheduler ---------------------------------------------------------------------------------------
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


# ---- sessions and what they hold ----------------------------------------------------------------------
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
            SCHEDULER.forget(id(job))
        for state in states.values():
            state.clear()
        self.freed_sessions += 1
        if self.on_free is not None:
            self.on_free(session)

    on_free: Callable[[str], None] | None = None  # e.g. also drop Streamlit's stored copy of the session


LIMITS = Limits.from_env()
CLASSROOM = classroom_mode()
SCHEDULER = Scheduler(LIMITS.cpu_slots, LIMITS.max_jobs if CLASSROOM else None, LIMITS.lease_s)
REGISTRY = Registry()
_JANITOR_NAME = "mtl-explorer-janitor"


def session_id() -> str | None:
    """This script run's Streamlit session id (None outside a Streamlit script run)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 - no Streamlit: nothing to attach to
        return None
    return ctx.session_id if ctx is not None else None


def preempted() -> bool:
    """Whether this script run has been asked to stop or to rerun (a click, the tab closing): a wait
    for a CPU slot gives up at once so the click takes effect. Reads Streamlit internals; False if
    they change."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

        ctx = get_script_run_ctx(suppress_warning=True)
        requests = ctx.script_requests if ctx is not None else None
        if requests is None:
            return False
        state = requests._state  # noqa: SLF001
        if state == ScriptRequestType.STOP:
            return True
        if state == ScriptRequestType.RERUN:
            data = requests._rerun_data  # noqa: SLF001
            return not (data.fragment_id_queue and not data.is_fragment_scoped_rerun)
    except Exception:  # noqa: BLE001
        return False
    return False


def _close_stored_session(session: str) -> None:
    """Drop Streamlit's stored copy of a disconnected session (kept for a reconnect, 2 minutes by default):
    its widget state and unsent messages go now. A reconnect after this starts a fresh session (its
    section state was emptied anyway). Uses the runtime's event loop, as Streamlit requires."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return
        runtime = Runtime.instance()
        loop = runtime._get_async_objs().eventloop  # noqa: SLF001 - no public handle on the server's loop

        def close() -> None:
            if not runtime.is_active_session(session):
                runtime.close_session(session)
        loop.call_soon_threadsafe(close)
    except Exception:  # noqa: BLE001 - internals changed: the TTL of Streamlit's storage still applies
        pass


# ---- counters (printed by the janitor when MTL_SERVER_LOG=1: every 10 s, or every MTL_SERVER_LOG_S) -----------
# pull_s / render_s: wall time of the pulls and of the job panels' redraws; *_cpu_s: the CPU time of the thread
# that did them (under load the wall time also counts waiting for a core, the CPU time does not)
STATS = {"pulls": 0, "pull_s": 0.0, "pull_cpu_s": 0.0, "wait_s": 0.0, "renders": 0, "render_s": 0.0,
         "render_cpu_s": 0.0}
_STATS_LOCK = threading.Lock()


def count(**kw: float) -> None:
    with _STATS_LOCK:
        for k, v in kw.items():
            STATS[k] += v


def _is_active(session: str) -> bool:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return True  # not a server (AppTest, a script): nothing is ever disconnected
    return Runtime.instance().is_active_session(session)


def janitor_pass(now: float | None = None) -> int:
    """One pass: free disconnected sessions, stop jobs idle for `idle_stop_s`; trim memory if anything went."""
    freed = REGISTRY.sweep(_is_active, LIMITS.session_grace_s, now)
    now = time.monotonic() if now is None else now
    stopped = 0
    for job in REGISTRY.all_jobs():
        if job.active and now - REGISTRY.last_seen(job) > LIMITS.idle_stop_s:
            job.stop()
            SCHEDULER.forget(id(job))
            stopped += 1
    if freed or stopped:
        trim_memory()
        print(f"MTL Explorer: freed {freed} disconnected session(s), stopped {stopped} idle job(s); "
              f"RSS {rss_mb():.0f} MB", file=sys.stderr, flush=True)
    SCHEDULER.stats()  # lets leases of jobs nobody pulls any more expire
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
                with _STATS_LOCK:
                    snap = dict(STATS)
                print(f"MTL Explorer: {SCHEDULER.stats()} {snap} RSS {rss_mb():.0f} MB", file=sys.stderr, flush=True)
        except Exception as err:  # noqa: BLE001 - the janitor must outlive any one bad pass
            print(f"MTL Explorer janitor: {type(err).__name__}: {err}", file=sys.stderr)


def start_janitor(period_s: float = 1.0) -> None:
    """Start the janitor thread once per process (idempotent); also caps glibc's malloc arenas and steadies
    its thresholds (`steady_allocator`)."""
    REGISTRY.on_free = _close_stored_session
    if any(t.name == _JANITOR_NAME and t.is_alive() for t in threading.enumerate()):
        return
    if "MALLOC_ARENA_MAX" not in os.environ:
        limit_malloc_arenas(LIMITS.malloc_arenas)
    steady_allocator()
    threading.Thread(target=_janitor, args=(period_s,), name=_JANITOR_NAME, daemon=True).start()
