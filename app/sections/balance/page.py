"""Balancing lab page: a scenario that provokes one training problem of MTL -> the strategies trained on it
(a job with progress, time left and Stop) -> what happened: claims checked against EW, the seesaw map, the
trade-off curve, weight trajectories, the gradient-conflict timeline and the comparison table; then where each
method steps from two task gradients."""
import streamlit as st

from app.i18n import t
from app.sections import BY_ID
from app.sections.balance import SECTION
from app.sections.balance.controls import load_query, own_query, scenario_of, sidebar_knobs
from app.sections.balance.steps import step_panel
from app.sections.balance.views import measured_panel, results, strategy_help, study_panel
from app.ui.section import keep_link, open_link

section = BY_ID[SECTION]
open_link(section, load_query)  # first run in this tab: the knobs come from the link (or the default scenario)

st.title(t("bal.title"))
st.caption(t("bal.intro"))
knobs = sidebar_knobs()
keep_link(section, own_query())

problem = scenario_of(knobs.scenario).problem
st.subheader(t(f"bal.problem.{problem}.title"), divider="gray")
st.markdown(t(f"bal.problem.{problem}.what"))
st.markdown(t(f"bal.problem.{problem}.look"))
measured_panel(knobs.scenario)
strategy_help()
study_panel(knobs)
results()
step_panel(knobs)
