"""One browser tab's training state: the live run (a `train()` generator) and the run history.

No threads: the page pulls snapshots from the generator for a bounded time per tick, so pausing is
simply not pulling, and dropping the session (closing the tab) frees the model. Pure Python (no
streamlit), stored in `st.session_state`; tests drive it directly.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Iterator

from mtl_core.config import ExperimentConfig
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.train import DivergenceError, Snapshot, train
from mtl_core.weighting import WEIGHTINGS

from .series import Series, series_of

ACTIVE = ("running", "paused")
MAX_HISTORY = 20


def short_name(name: str) -> str:
    """"MMoE (Multi-gate Mixture-of-Experts)" -> "MMoE"; "Equal weights (EW)" -> "EW"."""
    head, _, rest = name.partition(" (")
    inner = rest.rstrip(")")
    return inner if re.fullmatch(r"[A-Z0-9][A-Za-z0-9-]{0,7}", inner or "-") and inner.isupper() else head


def run_label(run_id: int, cfg: ExperimentConfig) -> str:
    parts = [short_name(ARCHITECTURES[cfg.model.id].name), short_name(WEIGHTINGS[cfg.weighting.id].name)]
    data = DATASETS[cfg.data.id]
    if "rho" in cfg.data.params:
        parts.append(f"ρ={cfg.data.params['rho']:g}")
    elif len(DATASETS) > 1:
        parts.append(short_name(data.name).split(":")[0])
    return f"#{run_id} " + " · ".join(parts)


@dataclass
class Run:
    id: int
    cfg: ExperimentConfig
    label: str
    status: str = "paused"  # running | paused | finished | stopped | diverged | error
    message: str = ""
    snaps: list[Snapshot] = field(default_factory=list)
    _series: tuple[int, Series | None] = (0, None)

    @property
    def last(self) -> Snapshot | None:
        return self.snaps[-1] if self.snaps else None

    @property
    def trained(self) -> bool:
        return any(s.step > 0 for s in self.snaps)

    def series(self) -> Series | None:
        """Series over the snapshots so far (memoised until a new snapshot arrives)."""
        if self._series[0] != len(self.snaps):
            self._series = (len(self.snaps), series_of(self.snaps))
        return self._series[1]


class Session:
    """Train / Pause / Resume / Step / Reset, like TensorFlow Playground."""

    def __init__(self, snapshot_interval_s: float = 0.25):
        self.current: Run | None = None
        self.history: list[Run] = []
        self._gen: Iterator[Snapshot] | None = None
        self._next_id = 1
        self._pause_at_epoch_end = False  # set by Step
        self.snapshot_interval_s = snapshot_interval_s

    # -- state ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.current is not None and self.current.status == "running"

    @property
    def active(self) -> bool:
        return self.current is not None and self.current.status in ACTIVE

    # -- actions -------------------------------------------------------------------------------
    def start(self, cfg: ExperimentConfig, paused: bool = False) -> Run:
        self._stop_current()
        run = Run(self._next_id, cfg, run_label(self._next_id, cfg), status="paused" if paused else "running")
        self._next_id += 1
        self._pause_at_epoch_end = False
        self._gen = train(cfg, snapshot_interval_s=self.snapshot_interval_s)
        self.current = run
        return run

    def pause(self) -> None:
        self._pause_at_epoch_end = False
        if self.running:
            self.current.status = "paused"

    def resume(self) -> None:
        if self.current is not None and self.current.status == "paused":
            self.current.status = "running"

    def toggle_pause(self) -> None:
        self.pause() if self.running else self.resume()

    def step(self, cfg: ExperimentConfig | None = None) -> None:
        """Train one more epoch of the active run (starting one from `cfg` if none), live, then pause."""
        if not self.active:
            if cfg is None:
                return
            self.start(cfg, paused=True)
        self.current.status = "running"
        self._pause_at_epoch_end = True

    def reset(self) -> None:
        self._stop_current()
        self.current = None

    def clear_history(self) -> None:
        self.history = [r for r in self.history if r is self.current]

    # -- pulling snapshots ---------------------------------------------------------------------
    def pull(self, budget_s: float = 0.4) -> bool:
        """Advance a running run for up to `budget_s` seconds (nothing happens while paused).
        Returns True when the run ended during this call (finished, diverged or failed)."""
        return self._advance(budget_s) if self.running else False

    def _advance(self, budget_s: float) -> bool:
        run, t0 = self.current, time.perf_counter()
        if run is None or self._gen is None or run.status not in ACTIVE:
            return False
        while True:
            try:
                snap = next(self._gen)
            except StopIteration:
                return self._end("finished")
            except DivergenceError as err:
                return self._end("diverged", str(err))
            except Exception as err:  # noqa: BLE001 - any library error is shown, the page keeps working
                return self._end("error", f"{type(err).__name__}: {err}")
            run.snaps.append(snap)
            if snap.done:
                return self._end("finished")
            if self._pause_at_epoch_end and snap.epoch_end:
                self._pause_at_epoch_end = False
                run.status = "paused"
                return False
            if time.perf_counter() - t0 >= budget_s:
                return False

    # -- internals -----------------------------------------------------------------------------
    def _end(self, status: str, message: str = "") -> bool:
        run = self.current
        run.status, run.message = status, message
        self._close()
        self._archive(run)
        return True

    def _stop_current(self) -> None:
        run = self.current
        if run is not None and run.status in ACTIVE:
            run.status = "stopped"
            self._close()
            if run.trained:
                self._archive(run)

    def _archive(self, run: Run) -> None:
        if run not in self.history:
            self.history.append(run)
        del self.history[:-MAX_HISTORY]

    def _close(self) -> None:
        if self._gen is not None:
            self._gen.close()
        self._gen = None
