"""Lessons page: the course in the sidebar (numbered, with progress ticks kept in the session), one lesson at a
time in the main area (text, formulas, diagrams, predict-then-run, Run it, show the code), and the glossary.
The lesson on screen is in the address as `?lesson=N` (or `?lesson=glossary`)."""
import streamlit as st

from app.i18n import current_lang, t
from app.sections import BY_ID
from app.sections.lessons import SECTION
from app.sections.lessons.content import LessonError, load_glossary, load_lessons
from app.sections.lessons.views import lesson_done, render_glossary, render_lesson, state
from app.ui import url
from app.ui.state import section_key

GLOSSARY = "glossary"
section = BY_ID[SECTION]
s = state()
lang = current_lang()
try:
    lessons = {lesson.number: lesson for lesson in load_lessons(lang)}
    glossary = load_glossary(lang)
except LessonError as err:
    st.error(t("les.error", msg=str(err)))
    st.stop()
options = [*lessons, GLOSSARY]
radio_key = section_key(SECTION, "w:lesson")

query = url.section_query(section)
if query is not None:  # first run in this tab: the lesson named in the link, if any
    wanted = query.get("lesson")
    by_key = {str(option): option for option in options}  # "3" -> 3: the link's text is looked up, never int()-ed
    if wanted in by_key:
        s["current"] = by_key[wanted]
    elif wanted is not None:
        url.set_warnings(section, [f"lesson: {url.short(wanted)} is not a lesson; expected one of "
                                   f"{', '.join(map(str, options))}"])
if s.get("current") not in options:
    s["current"] = options[0] if lessons else GLOSSARY
if st.session_state.get(radio_key) not in options:
    st.session_state[radio_key] = s["current"]


def go(target) -> None:
    s["current"] = target
    st.session_state[radio_key] = target


def label(option) -> str:
    if option == GLOSSARY:
        return f":material/dictionary: {t('les.glossary_page')}"
    lesson = lessons[option]
    tick = ":material/check_circle: " if lesson_done(lesson) else ""
    return f"{tick}{lesson.number}. {lesson.title}"


with st.sidebar:
    st.markdown(f"**{t('les.course')}**")
    done = sum(lesson_done(lesson) for lesson in lessons.values())
    st.progress(done / max(len(lessons), 1), text=t("les.progress", done=done, total=len(lessons)))
    labels = {option: label(option) for option in options}
    st.radio(t("les.course"), options, format_func=labels.get, key=radio_key, label_visibility="collapsed",
             on_change=lambda: s.update(current=st.session_state[radio_key]))

current = s["current"]
url.sync(section, {"lesson": str(current)})
url.show_warnings(url.warnings(section))
if not lessons:
    st.info(t("les.none", lang=lang))
if current == GLOSSARY:
    render_glossary(glossary)
else:
    lesson = lessons[current]
    render_lesson(lesson, glossary)
    st.divider()
    cols = st.columns(3)
    numbers = list(lessons)
    i = numbers.index(current)
    with cols[0]:
        if i > 0:
            st.button(t("les.prev"), on_click=go, args=(numbers[i - 1],), key=section_key(SECTION, "prev"))
    with cols[1]:
        if lesson.number in s["done"]:
            st.button(t("les.done"), icon=":material/check_circle:", disabled=True, key=section_key(SECTION, "done"))
        else:
            st.button(t("les.mark_done"), icon=":material/task_alt:", key=section_key(SECTION, "done"),
                      on_click=lambda n=lesson.number: s["done"].add(n))
    with cols[2]:
        if i + 1 < len(numbers):
            st.button(t("les.next"), on_click=go, args=(numbers[i + 1],), type="primary",
                      key=section_key(SECTION, "next"))
