"""The Lessons: every lesson file parses in both languages with the same structure, questions and answers; every
preset it names exists and validates; every Run-it link opens a registered section with that preset; every
diagram and every "show the code" object exists. The interactive pieces' maths and the claims checked against
the balancing lab's shipped measurements: tests/test_lessons_claims.py; the page itself through AppTest in
both languages: tests/test_lessons_page.py."""
from __future__ import annotations

import collections
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app.sections import BY_PATH
from app.sections.lessons.content import (ASSETS_DIR, LANGS, Block, LessonError, figure_path, link_terms,
                                          load_glossary, load_lessons, parse_body, parse_lesson, resolve_object)
from app.sections.lessons.links import run_href
from app.ui.code import source_of
from mtl_core.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")
LESSONS = {lang: load_lessons(lang) for lang in LANGS}
GLOSSARY = {lang: load_glossary(lang) for lang in LANGS}
ALL = [lesson for lang in LANGS for lesson in LESSONS[lang]]


# ---- files and structure ------------------------------------------------------------------------------------
def test_lessons_are_numbered_from_one_without_gaps_with_the_same_files_in_each_language():
    """A lesson is its two files, lessons/en/NN-slug.md and lessons/zh/NN-slug.md: nothing else lists them."""
    assert len(LESSONS["en"]) >= 9
    for lang in LANGS:
        assert [lesson.number for lesson in LESSONS[lang]] == list(range(1, len(LESSONS["en"]) + 1)), lang
        assert [lesson.id for lesson in LESSONS[lang]] == [lesson.id for lesson in LESSONS["en"]], lang


@pytest.mark.parametrize("lesson", ALL, ids=lambda x: f"{x.lang}/{x.id}")
def test_every_lesson_has_text_questions_and_a_predict_block_per_question(lesson):
    assert lesson.title and lesson.summary and 1 <= lesson.minutes <= 30
    assert len(lesson.questions) >= 1
    assert sum(len(b.text) for b in lesson.blocks if b.kind == "text") > (600 if lesson.lang == "en" else 250)
    for q in lesson.questions:
        reveal = next(b for b in lesson.blocks if b.kind == "predict" and b.arg == q.id)
        assert len(reveal.all_text) > (150 if lesson.lang == "en" else 60), f"{lesson.id}/{q.id}: the reveal must say what happened and why"
        assert q.is_correct(q.answer if q.kind == "choice" else sum(q.answer) / 2)


def test_both_languages_have_the_same_lessons_questions_answers_and_blocks():
    for en, zh in zip(LESSONS["en"], LESSONS["zh"], strict=True):
        assert en.id == zh.id
        assert [q.key for q in en.questions] == [q.key for q in zh.questions], en.id
        assert [b.signature for b in en.blocks if b.kind != "text"] == \
               [b.signature for b in zh.blocks if b.kind != "text"], en.id
        assert (en.presets, en.glossary, en.minutes) == (zh.presets, zh.glossary, zh.minutes), en.id
        assert en.terms_used() == zh.terms_used(), en.id
        assert en.title != zh.title and en.summary != zh.summary, f"{en.id}: the Chinese version is not translated"
        for a, b in zip(en.questions, zh.questions):
            assert a.prompt != b.prompt and (a.kind == "slider" or a.choices != b.choices or
                                             all(c.isascii() for c in a.choices)), (en.id, a.id)


def test_chinese_lessons_are_written_in_chinese():
    for lesson in LESSONS["zh"]:
        text = "".join(b.text for b in lesson.blocks)
        han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
        assert han > 300, f"{lesson.id}: only {han} Chinese characters"


def test_glossaries_match_and_every_term_a_lesson_uses_exists():
    en, zh = GLOSSARY["en"], GLOSSARY["zh"]
    assert set(en) == set(zh) and len(en) >= 20
    for tid in en:
        assert en[tid].lesson == zh[tid].lesson and en[tid].name and zh[tid].definition
        assert en[tid].lesson in range(1, len(LESSONS["en"]) + 1)
    for lesson in ALL:
        missing = (lesson.terms_used() | set(lesson.glossary)) - set(GLOSSARY[lesson.lang])
        assert not missing, f"{lesson.lang}/{lesson.id}: {missing}"
    required = {"seesaw", "negative-transfer", "expert", "gate", "tower", "sample-selection-bias", "data-sparsity",
                "pareto-front"}
    assert required <= set(en)


