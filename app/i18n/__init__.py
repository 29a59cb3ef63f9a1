"""All UI text lives in `en.py` and `zh.py` (one dict per language, same keys).

`translate(lang, key, **kw)` is pure (figure builders use it); `t(key, **kw)` reads the session's
language. Optional keys (`p.<param>`, `desc.arch.<id>`...) translate registry texts when a
translation exists and fall back to the registry's own English otherwise (`t_opt`).
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from . import en, zh

LANGS: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}
LANG_NAMES = {"en": "English", "zh": "中文"}
DEFAULT_LANG = "en"

Translator = Callable[..., str]


def translate(lang: str, key: str, **kw) -> str:
    table = LANGS.get(lang, LANGS[DEFAULT_LANG])
    text = table.get(key, LANGS[DEFAULT_LANG].get(key, key))
    return text.format(**kw) if kw else text


def translate_opt(lang: str, key: str, default: str) -> str:
    """A translation if one exists for this language (or English), else `default` (registry text)."""
    return LANGS.get(lang, LANGS[DEFAULT_LANG]).get(key, default)


def translator(lang: str) -> Translator:
    return partial(translate, lang)


EN: Translator = translator("en")


def current_lang() -> str:
    import streamlit as st  # only the page-side helpers need streamlit

    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **kw) -> str:
    return translate(current_lang(), key, **kw)


def t_opt(key: str, default: str) -> str:
    return translate_opt(current_lang(), key, default)
