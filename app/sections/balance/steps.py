"""The balancing lab's "Where each method steps" panel: two synthetic task gradients whose angle, ratio of norms
and ratio of losses the learner drags (every strategy's step redrawn), and a frozen snapshot of real gradients:
the scenario's model trained for a chosen number of steps, its task gradients on the shared parameters there."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from mtl_core.data import DATASETS
from mtl_core.experiments import steps as sx

from ...i18n import t
from ...ui.state import section_key, section_state
from ...ui.step_view import REFERENCE, show_view
from . import SECTION
from .controls import Knobs, short_names

RATIOS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0)
DIM = 16  # coordinates of the synthetic gradients (their plane is laid along a random pair of directions)
ROWS = 512  # validation rows the captured losses average over


def _k(name: str) -> str:
    return section_key(SECTION, f"steps-{name}")


@st.cache_data(show_spinner=False, max_entries=64)
def _synthetic_view(theta: float, ratio: float, loss_ratio: float) -> sx.StepView:
    return sx.step_view(sx.synthetic_gradients(theta, ratio, dim=DIM), [1.0, loss_ratio])


def _synthetic() -> None:
    c1, c2, c3 = st.columns(3)
    theta = c1.slider(t("steps.angle"), 0, 180, 120, step=5, key=_k("angle"), help=t("steps.angle_help"))
    ratio = c2.select_slider(t("steps.ratio"), RATIOS, value=1.0, key=_k("ratio"), help=t("steps.ratio_help"),
                             format_func=lambda r: f"{r:g}")
    loss_ratio = c3.select_slider(t("steps.loss_ratio"), RATIOS, value=1.0, key=_k("loss_ratio"),
                                  help=t("steps.loss_ratio_help"), format_func=lambda r: f"{r:g}")
    show_view(_synthetic_view(float(theta), float(ratio), float(loss_ratio)), short_names(), _k("synthetic"))
    st.caption(t("steps.synthetic_caption", dim=DIM, loss_ratio=loss_ratio))


def _total_steps(knobs: Knobs) -> int:
    cfg = knobs.cfg
    n = DATASETS[cfg.data.id].train_size(dict(cfg.data.params))
    return max(1, math.ceil(n / cfg.train.batch_size) * cfg.train.epochs)


def _from_run(knobs: Knobs) -> None:
    st.caption(t("steps.run.intro", rows=ROWS))
    if knobs.cfg is None:
        return
    names = short_names()
    state = section_state(SECTION)
    options = list(dict.fromkeys([REFERENCE, *knobs.weightings]))
    total = _total_steps(knobs)
    c1, c2, c3 = st.columns([2, 3, 1.4], vertical_alignment="bottom")
    weighting = c1.selectbox(t("steps.run.weighting"), options, key=_k("run_weighting"),
                             format_func=lambda w: names.get(w, w))
    step = c2.slider(t("steps.run.step"), 0, total, min(total, 100), key=_k("run_step"))
    cfg = knobs.cfg.with_changes(weighting=weighting)
    signature = (tuple(sorted(cfg.typed_flat().items())), int(step))
    if c3.button(t("steps.run.capture"), key=_k("run_capture"), icon=":material/camera:", width="stretch"):
        with st.spinner(t("steps.run.capture")):
            state["steps_capture"] = (signature, cfg, sx.capture_gradients(cfg, int(step), ROWS))
    kept = state.get("steps_capture")
    if kept is None:
        st.info(t("steps.run.hint"), icon=":material/camera:")
        return
    kept_signature, kept_cfg, cap = kept
    if kept_signature != signature:
        st.caption(t("steps.run.stale"))
    if cap is None:
        st.info(t("steps.run.none"), icon=":material/info:")
        return
    show_view(sx.step_view(cap.grads, cap.losses, tasks=cap.tasks), names, _k("run"))
    norms = np.linalg.norm(cap.grads, axis=1)
    st.caption(t("steps.run.caption", model=names.get(kept_cfg.model.id, kept_cfg.model.id),
                 weighting=names.get(kept_cfg.weighting.id, kept_cfg.weighting.id), step=cap.step,
                 seed=kept_cfg.train.seed, params=cap.grads.shape[1],
                 losses=", ".join(f"{x:.4g}" for x in cap.losses),
                 ratio=float(norms[-1] / norms[0]) if norms[0] > 0 else float("inf")))


def step_panel(knobs: Knobs) -> None:
    st.subheader(t("steps.title"), divider="gray")
    st.markdown(t("steps.intro"))
    synthetic, run = st.tabs([t("steps.tab.synthetic"), t("steps.tab.run")])
    with synthetic:
        _synthetic()
    with run:
        _from_run(knobs)
