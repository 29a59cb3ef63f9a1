"""Train / Pause / Step / Reset toolbar and the live views, redrawn by a fragment while training.

While a run is running, the fragment re-runs every TICK_S seconds; each tick pulls snapshots from the
`train()` generator for at most PULL_S seconds and redraws. Pausing stops the pulling (the fragment
is re-registered without `run_every`), so a button press takes effect within one tick.
"""
from __future__ import annotations

import streamlit as st

from mtl_core.config import ExperimentConfig

from .diagram import architecture_figure
from .figures import conflict_figure, loss_figure, weights_figure
from .gates import gate_evolution_figure, gate_heatmap_figure
from .i18n import current_lang, t, translator
from .modelinfo import ModelInfo
from .session import Run, Session
from .state import get_session, model_info_for

TICK_S = 0.5
PULL_S = 0.4
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
# Streamlit dims a fragment's elements while it reruns; the live views rerun twice a second and spend
# most of each tick training, so without this they would sit dimmed (and flicker) the whole time.
NO_STALE_FADE_CSS = """<style>
.st-key-live_views [data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>"""


def toolbar(cfg: ExperimentConfig | None, flat: dict[str, str]) -> None:
    sess = get_session()
    c_train, c_pause, c_step, c_reset, c_note = st.columns([1.1, 1.1, 1, 1, 5], vertical_alignment="center")
    c_train.button(t("btn.train"), key="btn_train", icon=":material/play_arrow:", type="primary",
                   disabled=cfg is None, help=t("btn.train_help"), on_click=sess.start, args=(cfg,),
                   width="stretch")
    paused = sess.current is not None and sess.current.status == "paused"
    c_pause.button(t("btn.resume" if paused else "btn.pause"), key="btn_pause",
                   icon=":material/play_circle:" if paused else ":material/pause:", disabled=not sess.active,
                   help=t("btn.pause_help"), on_click=sess.toggle_pause, width="stretch")
    c_step.button(t("btn.step"), key="btn_step", icon=":material/skip_next:",
                  disabled=cfg is None and not sess.active, help=t("btn.step_help"), on_click=sess.step,
                  args=(cfg,), width="stretch")
    c_reset.button(t("btn.reset"), key="btn_reset", icon=":material/restart_alt:",
                   disabled=sess.current is None, help=t("btn.reset_help"), on_click=sess.reset, width="stretch")
    if sess.current is not None and cfg is not None and sess.current.cfg.to_flat() != cfg.to_flat():
        c_note.caption(t("settings_changed"))


def _progress(run: Run) -> None:
    status = t(f"status.{run.status}")
    last = run.last
    if last is None:
        st.progress(0.0, text=t("progress.preparing", status=status))
    else:
        st.progress(min(1.0, last.step / max(1, last.total_steps)), text=t(
            "progress.text", status=status, epoch=last.epoch, epochs=last.epochs, step=last.step,
            total=last.total_steps, sps=last.samples_per_s, device=last.device.upper()))
    if run.status == "diverged":
        st.error(t("err.diverged", msg=run.message), icon=":material/error:")
    elif run.status == "error":
        st.error(t("err.run", msg=run.message), icon=":material/error:")


def _chart(fig, caption: str) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG)
    st.caption(caption)


def _views(sess: Session, default_info: ModelInfo | None) -> None:
    tr = translator(current_lang())
    run = sess.current
    if run is None:
        if sess.history:  # on a first visit the page's "what to do first" hint says it already
            st.info(t("view.empty"), icon=":material/touch_app:")
    else:
        _progress(run)
    s = run.series() if run is not None else None
    info = model_info_for(run.cfg) if run is not None else default_info
    idx = len(s) - 1 if s is not None else -1
    if s is not None and len(s) > 1 and not sess.running:
        idx = st.select_slider(t("view.scrub"), options=list(range(len(s))), value=len(s) - 1,
                               format_func=lambda i, tr=tr: tr("view.scrub_fmt", epoch=float(s.epoch[i])),
                               key=f"scrub_{run.id}_{len(s)}")
    gates_now = s.gates_at(idx) if s is not None and s.gates else None
    layout = info.layout if info is not None else {}
    tasks = info.tasks if info is not None else (s.tasks if s is not None else ())

    left, right = st.columns(2, gap="medium")
    with left:
        if "log_loss" not in st.session_state:
            st.session_state["log_loss"] = True
        log = st.toggle(t("view.loss.log"), key="log_loss")
        base = t("view.loss.caption_baseline") if s is not None and s.baseline_val_loss is not None else ""
        _chart(loss_figure(s, log=log, tr=tr), t("view.loss.caption", baseline=base))
    with right:
        if layout or (s is not None and s.gates):
            _chart(gate_heatmap_figure(layout, gates_now, tasks, tr=tr), t("view.gates.caption"))
        else:
            st.info(t("view.gates.none"))
        if s is not None and s.grad_cosine is None:
            st.info(t("view.conflict.none"))
        else:
            _chart(conflict_figure(s, tr=tr), t("view.conflict.caption"))
    left, right = st.columns(2, gap="medium")
    with left:
        if info is not None and not info.error:
            _chart(architecture_figure(info, gates_now, tr=tr), t("view.diagram.caption"))
    with right:
        _chart(weights_figure(s, tr=tr), t("view.weights.caption"))
    if s is not None and s.gates:
        _chart(gate_evolution_figure(layout, s.gates, s.epoch, tasks, tr=tr), t("view.evolution.caption"))


def live_panel(default_info: ModelInfo | None) -> None:
    """The fragment: pull training while running, then redraw progress and charts."""
    running = get_session().running

    @st.fragment(run_every=TICK_S if running else None)
    def live_views() -> None:
        sess = get_session()
        if sess.running:
            ended = sess.pull(budget_s=PULL_S)
            if ended or not sess.running:  # finished, diverged, or Step paused it at the epoch's end:
                st.rerun()  # redraw the whole page (buttons, history) and stop the timer
        with st.container(key="live_views"):
            _views(sess, default_info)

    st.html(NO_STALE_FADE_CSS)
    live_views()
