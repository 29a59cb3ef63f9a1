"""UI text in English and 中文, split per section (`en/common.py`, `en/playground.py`, ... and the same
under `zh/`, with the same keys: a test checks). A new section's strings are its two files; nothing registers them.

`translate(lang, key, **kw)` is pure (figure builders use it); `t(key, **kw)` reads the session's
language. Registry texts (architecture / weighting / dataset names, descriptions, every parameter's help
and label) are English in mtl_core's registries only; other languages translate them in `<lang>/registry/`,
keyed by id and stamped with the English they follow (`app.i18n.sources`, `python -m app.i18n.stamp`).
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from . import en, zh
from .sources import KINDS, desc_key, english_label, help_key, label_keys, label_of, name_key  # noqa: F401

LANGS: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}
LANG_NAMES = {"en": "English", "zh": "中文"}
DEFAULT_LANG = "en"

Translator = Callable[..., str]


def translate(lang: str, key: str, **kw) -> str:
    table = LANGS.get(lang, LANGS[DEFAULT_LANG])
    text = table.get(key, LANGS[DEFAULT_LANG].get(key, key))
    return text.format(**kw) if kw else text


def translate_opt(lang: str, key: str, default: str) -> str:
    """A translation if one exists for this language (or English), else `default`."""
    return LANGS.get(lang, LANGS[DEFAULT_LANG]).get(key, LANGS[DEFAULT_LANG].get(key, default))


def translator(lang: str) -> Translator:
    return partial(translate, lang)


EN: Translator = translator("en")


# ---- registry texts --------------------------------------------------------------------------------
def registry_text(lang: str, key: str, source: str) -> str:
    """`source` (the registry's own English) in English; the translation elsewhere, if there is one."""
    if lang == DEFAULT_LANG:
        return source
    return LANGS.get(lang, {}).get(key, source)


def entry_name(lang: str, section: str, entry) -> str:
    return registry_text(lang, name_key(section, entry.id), entry.name)


def entry_description(lang: str, section: str, entry) -> str:
    return registry_text(lang, desc_key(section, entry.id), entry.description)


def param_help(lang: str, section: str, entry_id: str | None, param) -> str:
    return registry_text(lang, help_key(section, entry_id, param.name), param.help)


# ---- the session's language (page-side helpers) ------------------------------------------------------
def current_lang() -> str:
    import streamlit as st  # only the page-side helpers need streamlit

    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **kw) -> str:
    return translate(current_lang(), key, **kw)


def t_opt(key: str, default: str) -> str:
    return translate_opt(current_lang(), key, default)


def t_invalid(sentence: str) -> str:
    """A validation sentence (English, from the library or a link check) in the page language."""
    from .messages import localize

    return localize(sentence, current_lang())


def param_label_text(lang: str, section: str, name: str, spec=None) -> str:
    """A parameter's short widget label: the translation (`p.<section>.<name>`, then `p.<name>`) outside
    English, else the English of its Param (`spec`, or the registries' parameter of that name)."""
    english = english_label(spec) if spec is not None else label_of(section, name)
    if lang != DEFAULT_LANG:
        table = LANGS.get(lang, {})
        for key in label_keys(section, name):
            if key in table:
                return table[key]
    return english