def test_every_glossary_term_is_explained_in_the_lesson_it_points_to():
    by_number = {lesson.number: lesson for lesson in LESSONS["en"]}
    for term in GLOSSARY["en"].values():
        lesson = by_number[term.lesson]
        assert term.id in lesson.terms_used() | set(lesson.glossary), (term.id, term.lesson)


def test_glossary_links_point_at_anchors_and_unknown_terms_stay_plain():
    g = GLOSSARY["en"]
    assert link_terms("a [[seesaw]] here", g) == f"a [{g['seesaw'].name}](#gl-seesaw) here"
    assert link_terms("[[gate|gates]]", g) == "[gates](#gl-gate)"
    assert link_terms("[[nope]]", g) == "nope"


# ---- presets, links, diagrams, code ------------------------------------------------------------------------
@pytest.mark.parametrize("lesson", LESSONS["en"], ids=lambda x: x.id)
def test_every_preset_a_lesson_names_exists_validates_and_is_used(lesson):
    assert set(lesson.run_presets()) <= set(lesson.presets), lesson.id
    for pid in lesson.presets:
        assert pid in PRESETS, f"{lesson.id}: unknown preset {pid}"
        PRESETS[pid].experiment()  # raises ConfigError when invalid
        assert pid in lesson.run_presets(), f"{lesson.id}: preset {pid} is listed but no Run-it button opens it"


@pytest.mark.parametrize("lesson", ALL, ids=lambda x: f"{x.lang}/{x.id}")
def test_every_run_link_opens_the_section_that_owns_the_preset(lesson):
    for pid in lesson.run_presets():
        href = run_href(pid, lesson.lang)
        assert href is not None, f"{pid}: its section {PRESETS[pid].section!r} is not registered"
        query = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
        assert query == {"page": query["page"], "preset": pid, "lang": lesson.lang}
        assert BY_PATH[query["page"]].id == PRESETS[pid].section


def test_a_preset_of_an_unregistered_section_gives_no_link():
    assert run_href("no_such_preset", "en") is None


@pytest.mark.parametrize("lesson", LESSONS["en"], ids=lambda x: x.id)
def test_every_diagram_exists_and_is_an_svg(lesson):
    for b in lesson.blocks:
        if b.kind == "figure":
            path = ASSETS_DIR / b.arg
            assert path.is_file(), b.arg
            assert path.read_text(encoding="utf-8").lstrip().startswith("<svg"), b.arg


@pytest.mark.parametrize("lesson", LESSONS["en"], ids=lambda x: x.id)
def test_the_code_panel_finds_every_object_a_lesson_names(lesson):
    assert lesson.code_objects() or lesson.number == 9
    for dotted in lesson.code_objects():
        obj = resolve_object(dotted)
        src = source_of(obj)
        name = dotted.rsplit(".", 1)[-1]
        assert src.name == dotted and src.path.startswith("mtl_core/")
        assert f"class {name}" in src.text or f"def {name}" in src.text


def test_the_lessons_teach_the_weightings_and_models_the_course_promises():
    shown = {d.rsplit(".", 1)[-1] for lesson in LESSONS["en"] for d in lesson.code_objects()}
    for name in ("SharedBottom", "MMoE", "OMoE", "CGC", "CrossStitch", "AsymmetricSharing", "UncertaintyWeighting",
                 "GradNorm", "FAMO", "PCGrad", "MGDA", "NashMTL", "ESMM", "AITM"):
        assert name in shown, name


# ---- the parser refuses malformed lessons ---------------------------------------------------------------------
def _write(tmp_path, text, name="01-x.md"):
    (tmp_path / "en").mkdir(exist_ok=True)
    path = tmp_path / "en" / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = ('+++\ntitle = "t"\nsummary = "s"\nminutes = 3\n[[questions]]\nid = "q"\nprompt = "p"\n'
        'choices = ["a", "b"]\nanswer = 1\n+++\nHello\n::: predict q\nwhy\n:::\n')


