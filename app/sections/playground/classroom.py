"""Classroom links: an instructor hands students a Playground with chosen parts hidden.

The instructor's page (any link without `classroom=1`) has a Classroom panel that composes the student link
(`classroom=1&hide=model,weighting` plus the whole configuration). A page opened from such a link has no
Classroom panel at all, so nothing on it un-hides a control "fixed by your instructor"; the instructor
unlocks by opening their own link. This focuses a class, it does not lock anyone out: whoever edits the
address (drops `classroom=1`) sees every control again, and the panel's help says so.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import urljoin

import streamlit as st

from ...i18n import current_lang, t, translator
from ...ui.state import section_key, section_state
from ...ui.url import href
from . import SECTION
from .urlstate import HIDEABLE, own_query

W_HIDE = section_key(SECTION, "w_hide")  # the instructor's choice for the student link (never their own page)
DEFAULT_HIDE = ["model", "weighting"]


def student_view() -> bool:
    """True on a page opened from a classroom link."""
    return bool(section_state(SECTION).get("classroom"))


def hidden_sections() -> list[str]:
    """Parts hidden on this page: those of the classroom link it was opened from, else none."""
    state = section_state(SECTION)
    return list(state.get("hide", [])) if state.get("classroom") else []


def student_href(flat: Mapping[str, str], hide: list[str], lang: str) -> str:
    """The relative student link: this configuration, classroom mode and the parts to hide."""
    return href(SECTION, own_query(flat, True, hide), lang)


def _absolute(relative: str) -> str:
    """The student link as the browser would open it (relative where the page's address is unknown)."""
    try:
        here = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        here = None
    return urljoin(here, relative) if here else relative


def classroom_panel(flat: Mapping[str, str]) -> None:
    """The instructor's panel (absent on a student's page): what to hide, and the link that hides it."""
    if student_view():
        return
    ss = st.session_state
    with st.sidebar.expander(t("classroom.title"), icon=":material/school:"):
        if W_HIDE not in ss:
            ss[W_HIDE] = list(DEFAULT_HIDE)
        st.multiselect(t("classroom.hide"), list(HIDEABLE), key=W_HIDE,
                       format_func=lambda h, tr=translator(current_lang()): tr(f"classroom.section.{h}"))
        hide = [h for h in ss[W_HIDE] if h in HIDEABLE]
        link = student_href(flat, hide, current_lang())
        st.caption(t("classroom.link"))
        st.code(_absolute(link), language=None, wrap_lines=True)
        st.link_button(t("classroom.open"), link, icon=":material/open_in_new:", width="stretch")
        st.caption(t("classroom.help"))
