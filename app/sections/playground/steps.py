"""The Playground's "where each method steps": the task gradients of the live model as it is now, on its shared
parameters, and the step every loss-balancing strategy would take from them (the plane view for two tasks, the
table for more). Capturing pauses the run for the moment it takes (no training step overlaps the gradients),
then lets it go on."""
from __future__ import annotations

import streamlit as st

from mtl_core.experiments import steps as sx

from ...i18n import t
from ...ui.state import section_key, section_state
from ...ui.step_view import show_view
from ..balance.controls import short_names
from . import SECTION
from .session import Session

ROWS = 512  # validation rows the captured losses average over


def _k(name: str) -> str:
    return section_key(SECTION, f"steps-{name}")


def _capture(sess: Session) -> None:
    run = sess.current
    trainer = run.job.source if run is not None else None
    if trainer is None:
        return
    was_running = run.job.running
    run.job.pause()  # waits for a pull in progress: the model does not move while its gradients are taken
    try:
        captured = sx.trainer_gradients(trainer, run.last.step if run.last is not None else 0, ROWS)
    finally:
        if was_running:
            run.job.resume()
    section_state(SECTION)["steps_capture"] = (run.id, captured)


def step_panel(sess: Session) -> None:
    with st.expander(t("steps.pg.title"), icon=":material/explore:"):
        st.caption(t("steps.pg.intro", rows=ROWS))
        run = sess.current
        if run is None:
            st.info(t("steps.pg.no_run"), icon=":material/touch_app:")
            return
        st.button(t("steps.pg.capture"), key=_k("capture"), icon=":material/camera:", on_click=_capture,
                  args=(sess,))
        kept = section_state(SECTION).get("steps_capture")
        if run.job.source is None:  # the first pull builds the model
            st.caption(t("steps.pg.not_started"))
            return
        if kept is None:
            return
        run_id, cap = kept
        if run_id != run.id:
            st.caption(t("steps.pg.old", run=run_id))
            return
        if cap is None:
            st.info(t("steps.run.none"), icon=":material/info:")
            return
        st.caption(t("steps.pg.caption", step=cap.step, run=run_id, params=cap.grads.shape[1],
                     losses=", ".join(f"{x:.4g}" for x in cap.losses)))
        show_view(sx.step_view(cap.grads, cap.losses, tasks=cap.tasks), short_names(), _k("view"))