def test_a_well_formed_lesson_parses(tmp_path):
    lesson = parse_lesson(_write(tmp_path, GOOD), "en")
    assert [b.kind for b in lesson.blocks] == ["text", "predict"] and lesson.question("q").answer == 1


@pytest.mark.parametrize("text, needle", [
    (GOOD.replace("answer = 1", "answer = 5"), "answer index"),
    (GOOD.replace("::: predict q\nwhy\n:::\n", "no predict\n"), "predict block"),
    (GOOD.replace("why\n:::\n", "why\n"), "not closed"),
    (GOOD.replace("Hello", "::: dance now"), "unknown directive"),
    (GOOD.replace("Hello", "::: widget nope"), "unknown widget"),
    (GOOD.replace('minutes = 3\n', ''), "minutes"),
    (GOOD[4:], "+++"),
    (GOOD.replace('choices = ["a", "b"]\nanswer = 1', 'kind = "slider"\nanswer = [2.0, 3.0]'), "slider"),
])
def test_malformed_lessons_are_refused_with_a_reason(tmp_path, text, needle):
    with pytest.raises(LessonError, match=None) as err:
        parse_lesson(_write(tmp_path, text), "en")
    assert needle in str(err.value)


def test_a_bad_file_name_is_refused(tmp_path):
    with pytest.raises(LessonError):
        parse_lesson(_write(tmp_path, GOOD, "intro.md"), "en")


def test_body_directives():
    blocks = parse_body("a\n::: figure f.svg | cap\n::: code x.y\n::: run p\nb\n::: predict q p2\nr\n:::\n")
    assert [(b.kind, b.arg, b.preset) for b in blocks] == [
        ("text", "", None), ("figure", "f.svg", None), ("code", "x.y", None), ("run", "p", None), ("text", "", None),
        ("predict", "q", "p2")]
    assert blocks[1].text == "cap" and blocks[-1].text == "r"


def test_details_blocks_at_the_top_level_and_inside_a_reveal():
    blocks = parse_body("a\n::: details More numbers\nx = 1\n:::\n::: predict q p\nopening\n\n| a | b |\n"
                        "::: details Why\nbecause\n:::\nafter\n:::\n")
    assert [b.kind for b in blocks] == ["text", "details", "predict"]
    assert (blocks[1].title, blocks[1].text) == ("More numbers", "x = 1")
    reveal = blocks[2]
    assert [(p.kind, p.title) for p in reveal.parts] == [("text", ""), ("details", "Why"), ("text", "")]
    assert reveal.text.startswith("opening") and reveal.text.endswith("after") and "because" not in reveal.text
    assert "because" in reveal.all_text
    # the structure the two languages must share counts the details blocks, not their titles
    other = parse_body("::: predict q p\nouverture\n::: details Pourquoi\nparce que\n:::\n:::\n")[0]
    assert other.signature != reveal.signature
    assert other.signature == parse_body("::: predict q p\nx\n::: details W\ny\n:::\n:::\n")[0].signature


@pytest.mark.parametrize("body, needle", [
    ("::: details Open\nnever closed\n", "not closed"),
    ("::: details\nno title\n:::\n", "needs a title"),
    ("::: details `code`\nx\n:::\n", "without backticks"),
    ("::: details T\n::: code a.b\n:::\n", "inside a details block"),
    ("::: predict q\n::: details T\nx\n", "not closed"),
    ("::: predict q\n::: run p\n:::\n", "inside a predict block"),
])
def test_malformed_details_are_refused(body, needle):
    with pytest.raises(LessonError) as err:
        parse_body(body, "x.md")
    assert needle in str(err.value)


TABLE_LINE = re.compile(r"^\s*\|")


def _prose(markdown: str) -> str:
    """The text of a markdown chunk outside its tables."""
    return " ".join(line for line in markdown.splitlines() if line.strip() and not TABLE_LINE.match(line))


