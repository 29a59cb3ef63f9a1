"""The Lessons page itself through AppTest in both languages. (The lesson files: tests/test_lessons.py; the
interactive maths and measured claims: tests/test_lessons_claims.py.)"""
from __future__ import annotations

import pytest

from app.sections import BY_ID
from app.sections.lessons.content import LANGS
from test_lessons import LESSONS, MAIN


# ---- the page ------------------------------------------------------------------------------------------------
def lessons_page(**query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update({"page": "lessons", **query})
    return at.run()


def _link_urls(at) -> list[str]:
    return [el.proto.url for el in at.get("link_button")]


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_renders_in_both_languages(lang):
    at = lessons_page(lang=lang, lesson="1")
    for lesson in LESSONS[lang]:
        at.radio(key="lessons.w:lesson").set_value(lesson.number).run()
        assert not at.exception, (lesson.id, [e.value for e in at.exception])
        assert not at.error, (lesson.id, [e.value for e in at.error])
        assert at.title[0].value == f"{lesson.number}. {lesson.title}"
        assert at.query_params["lesson"] == str(lesson.number)
        expanders = [e.label for e in at.expander]
        assert len([e for e in expanders if "`" in e]) == len(lesson.code_objects()), lesson.id
        codes = at.get("code")
        assert len(codes) == len(lesson.code_objects())
        # before a prediction, no reveal and no Run-it of a predict block
        standalone = [b.arg for b in lesson.blocks if b.kind == "run"]
        assert len(_link_urls(at)) == len(standalone)
    at.radio(key="lessons.w:lesson").set_value("glossary").run()
    assert not at.exception and at.title[0].value in ("Glossary", "术语表")


def test_predict_then_run_commits_reveals_links_and_ticks_progress():
    at = lessons_page(lesson="8")
    lesson = next(x for x in LESSONS["en"] if x.number == 8)
    reveal = next(b for b in lesson.blocks if b.kind == "predict" and b.arg == "esmm").text
    body = "\n".join(m.value for m in at.markdown)
    assert reveal[:40] not in body
    at.button(key="lessons.commit:08-funnel-esmm:esmm").click().run()  # nothing chosen yet
    assert "Choose one answer first." in "\n".join(w.value for w in at.warning)
    at.radio(key="lessons.w:08-funnel-esmm:esmm").set_value(0).run()
    at.button(key="lessons.commit:08-funnel-esmm:esmm").click().run()
    assert not at.exception
    body = "\n".join(m.value for m in at.markdown)
    assert reveal[:40] in body
    assert any("Not what happened" in i.value for i in at.info)
    urls = _link_urls(at)
    assert any("preset=esmm_story" in u and "page=funnel" in u for u in urls), urls
    assert at.radio(key="lessons.w:08-funnel-esmm:esmm").disabled
    # second question right -> lesson done -> a tick in the course list
    at.radio(key="lessons.w:08-funnel-esmm:clicked").set_value(1).run()
    at.button(key="lessons.commit:08-funnel-esmm:clicked").click().run()
    assert any(s.value.startswith("Right.") for s in at.success)
    assert f"1 of {len(LESSONS['en'])} lessons done" in at.sidebar.get("progress")[0].proto.text
    # predict again clears the answer
    at.button(key="lessons.retry:08-funnel-esmm:esmm").click().run()
    assert reveal[:40] not in "\n".join(m.value for m in at.markdown)


def test_slider_question_and_the_ranking_widget():
    at = lessons_page(lesson="9", lang="zh")
    assert not at.exception
    table = at.dataframe[0].value
    assert table.iloc[0, 1] == "标题党封面，8 秒短片"  # pCTR only: the clickbait clip first
    at.slider(key="lessons.rank:watch").set_value(1.0).run()
    assert at.dataframe[0].value.iloc[0, 1] == "长纪录片"
    at = lessons_page(lesson="2")
    at.slider(key="lessons.w:02-shared-bottom:labels").set_value(0.2).run()
    at.button(key="lessons.commit:02-shared-bottom:labels").click().run()
    assert any(s.value.startswith("Right.") for s in at.success)


def test_next_and_previous_buttons_and_a_bad_lesson_in_the_link():
    at = lessons_page(lesson="3")
    at.button(key="lessons.next").click().run()
    assert at.title[0].value.startswith("4.") and at.query_params["lesson"] == "4"
    at.button(key="lessons.prev").click().run()
    assert at.title[0].value.startswith("3.")
    at = lessons_page(lesson="99")
    assert not at.exception and "lesson" in "\n".join(w.value for w in at.warning)
    assert at.title[0].value.startswith("1.")


def test_the_lessons_section_is_registered_in_the_learn_group():
    s = BY_ID["lessons"]
    assert s.group == "learn" and s.page_path.is_file() and s.owns("lesson")


def test_a_playground_study_link_says_where_the_study_runs():
    at = lessons_page(lesson="2")
    assert any("preset=correlation_sweep_small" in u for u in _link_urls(at))
    assert any("Repeat over seeds" in c.value and "Run study" in c.value for c in at.caption)
