"""Funnel explorer page: knobs -> the funnel of the data -> the comparison (a job with live curves and Stop)
-> probability decomposition, bias on the entire space, metrics over seeds, regime map."""
import streamlit as st

from app.i18n import t
from app.sections import BY_ID
from app.sections.funnel import SECTION
from app.sections.funnel.controls import load_query, own_query, sidebar_knobs
from app.sections.funnel.regime import load_regime
from app.sections.funnel.views import comparison_panel, funnel_sketch, regime_map, results
from app.ui.section import keep_link, open_link

section = BY_ID[SECTION]
open_link(section, load_query)  # first run in this tab: the knobs come from the link (or the default preset)

st.title(t("fx.title"))
st.caption(t("fx.intro"))
knobs = sidebar_knobs()
keep_link(section, own_query())

funnel_sketch(knobs)
comparison_panel(knobs)
results()
regime_map(load_regime())
