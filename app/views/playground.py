"""Playground page: sidebar controls -> config -> live training views -> run history."""
import streamlit as st

from app.classroom import classroom_panel, hidden_sections
from app.controls import sidebar_controls
from app.history import history_section
from app.i18n import t
from app.live import live_panel, toolbar
from app.state import get_session
from app.urlstate import sync_url

hidden = hidden_sections()
st.title(t("pg.title"))
st.caption(t("pg.subtitle"))

controls = sidebar_controls(hidden)
classroom_panel()
sync_url(controls.flat)

if st.session_state.get("url_warnings") and st.session_state.get("url_flat", controls.flat) == controls.flat:
    st.session_state.setdefault("url_flat", controls.flat)
    st.warning(t("url.warn") + "\n\n" + "\n".join(f"- {w}" for w in st.session_state["url_warnings"]),
               icon=":material/link_off:")
if controls.errors:
    st.error(t("err.config") + "\n\n" + "\n".join(f"- {e}" for e in controls.errors), icon=":material/block:")
if not get_session().history and get_session().current is None:
    st.info(t("hint.body"), icon=":material/lightbulb:")

toolbar(controls.cfg, controls.flat)
live_panel(controls.info)
if "history" not in hidden:
    history_section()
