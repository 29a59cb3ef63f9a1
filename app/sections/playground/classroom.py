"""Classroom mode: an instructor hides chosen parts of the Playground; the choice lives in the URL
(classroom=1&hide=model,weighting) so a copied link hands students a focused playground."""
from __future__ import annotations

import streamlit as st

from ...i18n import current_lang, t, translator
from ...ui.state import section_key, section_state
from . import SECTION
from .urlstate import HIDEABLE

W_CLASSROOM, W_HIDE = section_key(SECTION, "w_classroom"), section_key(SECTION, "w_hide")


def hidden_sections() -> list[str]:
    """Parts hidden in this run (widget state of the last interaction wins over the URL's)."""
    ss, state = st.session_state, section_state(SECTION)
    if W_CLASSROOM in ss:
        state["classroom"] = bool(ss[W_CLASSROOM])
    if W_HIDE in ss:
        state["hide"] = [h for h in ss[W_HIDE] if h in HIDEABLE]
    return list(state.get("hide", [])) if state.get("classroom") else []


def classroom_panel() -> None:
    ss, state = st.session_state, section_state(SECTION)
    with st.sidebar.expander(t("classroom.title"), icon=":material/school:", expanded=bool(state.get("classroom"))):
        if W_CLASSROOM not in ss:
            ss[W_CLASSROOM] = bool(state.get("classroom"))
        st.toggle(t("classroom.toggle"), key=W_CLASSROOM)
        if ss[W_CLASSROOM]:
            if W_HIDE not in ss:
                ss[W_HIDE] = list(state.get("hide", []))
            st.multiselect(t("classroom.hide"), list(HIDEABLE), key=W_HIDE,
                           format_func=lambda h, tr=translator(current_lang()): tr(f"classroom.section.{h}"))
        st.caption(t("classroom.help"))
