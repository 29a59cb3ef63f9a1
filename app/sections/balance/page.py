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
from app.sections.balance.views import measured_panel, results, run_panel, strategy_help
from app.ui import url
from app.ui.state import section_state

section = BY_ID[SECTION]
state = section_state(SECTION)
query = url.section_query(section)
if query is not None:  # first run in this tab: the knobs come from the link (or the default scenario)
    url.set_warnings(section, load_query(query))
    state["warn_query"] = None

st.title(t("bal.title"))
st.caption(t("bal.intro"))
knobs = sidebar_knobs()
own = own_query()
url.sync(section, own)
url.warn_until_changed(section, own)

problem = scenario_of(knobs.scenario).problem
st.subheader(t(f"bal.problem.{problem}.title"), divider="gray")
st.markdown(t(f"bal.problem.{problem}.what"))
st.markdown(t(f"bal.problem.{problem}.look"))
measured_panel(knobs.scenario)
strategy_help()
run_panel(knobs)
results()
step_panel(knobs)
