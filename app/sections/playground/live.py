"""Train / Pause / Step / Reset toolbar and the live views, redrawn by the shared job panel while
training (`app.ui.jobs.job_panel`: it pulls the run's snapshots for PULL_S = 0.12 s and redraws, back to
back, so the loss curves move about six times a second, the conflict and weight curves twice and the gate
views once a second; pausing stops the pulling, so a button press takes effect within one cycle)."""
from __future__ import annotations

import streamlit as st

from mtl_core.config import ExperimentConfig

from ...figures import (architecture_figure, conflict_figure, gate_evolution_figure, gate_heatmap_figure,
                        loss_figure, weights_figure)
from ... import server
from ...i18n import current_lang, t, translator
from ...ui.cache import model_info_for
from ...ui.charts import chart
from ...ui.clicks import once_per_click
from ...ui.jobs import job_panel
from ...ui.modelinfo import ModelInfo
from ...ui.section import keyer
from ...ui.state import section_state
from ...ui.text import escape_md
from . import SECTION
from .experts import expert_views
from .session import Run, Session
from .steps import step_panel

LIVE_KEY = "playground-live_views"  # the container (CSS class st-key-playground-live_views)
# A live run redraws about six times a second: the fragment's timer (TICK_S) asks more often than a cycle
# takes, so the cycles run back to back, each PULL_S of training then a cheap redraw (plain Plotly JSON, see
# app/figures/style.py, updated in place in the browser, see app/ui/live_chart.py); PULL_S balances redraws
# per second against the page's training rate (docs/performance.md, T4). Studies keep the job panel's slower
# default.
TICK_S, PULL_S = 0.1, 0.12
# The gate views (heatmap, diagram, evolution) change slowly and cost the browser most to redraw: while
# training they are drawn again at most once per GATE_VIEWS_S, the curves every redraw.
GATE_VIEWS_S = 1.0
# The gradient-conflict and task-weight curves move slowly too; drawn at most every SIDE_CURVES_S while
# training, they leave the browser's time to the loss chart (Plotly's redraws fill the browser's main thread).
SIDE_CURVES_S = 0.5
# A classroom server shares two cores among many tabs, and redrawing six charts costs more CPU than a
# fifth of a second of training: there a live run redraws once a second and trains longer per tick.
CLASSROOM_TICK_S, CLASSROOM_PULL_S = 1.0, 0.8


def get_session() -> Session:
    state = section_state(SECTION)
    if "session" not in state:
        state["session"] = Session()
    return state["session"]


_k = keyer(SECTION)


def toolbar(cfg: ExperimentConfig | None) -> None:
    sess = get_session()
    c_train, c_pause, c_step, c_reset, c_note = st.columns([1.1, 1.1, 1, 1, 5], vertical_alignment="center")
    c_train.button(t("btn.train"), key=_k("btn_train"), icon=":material/play_arrow:", type="primary",
                   disabled=cfg is None, help=t("btn.train_help"), on_click=once_per_click(_k("btn_train"), sess.start),
                   args=(cfg,),
                   width="stretch")
    paused = sess.current is not None and sess.current.status == "paused"
    c_pause.button(t("btn.resume" if paused else "btn.pause"), key=_k("btn_pause"),
                   icon=":material/play_circle:" if paused else ":material/pause:", disabled=not sess.active,
                   help=t("btn.pause_help"), on_click=once_per_click(_k("btn_pause"), sess.toggle_pause),
                   width="stretch")
    c_step.button(t("btn.step"), key=_k("btn_step"), icon=":material/skip_next:",
                  disabled=cfg is None and not sess.active, help=t("btn.step_help"),
                  on_click=once_per_click(_k("btn_step"), sess.step),
                  args=(cfg,), width="stretch")
    c_reset.button(t("btn.reset"), key=_k("btn_reset"), icon=":material/restart_alt:",
                   disabled=sess.current is None, help=t("btn.reset_help"),
                   on_click=once_per_click(_k("btn_reset"), sess.reset), width="stretch")
    if sess.current is not None and cfg is not None and sess.current.cfg.typed_flat() != cfg.typed_flat():
        c_note.caption(t("settings_changed"))


def _progress(run: Run | None) -> None:
    if run is None:
        return
    status = t(f"status.{run.status}")
    last = run.last
    if last is None:
        st.progress(0.0, text=t("progress.preparing", status=status))
    else:
        st.progress(min(1.0, last.step / max(1, last.total_steps)), text=t(
            "progress.text", status=status, epoch=last.epoch, epochs=last.epochs, step=last.step,
            total=last.total_steps, sps=last.samples_per_s, device=last.device.upper()))
    if run.status == "diverged":
        st.error(t("err.diverged", msg=escape_md(run.message)), icon=":material/error:")
    elif run.status == "error":
        st.error(t("err.run", msg=escape_md(run.message)), icon=":material/error:")


