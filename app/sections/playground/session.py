"""One browser tab's Playground runs: the live run (a job of one run) and the run history.

Train / Pause / Resume / Step / Reset, like TensorFlow Playground. The run is an `app.ui.jobs.Job`
over the `train()` generator: the page pulls it for a bounded time per tick, so pausing is not
pulling and dropping the session (closing the tab) frees the model. Pure Python (no streamlit),
stored in the Playground's section state; tests drive it directly.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from mtl_core.config import ExperimentConfig
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.train import Snapshot
from mtl_core.weighting import WEIGHTINGS

from ...figures.series import Series, series_of
from ...ui.jobs import ACTIVE, Job, run_job

MAX_HISTORY = 20


def short_name(name: str) -> str:
    """"MMoE (Multi-gate Mixture-of-Experts)" -> "MMoE"; "Equal weights (EW)" -> "EW"; the same with
    full-width brackets ("MMoE（多门控混合专家）" -> "MMoE")."""
    head, _, rest = name.replace("（", " (").replace("）", ")").partition(" (")
    inner = rest.rstrip(")")
    return inner if re.fullmatch(r"[A-Z0-9][A-Za-z0-9-]{0,7}", inner or "-") and inner.isupper() else head


def run_label(run_id: int, cfg: ExperimentConfig) -> str:
    parts = [short_name(ARCHITECTURES[cfg.model.id].name), short_name(WEIGHTINGS[cfg.weighting.id].name)]
    data = DATASETS[cfg.data.id]
    knob = data.relatedness_param
    if knob == "rho" and knob in cfg.data.params:
        parts.append(f"ρ={cfg.data.params[knob]:g}")
    elif len(DATASETS) > 1:
        parts.append(short_name(data.name).split(":")[0])
    return f"#{run_id} " + " · ".join(parts)


@dataclass
class Run:
    id: int
    cfg: ExperimentConfig
    label: str
    job: Job
    _series: tuple[tuple, Series | None] = field(default=((0, None), None), repr=False)
    _figures: dict[str, tuple[tuple, Any, float]] = field(default_factory=dict, repr=False)

    @property
    def status(self) -> str:  # running | paused | finished | stopped | diverged | error
        return self.job.status

    @property
    def message(self) -> str:
        return self.job.message

    @property
    def snaps(self) -> list[Snapshot]:
        return self.job.events

    @property
    def last(self) -> Snapshot | None:
        return self.snaps[-1] if self.snaps else None

    @property
    def trained(self) -> bool:
        return any(s.step > 0 for s in self.snaps)

    def series(self) -> Series | None:
        """Series over the snapshots so far (memoised until a new snapshot arrives)."""
        key = self.series_key
        if self._series[0] != key:
            self._series = (key, series_of(self.snaps))
        return self._series[1]

    @property
    def series_key(self) -> tuple:
        """Changes whenever a snapshot arrives (the job thins its snapshots: the latest may replace the last)."""
        return len(self.snaps), id(self.last)

    def figure(self, name: str, key: tuple, build: Callable[[], Any], *, every_s: float = 0.0,
               clock: Callable[[], float] = time.monotonic) -> Any:
        """The figure `name` drawn from inputs `key`: built again when `key` changed, but while the run
        trains at most once per `every_s` seconds (in between, the figure drawn last). An unchanged figure
        is the same object, so the page sends the browser the same chart, which it does not redraw."""
        now = clock()
        old = self._figures.get(name)
        if old is not None and (old[0] == key or (self.status == "running" and now - old[2] < every_s)):
            return old[1]
        fig = build()
        self._figures[name] = (key, fig, now)
        return fig

    def forget_figures(self) -> None:
        """Drop the kept figures (the run left the live views; the history draws its own)."""
        self._figures.clear()


class Session:
    """The live run and the history of this tab's runs."""

    def __init__(self, snapshot_interval_s: float = 0.25):
        self.current: Run | None = None
        self.history: list[Run] = []
        self._next_id = 1
        self.snapshot_interval_s = snapshot_interval_s

    # -- state ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.current is not None and self.current.status == "running"

    @property
    def active(self) -> bool:
        return self.current is not None and self.current.status in ACTIVE

    @property
    def job(self) -> Job | None:
        return self.current.job if self.current is not None else None

    # -- actions -------------------------------------------------------------------------------
    def start(self, cfg: ExperimentConfig, paused: bool = False) -> Run:
        self._stop_current()
        job = run_job(cfg, snapshot_interval_s=self.snapshot_interval_s, paused=paused)
        run = Run(self._next_id, cfg, run_label(self._next_id, cfg), job)
        job.on_end = lambda _job, run=run: self._ended(run)
        self._next_id += 1
        self.current = run
        return run

    def pause(self) -> None:
        if self.current is not None:
            self.current.job.pause()

    def resume(self) -> None:
        if self.current is not None:
            self.current.job.resume()

    def toggle_pause(self) -> None:
        self.pause() if self.running else self.resume()

    def step(self, cfg: ExperimentConfig | None = None) -> None:
        """Train one more epoch of the active run (starting one from `cfg` if none), live, then pause."""
        if not self.active:
            if cfg is None:
                return
            self.start(cfg, paused=True)
        job = self.current.job
        job.resume()
        job.pause_when(lambda snap: bool(snap.epoch_end))

    def reset(self) -> None:
        self._stop_current()
        self.current = None

    def clear_history(self) -> None:
        self.history = [r for r in self.history if r is self.current]

    # -- pulling snapshots ---------------------------------------------------------------------
    def pull(self, budget_s: float = 0.4) -> bool:
        """Advance a running run for up to `budget_s` seconds (nothing happens while paused).
        Returns True when the run ended during this call (finished, diverged or failed)."""
        return self.current.job.pull(budget_s) if self.running else False

    # -- internals -----------------------------------------------------------------------------
    def _ended(self, run: Run) -> None:
        """A run that ended goes to the history, unless it was stopped before training a step."""
        if run.status != "stopped" or run.trained:
            self._archive(run)

    def _stop_current(self) -> None:
        if self.current is not None:
            self.current.job.stop()
            self.current.job.source = None  # the model leaves with the live views (the history keeps snapshots)
            self.current.forget_figures()

    def _archive(self, run: Run) -> None:
        if run not in self.history:
            self.history.append(run)
        del self.history[:-MAX_HISTORY]
