"""Drawing a lesson: its blocks (text with glossary links, diagrams, show-the-code, Run it, predict-then-run,
the interactive pieces), the terms it uses, the course list with progress ticks, the glossary."""
from __future__ import annotations

import math
from typing import Mapping

import pandas as pd
import streamlit as st

from mtl_core.presets import PRESETS

from ...i18n import current_lang, t
from ...ui.code import show_code
from ...ui.state import section_key, section_state
from . import SECTION
from .fusion_feed import fusion_feed_widget
from .content import Block, Lesson, Question, Term, figure_path, link_terms, resolve_object
from .interactive import CATALOGUE, MODES, SIGNALS, fit_wce_logit, rank, scores, simulate_impressions, wce_odds
from .links import preset_section, run_href


def state() -> dict:
    s = section_state(SECTION)
    s.setdefault("answers", {})  # "<lesson id>:<question id>" -> committed value
    s.setdefault("done", set())  # lesson numbers marked done
    return s


def lesson_done(lesson: Lesson) -> bool:
    s = state()
    if lesson.number in s["done"]:
        return True
    return bool(lesson.questions) and all(f"{lesson.id}:{q.id}" in s["answers"] for q in lesson.questions)


# ---- blocks ----------------------------------------------------------------------------------------------
def render_lesson(lesson: Lesson, glossary: Mapping[str, Term]) -> None:
    st.title(f"{lesson.number}. {lesson.title}")
    st.caption(f"{t('les.minutes', n=lesson.minutes)} · {lesson.summary}")
    for block in lesson.blocks:
        render_block(lesson, block, glossary)
    render_terms(lesson, glossary)


def render_block(lesson: Lesson, block: Block, glossary: Mapping[str, Term]) -> None:
    if block.kind == "text":
        st.markdown(link_terms(block.text, dict(glossary)))
    elif block.kind == "figure":
        path = figure_path(block.arg, lesson.lang)
        if path.is_file():
            st.image(str(path), caption=block.text or None)
        else:
            st.warning(t("les.figure_missing", file=block.arg))
    elif block.kind == "code":
        code_panel(block.arg)
    elif block.kind == "run":
        run_button(block.arg)
    elif block.kind == "widget":
        {"ranking": ranking_widget, "wce": wce_widget, "fusion_feed": fusion_feed_widget}[block.arg](lesson)
    elif block.kind == "predict":
        predict_block(lesson, lesson.question(block.arg), block, glossary)
    elif block.kind == "details":
        details_panel(block, glossary)


def details_panel(block: Block, glossary: Mapping[str, Term]) -> None:
    """The detailed numbers of a result, closed until asked for."""
    with st.expander(block.title, icon=":material/table_view:"):
        st.markdown(link_terms(block.text, dict(glossary)))


def code_panel(dotted: str) -> None:
    name = dotted.rsplit(".", 1)[-1]
    with st.expander(f"{t('code.title')}: `{name}`", icon=":material/code:"):
        try:
            obj = resolve_object(dotted)
        except (ImportError, AttributeError):
            st.caption(t("les.code_missing", name=dotted))
            return
        show_code(obj)


def run_button(preset_id: str) -> None:
    href = run_href(preset_id, current_lang())
    section = preset_section(preset_id)
    if href is None or section is None:
        st.info(t("les.run_missing", preset=preset_id), icon=":material/schedule:")
        return
    page = t(section.title_key)
    st.link_button(t("les.run", page=page), href, icon=":material/play_arrow:", type="primary",
                   help=t("les.run_help", page=page, preset=preset_id))
    if section.id == "playground" and PRESETS[preset_id].is_study:  # the Playground runs studies further down
        st.caption(t("les.run_study_hint", panel=t("study.title"), button=t("study.run")))


def _fmt(q: Question, value) -> str:
    if q.kind == "slider":
        return f"{float(value):g}"
    return q.choices[int(value)]


