"""URL state per section: the frame's keys (lang, page, preset) and each section's own keys.

The address holds what a section shows, so a copied link reproduces it. A section reads its keys once
per tab, on its first run (`section_query`), and writes its state back on every run (`sync`); keys
another section owns are ignored, keys nobody owns are handed to the section on screen (the Playground
names them in a warning). Every warning echoes at most `MAX_ECHO` characters of a bad value.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import urlencode

import streamlit as st

from ..i18n import DEFAULT_LANG, LANGS, t, t_invalid
from ..sections import BY_ID, BY_PATH, SECTIONS, Section, owner_of
from .state import app_state, section_state
from .text import MAX_ECHO, MAX_WARNING, bullets, clip, short, shorten_in  # noqa: F401 - their home was here

FRAME_KEYS = ("lang", "page", "preset")
STREAMLIT_KEYS = ("embed", "embed_options")  # Streamlit's own; never ours to read or drop


def query() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params}


def init_frame() -> None:
    """On a tab's first run: the language, `page` and `preset` from the URL (each named in a warning
    when invalid). A preset opens the section it belongs to unless `page` says otherwise."""
    state = app_state()
    if state.get("url_loaded"):
        return
    q = query()
    warnings: list[str] = []
    lang = q.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        warnings.append(f"lang: {short(lang)} is not allowed; expected one of {', '.join(LANGS)} — "
                        f"using the default '{DEFAULT_LANG}' instead")
    st.session_state["lang"] = lang if lang in LANGS else DEFAULT_LANG
    page = q.get("page")
    if page is not None and page not in BY_PATH:
        warnings.append(f"page: {short(page)} is not a section; expected one of {', '.join(BY_PATH)}")
        page = None
    preset = q.get("preset")
    if preset is not None:
        from mtl_core.presets import PRESETS  # only when asked: the navigation draws before the library loads

        if preset not in PRESETS:
            warnings.append(f"preset: {short(preset)} is not a known preset; expected one of {', '.join(PRESETS)}")
            preset = None
        elif page is None and PRESETS[preset].section in BY_ID:
            page = BY_ID[PRESETS[preset].section].url_path
    state.update(url_loaded=True, warnings=[clip(shorten_in(w, q)) for w in warnings], page=page, preset=preset)


def requested_section() -> Section | None:
    """The section `?page=` asked for, once per tab (None afterwards or when none was asked)."""
    state = app_state()
    page = state.pop("page", None)
    return BY_PATH.get(page) if page else None


def section_query(section: Section) -> dict[str, str] | None:
    """On the section's first run in this tab: the query keys it may read (its own and those nobody
    owns, plus `preset` when the link's preset is for this section or for no registered section);
    None on later runs."""
    state = section_state(section.id)
    if state.get("url_loaded"):
        return None
    state["url_loaded"] = True
    out = {k: v for k, v in query().items()
           if k not in FRAME_KEYS and k not in STREAMLIT_KEYS and (owner_of(k) in (None, section))}
    preset = app_state().get("preset")
    if preset is not None:
        from mtl_core.presets import PRESETS

        owner = PRESETS[preset].section
        if owner == section.id or (owner not in BY_ID and section.default):
            out["preset"] = preset
    return out


def set_warnings(section: Section, warnings: list[str]) -> None:
    """Keep a section's URL warnings, every key or value of the link echoed in them shortened."""
    q = query()
    section_state(section.id)["url_warnings"] = [clip(shorten_in(str(w), q)) for w in warnings]


def warnings(section: Section) -> list[str]:
    """The frame's URL warnings (language, page) and the section's own."""
    return list(app_state().get("warnings", [])) + list(section_state(section.id).get("url_warnings", []))


def frame_query() -> dict[str, str]:
    return {"lang": st.session_state.get("lang", DEFAULT_LANG)}


def href(section: Section | str | None = None, keys: Mapping[str, object] | None = None,
         lang: str | None = None) -> str:
    """A relative link inside the app: `?page=<section>` (None: the section a `preset` key names, else the
    default one), its keys, and the language (the page's own unless given), so a 中文 reader stays in 中文.
    Every internal link of the app is made here."""
    if isinstance(section, str):
        section = BY_ID[section]
    query: dict[str, str] = {}
    if section is not None:
        query["page"] = section.url_path
    query.update({str(k): str(v) for k, v in (keys or {}).items()})
    query["lang"] = lang if lang in LANGS else st.session_state.get("lang", DEFAULT_LANG)
    return "./?" + urlencode(query, safe=",")


def sync(section: Section, own: Mapping[str, str] | None = None) -> None:
    """Make the address show the section's state (`own`, keys it owns) and the language."""
    wanted = {**dict(own or {}), **frame_query()}
    current = {k: v for k, v in query().items() if k not in STREAMLIT_KEYS}
    if current != wanted:
        st.query_params.from_dict(wanted)


__all__ = ["short", "shorten_in", "clip", "query", "init_frame", "requested_section", "section_query", "set_warnings",
           "warnings", "href", "sync", "warn_until_changed", "show_warnings", "SECTIONS"]


def warn_until_changed(section: Section, own: Mapping[str, str]) -> None:
    """Show the link's warnings for `section` (if any) until the learner changes a setting: `own` is the
    section's query now; the warnings stay while it equals the query of the run that first showed them."""
    if not warnings(section):
        return
    state = section_state(section.id)
    if state.get("warn_query") is None:
        state["warn_query"] = dict(own)
    if state["warn_query"] == dict(own):
        show_warnings(warnings(section))


def show_warnings(items: list[str]) -> None:
    """The link's warnings in one box, every item escaped (it echoes values of the link)."""
    if items:
        st.warning(bullets(t("url.warn"), [t_invalid(item) for item in items]), icon=":material/link_off:")
