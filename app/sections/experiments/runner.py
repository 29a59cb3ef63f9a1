"""How the Experiments page trains: every study is ONE job of the section (progress bar, time left, Stop
keeps what finished), started from its tab's Run button behind the toolkit's admission gate; the open tab
redraws its results while its study runs."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from mtl_core import admission
from mtl_core.grid import balanced_max_batch
from mtl_core.params import ConfigError

from ...i18n import current_lang, t, translator
from ...ui.export import csv_text
from ...ui.jobs import Job, Progress, job_panel
from ...ui.run import Cost, errors_box, fit_batch, run_panel
from ...ui.section import keyer
from ...ui.state import section_state
from . import SECTION
from .config import Grid
from .results import MAX_BATCH, Recorder

JOB_KEY = "exp-job"
FOLLOW_S = 2.0  # the open tab redraws its charts this often while its study runs
# A study trains only while its panel pulls it, and a session's fragments take turns: every second spent
# drawing is a second not training. Studies pull 0.9 s of every 1 s tick (the Playground, which must look
# live, pulls 0.2 s of 0.25 s) and redraw their charts every 2 s.
STUDY_TICK_S, STUDY_PULL_S = 1.0, 0.9
_k = keyer(SECTION)


def state() -> dict:
    return section_state(SECTION)


def recorder(kind: str) -> Recorder | None:
    return state().setdefault("rec", {}).get(kind)


def job_of(kind: str) -> Job | None:
    s = state()
    return s.get("job") if s.get("job_kind") == kind else None


def page_tr():
    return translator(current_lang())


def fmt_s(seconds: float) -> str:
    s = int(round(seconds))
    return t("exp.secs", s=s) if s < 90 else t("exp.mins", m=f"{seconds / 60:.0f}")


def study_workers() -> int:
    """Batched models a study trains at once: one per core (two at most) on a lecturer's own server, one in
    classroom mode, where the cores are shared fairly between the students' sessions."""
    from ... import server

    return 1 if server.CLASSROOM else min(2, server._cores())


def cost_of(grid: Grid | None) -> Cost | None:
    """What a study would train, for the admission gate: its runs, in batches that fit the caps (each
    architecture's runs share batches; the data regime is the same for all of them)."""
    if grid is None:
        return None
    per_arch = grid.n_runs // max(1, len(grid.axes.get("model", ())) or 1)
    return Cost(((grid.cfg, grid.n_runs),), fit_batch(grid.cfg, min(MAX_BATCH, max(1, per_arch))))


def _start(kind: str, grid: Grid) -> None:
    s = state()
    old: Job | None = s.get("job")
    if old is not None and old.active:
        old.stop()
    try:
        workers = study_workers()
        batch = min(balanced_max_batch(grid.cfg, grid.axes, grid.seeds, workers, MAX_BATCH),
                    fit_batch(grid.cfg, MAX_BATCH))
        rec = Recorder(grid, batch, workers=workers)
    except ConfigError as err:  # the grid is validated point by point before anything trains
        s["start_error"] = (kind, str(err))
        return
    job = Job(rec.events(), runs_total=grid.n_runs, keep_events=False, rows=rec, label=kind,
              progress=lambda g: Progress(g.runs_done, g.runs_total, g.steps_done / max(1, g.steps_total)))
    job.cost = admission.estimate_batches([(b.cfg, len(b.runs) * workers) for b in rec.batches], grid.n_runs)
    s.setdefault("rec", {})[kind] = rec
    s.update(job=job, job_kind=kind)
    s.pop("start_error", None)


def job_header() -> None:
    """Above the tabs: the running study's progress (runs done / total, time left) and Stop. It pulls the
    job whichever tab is open."""
    def which(job: Job | None) -> None:
        if job is not None and job.active:
            st.caption(t("exp.job.which", study=t(f"exp.tab.{job.label}")))
    job_panel(JOB_KEY, lambda: state().get("job"), which, tick_s=STUDY_TICK_S, budget_s=STUDY_PULL_S)


def run_row(kind: str, grid: Grid | None, plan: str, label_key: str = "exp.run") -> None:
    """The Run button of a study (disabled while any study of the page trains, or past the caps) and its plan."""
    job: Job | None = state().get("job")
    busy = job is not None and job.active
    note = plan
    if busy and job.label != kind:
        note += "  \n" + t("exp.busy", study=t(f"exp.tab.{job.label}"))
    run_panel(_k(f"run_{kind}"), t(label_key), _start, (kind, grid), cost=cost_of(grid), busy=busy, note=note)
    err = state().get("start_error")
    if err and err[0] == kind:
        errors_box(t("exp.invalid"), [err[1]])


def follow(kind: str, render: Callable[[], None]) -> None:
    """Draw `render()` in a fragment that redraws every second while this kind's study trains."""
    job = job_of(kind)
    ticking = job is not None and job.running

    @st.fragment(run_every=FOLLOW_S if ticking else None)
    def view() -> None:
        render()
    view()


def show_errors(messages: list[str]) -> None:
    errors_box(t("exp.invalid"), messages)


def download(results: pd.DataFrame, key: str, name: str = "results.csv") -> None:
    st.download_button(t("exp.download"), csv_text(results), file_name=name, mime="text/csv",
                       on_click="ignore", icon=":material/download:", key=_k(f"dl_{key}"))
