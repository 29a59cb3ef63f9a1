"""Session state namespaced per section.

Each section keeps its own dict in `st.session_state` (`section_state("playground")`), so a section's
configuration, jobs and URL bookkeeping never collide with another's, and closing the tab frees them:
each dict is registered with its session in `app.server.REGISTRY`, whose janitor empties it a few
seconds after the tab disconnected (Streamlit itself would keep it until another visitor connects).
Widget keys are namespaced the same way (`section_key("playground", "w:model")` ->
"playground.w:model"): Streamlit keeps a widget's value under its key, and two sections with a
same-named widget would otherwise read each other's value on the run that switches pages.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from ..server import REGISTRY, session_id

APP = "_app"  # the frame's own namespace (language, URL bookkeeping shared by all sections)


def section_state(section: str) -> dict[str, Any]:
    """The section's own dict in this tab's session state (created empty on first use)."""
    key = f"section:{section}"
    if key not in st.session_state:
        st.session_state[key] = {}
    state = st.session_state[key]
    sid = session_id()
    if sid is not None:
        REGISTRY.add_state(sid, section, state)
    return state


def app_state() -> dict[str, Any]:
    return section_state(APP)


def section_key(section: str, name: str) -> str:
    """A widget key that belongs to `section`."""
    return f"{section}.{name}"


def forget_widgets(section: str, prefix: str = "") -> None:
    """Drop the section's widget values (optionally those whose name starts with `prefix`), so the
    widgets re-seed from the section's state on the next run."""
    head = section_key(section, prefix)
    for key in [k for k in st.session_state if str(k).startswith(head)]:
        del st.session_state[key]
