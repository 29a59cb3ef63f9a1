"""Funnel explorer page: knobs -> the funnel of the data -> the comparison (a job with live curves and Stop)
-> probability decomposition, bias on the entire space, metrics over seeds, regime map."""
import streamlit as st

from app.i18n import t
from app.sections import BY_ID
from app.sections.funnel import SECTION
from app.sections.funnel.controls import load_query, own_query, sidebar_knobs
from app.sections.funnel.regime import load_regime
from app.sections.funnel.views import funnel_sketch, regime_map, results, run_panel
from app.ui import url
from app.ui.state import section_state

section = BY_ID[SECTION]
state = section_state(SECTION)
query = url.section_query(section)
if query is not None:  # first run in this tab: the knobs come from the link (or the default preset)
    url.set_warnings(section, load_query(query))
    state["warn_query"] = None

st.title(t("fx.title"))
st.caption(t("fx.intro"))
knobs = sidebar_knobs()
own = own_query()
url.sync(section, own)
url.warn_until_changed(section, own)

funnel_sketch(knobs)
run_panel(knobs)
results()
regime_map(load_regime())
