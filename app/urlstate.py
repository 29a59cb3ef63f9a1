"""The URL is the experiment: config keys from `cfg.to_flat()` plus lang, classroom and hide.

Read once per tab (the first run); afterwards the page writes its state back so a copied link
reproduces the experiment. Invalid or tampered values fall back to defaults with a warning naming
the parameter (`from_flat_lenient`).
"""
from __future__ import annotations

from typing import Mapping

import streamlit as st

from mtl_core.config import from_flat_lenient

from .i18n import DEFAULT_LANG, LANGS
from .widgets import flat_to_mem

NON_CONFIG = ("lang", "classroom", "hide", "embed", "embed_options")
HIDEABLE = ("data", "model", "weighting", "train", "history")


def split_query(query: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(config keys, other keys) of a query-parameter mapping."""
    conf = {k: v for k, v in query.items() if k not in NON_CONFIG}
    return conf, {k: v for k, v in query.items() if k in NON_CONFIG}


def parse_hide(text: str) -> list[str]:
    return [h for h in (x.strip() for x in str(text).split(",")) if h in HIDEABLE]


def init_from_url() -> None:
    """On a tab's first run: language, classroom settings and the configuration from the URL."""
    ss = st.session_state
    if ss.get("url_loaded"):
        return
    query = {k: st.query_params.get(k) for k in st.query_params}
    conf, other = split_query(query)
    cfg, warnings = from_flat_lenient(conf)
    lang = other.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        warnings.append(f"lang: {lang!r} is not allowed; expected one of {', '.join(LANGS)} — "
                        f"using the default '{DEFAULT_LANG}' instead")
    ss["lang"] = lang if lang in LANGS else DEFAULT_LANG
    ss["classroom"] = str(other.get("classroom", "0")).strip().lower() in ("1", "true", "yes", "on")
    ss["hide"] = parse_hide(other.get("hide", "")) if ss["classroom"] else []
    unknown = [h for h in str(other.get("hide", "")).split(",") if h.strip() and h.strip() not in HIDEABLE]
    if unknown:
        warnings.append(f"hide: {', '.join(unknown)} not recognised; expected any of {', '.join(HIDEABLE)}")
    ss["cfg_mem"] = flat_to_mem(cfg.to_flat())
    ss["url_warnings"] = warnings
    ss["url_loaded"] = True


def page_query(config_flat: Mapping[str, str] | None = None) -> dict[str, str]:
    """What the URL should hold now: the config (on the playground), language and classroom."""
    ss = st.session_state
    out = dict(config_flat or {})
    out["lang"] = ss.get("lang", DEFAULT_LANG)
    if ss.get("classroom"):
        out["classroom"] = "1"
        if ss.get("hide"):
            out["hide"] = ",".join(ss["hide"])
    return out


def sync_url(config_flat: Mapping[str, str] | None = None) -> None:
    wanted = page_query(config_flat)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
