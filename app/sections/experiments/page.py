"""Experiments page: the MMoE paper's studies on synthetic data, live and judged (label correlation, the
correlation sweep with the claim verdicts, trainability, gate separation, difficulty), its real benchmark
Census-Income, and a results.csv made by the CLI. Settings live in the address (`exp.*`)."""
import streamlit as st

from app.i18n import t
from app.sections import BY_ID
from app.sections.experiments import SECTION
from app.sections.experiments.config import TABS, load_query, slot
from app.sections.experiments.controls import address, invalid, mem, sidebar
from app.sections.experiments.views import TABS as VIEWS
from app.sections.experiments.views import job_header
from app.ui import url
from app.ui.section import open_link
from app.ui.state import forget_widgets, section_key, section_state

section = BY_ID[SECTION]
state = section_state(SECTION)


def load(query) -> list[str]:
    """First run in this tab: the settings come from the link (or the quick preset)."""
    state["mem"], warnings = load_query(query)
    forget_widgets(SECTION)
    invalid().clear()
    state.pop("tab_default", None)
    return warnings


open_link(section, load)

st.title(t("exp.title"))
st.caption(t("exp.intro"))
m = mem()
sidebar()
url.warn_until_changed(section, address())

job_header()
labels = {tab: t(f"exp.tab.{tab}") for tab in TABS}
lang = st.session_state.get("lang")
if state.get("tab_default", (None,))[0] != lang:  # the default changes only with the labels (first run, language)
    state["tab_default"] = (lang, m[slot("tab")])
tabs = st.tabs(list(labels.values()), key=section_key(SECTION, "tabs"), on_change="rerun",
               default=labels[state["tab_default"][1]])
opened = [tab for tab, box in zip(TABS, tabs) if box.open]
if opened:
    m[slot("tab")] = opened[0]
for tab, box in zip(TABS, tabs):
    if box.open or not opened:  # lazy: only the open tab runs (all of them where tabs are not tracked)
        with box:
            VIEWS[tab]()
url.sync(section, address())