@pytest.mark.parametrize("lesson", ALL, ids=lambda x: f"{x.lang}/{x.id}")
def test_every_result_opens_with_a_sentence_and_a_table_and_keeps_the_detail_in_an_expander(lesson):
    """A reveal reads in seconds: its opening (before any expander) is one short paragraph and a small table; the
    long numbers are in `::: details` expanders."""
    limit = 360 if lesson.lang == "en" else 200  # characters of prose: a bold sentence, in Chinese ~half
    for b in lesson.blocks:
        if b.kind != "predict":
            continue
        opening = b.parts[0]
        assert opening.kind == "text", (lesson.id, b.arg)
        assert any(TABLE_LINE.match(line) for line in opening.text.splitlines()), (lesson.id, b.arg, "no table")
        table_rows = sum(bool(TABLE_LINE.match(line)) for line in opening.text.splitlines())
        assert table_rows <= 9, (lesson.id, b.arg, "the opening table is not small")
        assert len(_prose(opening.text)) <= limit, (lesson.id, b.arg, len(_prose(opening.text)))
        assert any(p.kind == "details" and len(p.text) > 40 for p in b.parts), (lesson.id, b.arg, "no details")


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> collections.Counter:
    return collections.Counter(n.replace(",", "") for n in NUMBER.findall(text) if "." in n or len(n) > 1)


def test_both_languages_quote_the_same_numbers():
    """Kept in step: every measured number (decimals and multi-digit numbers) appears in both languages."""
    for en, zh in zip(LESSONS["en"], LESSONS["zh"], strict=True):
        for a, b in zip(en.blocks, zh.blocks, strict=True):
            if a.kind in ("predict", "details"):
                assert set(_numbers(a.all_text)) == set(_numbers(b.all_text)), (en.id, a.kind, a.arg)


def test_a_diagram_is_shown_in_the_page_language_when_it_has_one(tmp_path):
    (tmp_path / "d.svg").write_text("<svg/>")
    assert figure_path("d.svg", "zh", tmp_path) == tmp_path / "d.svg"  # no Chinese drawing: the English one
    (tmp_path / "d.zh.svg").write_text("<svg/>")
    assert figure_path("d.svg", "zh", tmp_path) == tmp_path / "d.zh.svg"
    assert figure_path("d.svg", "en", tmp_path) == tmp_path / "d.svg"


@pytest.mark.parametrize("lesson", LESSONS["en"], ids=lambda x: x.id)
def test_every_diagram_has_a_chinese_drawing_in_a_cjk_font(lesson):
    for b in lesson.blocks:
        if b.kind == "figure":
            en, zh = figure_path(b.arg, "en"), figure_path(b.arg, "zh")
            assert zh != en and zh.is_file(), b.arg
            text = zh.read_text(encoding="utf-8")
            assert "Noto Sans CJK SC" in text and sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 4, b.arg


def _boxes_and_texts(svg: str):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    rects = [tuple(float(r.get(k)) for k in ("x", "y", "width", "height")) for r in root.iter(ns + "rect")
             if r.get("width") != "100%"]
    lines = [tuple(float(ln.get(k)) for k in ("x1", "y1", "x2", "y2")) for ln in root.iter(ns + "line")]
    free = []  # free-standing notes (text outside every box): their approximate extent
    for t in root.iter(ns + "text"):
        x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size"))
        inside = any(rx <= x <= rx + rw and ry <= y <= ry + rh for rx, ry, rw, rh in rects)
        if not inside:
            width = sum(size if ord(ch) > 0x2e80 else 0.55 * size for ch in t.text or "")
            left = {"middle": x - width / 2, "end": x - width}.get(t.get("text-anchor"), x)
            free.append((t.text, left, y - size * 0.8, width, size))
    return lines, free


def _crosses(line, box) -> bool:
    """Whether a segment passes through a rectangle (sampled densely: diagrams are small)."""
    x1, y1, x2, y2 = line
    bx, by, bw, bh = box
    return any(bx <= x1 + (x2 - x1) * k / 200 <= bx + bw and by <= y1 + (y2 - y1) * k / 200 <= by + bh
               for k in range(201))


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS_DIR.glob("*.svg")))
def test_no_note_in_a_diagram_lies_across_an_arrow(name):
    lines, free = _boxes_and_texts((ASSETS_DIR / name).read_text(encoding="utf-8"))
    for text, left, top, width, size in free:
        for line in lines:
            assert not _crosses(line, (left, top, width, size)), (name, text, line)
