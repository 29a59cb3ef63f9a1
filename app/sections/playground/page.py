"""Playground page: sidebar controls -> config -> live training views -> study -> run history."""
import streamlit as st

from app.i18n import current_lang, entry_name, t
from app.sections import BY_ID
from app.sections.playground import SECTION
from app.sections.playground.classroom import classroom_panel, hidden_sections
from app.sections.playground.controls import set_config, sidebar_controls
from app.sections.playground.guide import first_steps, missing_data, preset_banner
from app.sections.playground.history import history_section
from app.sections.playground.live import get_session, live_panel, toolbar
from app.sections.playground.study import offer_preset, study_panel
from app.sections.playground.urlstate import load, own_query
from app.ui import url
from app.ui.code import show_code
from app.ui.run import Cost, admission, caps_box, errors_box
from app.ui.state import section_state
from mtl_core.models import ARCHITECTURES
from mtl_core.weighting import WEIGHTINGS

section = BY_ID[SECTION]
state = section_state(SECTION)
query = url.section_query(section)
if query is not None:  # first run in this tab: the configuration comes from the link
    loaded = load(query)  # each value of the link parsed once, into a checked config
    set_config(loaded.cfg, loaded.mem)
    state.update(classroom=loaded.classroom, hide=loaded.hide, url_flat=None, preset=loaded.preset,
                 start=loaded.start, preset_flat=None)
    url.set_warnings(section, loaded.warnings)
    if loaded.preset is not None:
        offer_preset(loaded.preset)
    elif loaded.start is not None:
        offer_preset(loaded.start, open_panel=False)

hidden = hidden_sections()
st.title(t("pg.title"))
st.caption(t("pg.subtitle"))

controls = sidebar_controls(hidden)
caps: list[str] = []
if controls.cfg is not None:  # a shared server: the toolkit's gate refuses what would cost it too much
    info = controls.info
    caps = admission(Cost(((controls.cfg, 1),), 1, info.n_params if info and not info.error else None))
    if caps:
        controls.cfg = None  # Train and the study stay disabled until the setting is within the limits
classroom_panel(controls.text)
url.sync(section, own_query(controls.text, bool(state.get("classroom")), state.get("hide", [])))

warnings = url.warnings(section)
if warnings:
    if state.get("url_flat") is None:
        state["url_flat"] = controls.flat
    if state["url_flat"] == controls.flat:  # shown until the learner changes a setting
        url.show_warnings(warnings)
caps_box(caps)
errors_box(t("err.config"), controls.errors)
sess = get_session()
preset = state.get("preset")
if preset is not None and state.get("preset_flat") is None:
    state["preset_flat"] = controls.flat  # the banner stays until the learner changes a setting
if preset is not None and state["preset_flat"] == controls.flat:
    preset_banner(preset, controls.info, current_lang())
elif not sess.history and sess.current is None and controls.cfg is not None:
    st.info(first_steps(controls.cfg, controls.info, current_lang(), state.get("start"), hidden),
            icon=":material/lightbulb:")
if missing_data(controls.cfg):
    controls.cfg = None  # Train, Step and the study wait for the data

toolbar(controls.cfg)
live_panel(controls.info)
if controls.cfg is not None and "model" not in hidden:
    with st.expander(t("code.title"), icon=":material/code:"):
        cfg = controls.cfg
        arch, weighting = ARCHITECTURES[cfg.model.id], WEIGHTINGS[cfg.weighting.id]
        tab_arch, tab_weighting = st.tabs([entry_name(current_lang(), "model", arch),
                                           entry_name(current_lang(), "weighting", weighting)])
        with tab_arch:
            show_code(arch.cls)
        with tab_weighting:
            show_code(weighting.cls)
if "study" not in hidden:
    study_panel(controls.cfg)
if "history" not in hidden:
    history_section()