def _views(sess: Session, default_info: ModelInfo | None) -> None:
    lang = current_lang()
    tr = translator(lang)
    run = sess.current
    if run is None and sess.history:  # on a first visit the page's "what to do first" hint says it already
        st.info(t("view.empty"), icon=":material/touch_app:")
    s = run.series() if run is not None else None
    info = model_info_for(run.cfg) if run is not None else default_info
    idx = len(s) - 1 if s is not None else -1
    if s is not None and len(s) > 1 and not sess.running:
        idx = st.select_slider(t("view.scrub"), options=list(range(len(s))), value=len(s) - 1,
                               format_func=lambda i, tr=tr: tr("view.scrub_fmt", epoch=float(s.epoch[i])),
                               key=_k(f"scrub_{run.id}_{len(s)}"))
    gates_now = s.gates_at(idx) if s is not None and s.gates else None
    gate_defs = info.gates if info is not None else ()
    tasks = info.tasks if info is not None else (s.tasks if s is not None else ())

    def figure(name: str, key: tuple, build, every_s: float = 0.0):
        """A live run's figures are kept with the run: rebuilt only when their data changed, the gate
        views while training at most every GATE_VIEWS_S (`Run.figure`)."""
        if run is None:
            return build()
        early = s is None or len(s) < 2  # the first data replaces "no data yet" at once
        return run.figure(name, (run.series_key, idx, lang, *key), build, every_s=0.0 if early else every_s)

    left, right = st.columns(2, gap="medium")
    with left:
        if _k("log_loss") not in st.session_state:
            st.session_state[_k("log_loss")] = True
        log = st.toggle(t("view.loss.log"), key=_k("log_loss"))
        base = t("view.loss.caption_baseline") if s is not None and s.baseline_val_loss is not None else ""
        chart(figure("loss", (log,), lambda: loss_figure(s, log=log, tr=tr)), t("view.loss.caption", baseline=base),
              live_key=_k("live_loss"))
    with right:
        if gate_defs or (s is not None and s.gates):
            routed = any(not g.sums_to_one for g in gate_defs)  # e.g. SNR's on/off connections
            chart(figure("gates", (), lambda: gate_heatmap_figure(gate_defs, gates_now, tasks, tr=tr), GATE_VIEWS_S),
                  t("view.gates.caption_routed" if routed else "view.gates.caption"), live_key=_k("live_gates"))
        else:
            st.info(t("view.gates.none"))
        if s is not None and s.grad_cosine is None:
            st.info(t("view.conflict.none"))
        else:
            chart(figure("conflict", (), lambda: conflict_figure(s, tr=tr), SIDE_CURVES_S), t("view.conflict.caption"),
                  live_key=_k("live_conflict"))
    expert_views(run, idx, info, gates_now, tasks, figure, tr)  # gated models: expert health, AdaTT's fusion
    left, right = st.columns(2, gap="medium")
    with left:
        if info is not None and not info.error:
            chart(figure("diagram", (), lambda: architecture_figure(info, gates_now, tr=tr), GATE_VIEWS_S),
                  t("view.diagram.caption"), live_key=_k("live_diagram"))
    with right:
        chart(figure("weights", (), lambda: weights_figure(s, tr=tr), SIDE_CURVES_S), t("view.weights.caption"),
              live_key=_k("live_weights"))
    if s is not None and s.gates:
        chart(figure("evolution", (), lambda: gate_evolution_figure(gate_defs, s.gates, s.epoch, tasks, tr=tr),
                     GATE_VIEWS_S), t("view.evolution.caption"), live_key=_k("live_evolution"))


def live_panel(default_info: ModelInfo | None) -> None:
    """The run as a job: progress and live charts, re-drawn while it trains."""
    sess = get_session()
    job_panel(LIVE_KEY, lambda: sess.job, lambda job: _views(sess, default_info),
              header=lambda job: _progress(sess.current),
              tick_s=CLASSROOM_TICK_S if server.CLASSROOM else TICK_S,
              budget_s=CLASSROOM_PULL_S if server.CLASSROOM else PULL_S)
    step_panel(sess)  # outside the live panel: drawn on demand, not redrawn while the run trains