def predict_block(lesson: Lesson, q: Question, block: Block, glossary: Mapping[str, Term]) -> None:
    s = state()
    key = f"{lesson.id}:{q.id}"
    committed = s["answers"].get(key)
    wkey = section_key(SECTION, f"w:{key}")
    with st.container(border=True):
        st.markdown(f"**:material/psychology_alt: {t('les.predict')}** — {link_terms(q.prompt, dict(glossary))}")
        locked = committed is not None
        if q.kind == "slider":
            value = st.slider(q.prompt, min_value=q.min, max_value=q.max, step=q.step,
                              value=committed if locked else (q.min + q.max) / 2, key=wkey, disabled=locked,
                              label_visibility="collapsed")
        else:
            value = st.radio(q.prompt, list(range(len(q.choices))), format_func=lambda i: q.choices[i],
                             index=committed if locked else None, key=wkey, disabled=locked,
                             label_visibility="collapsed")
        if not locked:
            if st.button(t("les.commit"), key=section_key(SECTION, f"commit:{key}"), icon=":material/lock:"):
                if value is None:
                    st.warning(t("les.choose"))
                else:
                    s["answers"][key] = value
                    st.rerun()
            st.caption(t("les.commit_hint"))
            return
        answer = (t("les.slider_answer", low=f"{q.answer[0]:g}", high=f"{q.answer[1]:g}") if q.kind == "slider"
                  else q.choices[q.answer])
        if q.is_correct(committed):
            st.success(f"{t('les.correct')} {t('les.you_said', value=_fmt(q, committed))}", icon=":material/check:")
        else:
            st.info(f"{t('les.you_said', value=_fmt(q, committed))}. {t('les.wrong', answer=answer)}",
                    icon=":material/lightbulb:")
        st.markdown(f"**{t('les.result')}**")
        for part in block.parts or (Block("text", block.text),):
            if part.kind == "details":
                details_panel(part, glossary)
            else:
                st.markdown(link_terms(part.text, dict(glossary)))
        cols = st.columns([3, 1])
        with cols[0]:
            if block.preset:
                run_button(block.preset)
        with cols[1]:
            if st.button(t("les.retry"), key=section_key(SECTION, f"retry:{key}"), icon=":material/undo:"):
                s["answers"].pop(key, None)
                st.session_state.pop(wkey, None)
                st.rerun()


def render_terms(lesson: Lesson, glossary: Mapping[str, Term]) -> None:
    ids = list(dict.fromkeys([*lesson.glossary, *sorted(lesson.terms_used())]))
    terms = [glossary[i] for i in ids if i in glossary]
    if not terms:
        return
    st.subheader(t("les.terms"), divider="gray")
    for term in terms:
        st.markdown(f'<span id="gl-{term.id}"></span>**{term.name}** — {term.definition}', unsafe_allow_html=True)


def render_glossary(glossary: Mapping[str, Term]) -> None:
    st.title(t("les.glossary_page"))
    st.caption(t("les.glossary_intro"))
    for term in sorted(glossary.values(), key=lambda x: x.name.lower()):
        where = f" *({t('les.taught_in', n=term.lesson)})*" if term.lesson else ""
        st.markdown(f'<span id="gl-{term.id}"></span>**{term.name}**{where} — {term.definition}',
                    unsafe_allow_html=True)


# ---- the interactive pieces ---------------------------------------------------------------------------------
def ranking_widget(lesson: Lesson) -> None:
    with st.container(border=True):
        st.markdown(f"**:material/sort: {t('les.rank.title')}**")
        names = {m: t(f"les.rank.mode.{m}") for m in MODES}  # a dict, not t(): AppTest formats outside the run
        mode = st.radio(t("les.rank.mode"), MODES, format_func=names.get, horizontal=True,
                        key=section_key(SECTION, "rank:mode"))
        cols = st.columns(3)
        defaults = {"pctr": 1.0, "plike": 0.0, "watch": 0.0}
        weights = []
        for col, sig in zip(cols, SIGNALS):
            with col:
                weights.append(st.slider(t(f"les.rank.w.{sig}"), 0.0, 2.0, defaults[sig], 0.1,
                                         key=section_key(SECTION, f"rank:{sig}")))
        a, b, c = (f"{w:g}" for w in weights)
        st.markdown(f"`{t(f'les.rank.formula.{mode}', a=a, b=b, c=c)}`")
        ordered = rank(CATALOGUE, weights, mode)
        s = dict(zip([it.id for it in CATALOGUE], scores(CATALOGUE, weights, mode)))
        table = pd.DataFrame([{t("les.rank.col.rank"): i + 1, t("les.rank.col.item"): t(f"les.item.{it.id}"),
                               t("les.rank.col.pctr"): it.pctr, t("les.rank.col.plike"): it.plike,
                               t("les.rank.col.watch"): it.watch, t("les.rank.col.score"): round(float(s[it.id]), 4)}
                              for i, it in enumerate(ordered)])
        st.dataframe(table, hide_index=True, width="stretch")


def wce_widget(lesson: Lesson) -> None:
    with st.container(border=True):
        st.markdown(f"**:material/function: {t('les.wce.title')}**")
        cols = st.columns(2)
        with cols[0]:
            p = st.slider(t("les.wce.p"), 0.01, 0.5, 0.05, 0.01, key=section_key(SECTION, "wce:p"))
        with cols[1]:
            mean_t = st.slider(t("les.wce.t"), 5, 300, 60, 5, key=section_key(SECTION, "wce:t"))
        clicked, watch = simulate_impressions(p, float(mean_t))
        learned = math.exp(fit_wce_logit(clicked, watch))
        m = st.columns(3)
        m[0].metric(t("les.wce.odds"), f"{learned:.2f}")
        m[1].metric(t("les.wce.formula"), f"{wce_odds(p, float(mean_t)):.2f}")
        m[2].metric(t("les.wce.expected"), f"{p * mean_t:.2f}")
        st.caption(t("les.wce.note", gap=f"{1 / (1 - p):.3f}"))
