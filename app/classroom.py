"""Classroom mode: an instructor hides chosen control sections; the choice lives in the URL
(classroom=1&hide=model,weighting) so a copied link hands students a focused playground."""
from __future__ import annotations

import streamlit as st

from .i18n import current_lang, t, translator
from .urlstate import HIDEABLE


def hidden_sections() -> list[str]:
    """Sections hidden in this run (widget state of the last interaction wins over the URL's)."""
    ss = st.session_state
    if "w_classroom" in ss:
        ss["classroom"] = bool(ss["w_classroom"])
    if "w_hide" in ss:
        ss["hide"] = [h for h in ss["w_hide"] if h in HIDEABLE]
    return list(ss.get("hide", [])) if ss.get("classroom") else []


def classroom_panel() -> None:
    ss = st.session_state
    with st.sidebar.expander(t("classroom.title"), icon=":material/school:", expanded=bool(ss.get("classroom"))):
        if "w_classroom" not in ss:
            ss["w_classroom"] = bool(ss.get("classroom"))
        st.toggle(t("classroom.toggle"), key="w_classroom")
        if ss["w_classroom"]:
            if "w_hide" not in ss:
                ss["w_hide"] = list(ss.get("hide", []))
            st.multiselect(t("classroom.hide"), list(HIDEABLE), key="w_hide",
                           format_func=lambda h, tr=translator(current_lang()): tr(f"classroom.section.{h}"))
        st.caption(t("classroom.help"))
