"""The pages against a hostile but legal visitor (AppTest, no browser): every section's URL keys fed a
fixed list of hostile values (Markdown links and images, HTML, bare URLs, Streamlit directives, huge
numbers, unicode, line breaks), sampled deterministically so the whole sweep stays near a minute; the
classroom caps of every section's Run (a link over them gets the message and Run stays disabled); and
the Experiments page's upload tab fed the malformed files a student might drop on it."""
from __future__ import annotations

import re
import resource
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import server
from app.i18n import en
from test_app_safety import as_bytes, live_markup, results

MAIN = str(Path(__file__).resolve().parents[1] / "app" / "main.py")
HOSTILE = ("[Sign in](https://evil.example/)", "![](http://127.0.0.1:8799/p1.png)", "<img src=x onerror=alert(1)>",
           "https://evil.example/login", ":red[alert] :material/warning:", "9" * 400, "-1e309", "²",
           "a\n# heading\n- item", "\u202e<script>alert(1)</script>")
# each section's own keys (and the frame's on the default section); all of them take every hostile value
KEYS = {
    "playground": ("model", "weighting", "data.rho", "train.epochs", "hide"),
    "lessons": ("lesson",),
    "experiments": ("exp.seeds", "exp.archs", "exp.rhos", "exp.n_train", "exp.tab", "exp.gate_seeds", "exp.preset"),
    "balance": ("bal.scenario", "bal.weightings", "bal.n_train", "bal.seeds", "bal.static"),
    "funnel": ("funnel.n_users", "funnel.models", "funnel.seeds", "funnel.base_cvr"),
    "zoo": ("zoo.anything",),
    "frame": ("lang", "preset", "page"),
}
MARKERS = ("evil.example", "127.0.0.1", "img src", "alert(1)", ":red", "material/warning", "# heading")
PER_SECTION = 3  # hostile values per section: 7 sections x 3 = 21 page loads


def sample() -> list[tuple[str, str]]:
    """(section, value) pairs: section i gets values i, i+3, i+6 (mod 10), so every value is used twice."""
    return [(s, HOSTILE[(i + 3 * k) % len(HOSTILE)]) for i, s in enumerate(KEYS) for k in range(PER_SECTION)]


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update(query)
    return at.run()


def shown_text(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown (main area and sidebar)."""
    kinds = ("markdown", "caption", "warning", "error", "info", "success", "title", "subheader", "header")
    return [str(e.value) for kind in kinds for e in at.get(kind)]


@pytest.mark.slow  # 21 page loads: about 45 s on two shared cores
def test_hostile_values_in_every_sections_keys_are_named_and_stay_text():
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for section, value in sample():
        keys = KEYS[section]
        query = {k: value for k in keys}
        if section not in ("frame", "playground"):
            query["page"] = section
        at = app(**query)
        where = f"{section} <- {value[:30]!r}"
        assert not at.exception, (where, [e.value for e in at.exception])
        texts = shown_text(at)
        for text in texts:
            assert "Traceback" not in text and 'File "/' not in text, where
            if any(marker in text for marker in MARKERS):  # the app's own texts may hold links; the link's may not
                assert [f for f in live_markup(text) if f != "line break"] == [], (where, text[:300])
            for raw in (r"(?<!\\)\]\(http", r"(?<!\\)<(?:img|script)", r":red\[", r"\n# heading"):
                assert not re.search(raw, text), (where, raw, text[:300])
        warned = "\n".join(str(w.value) for w in at.warning)
        named = keys if section != "playground" else ("model", "weighting", "hide")  # a bad model drops its keys
        for key in named:
            if section == "frame" and key == "page":
                continue  # a bad page is named, but the frame's other bad keys come first
            assert key in warned, (where, key, warned[:500])
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start_mb
    assert grown < 1500, f"the hostile links grew the process by {grown:.0f} MB"


def test_a_lesson_key_that_python_calls_a_digit_is_refused_by_name():
    at = app(page="lessons", lesson="²")
    assert not at.exception and "lesson" in "\n".join(w.value for w in at.warning)


# ---- classroom caps on every section's Run --------------------------------------------------------------------------
@pytest.fixture
def classroom(monkeypatch):
    monkeypatch.setattr(server, "CLASSROOM", True)
    yield


OVER = {
    "funnel": ({"page": "funnel", "funnel.n_impressions": "2000000", "funnel.n_users": "1000000",
                "funnel.n_items": "1000000", "funnel.epochs": "1000", "funnel.seeds": "10"}, "funnel.run",
               ("MTL_MAX_DATA_MB", "MTL_MAX_SAMPLE_PASSES")),
    "balance": ({"page": "balance", "preset": "balance_seesaw", "bal.n_train": "1000000", "bal.epochs": "1000",
                 "bal.seeds": "8"}, "balance.run", ("MTL_MAX_DATA_MB", "MTL_MAX_SAMPLE_PASSES")),
    "experiments": ({"page": "experiments", "exp.seeds": "0-199", "exp.n_train": "40000", "exp.epochs": "1000"},
                    "experiments.run_sweep", ("MTL_MAX_STUDY_RUNS", "MTL_MAX_SAMPLE_PASSES")),
    "experiments_1M": ({"page": "experiments", "exp.n_train": "1000000"}, "experiments.run_sweep",
                       ("MTL_MAX_DATA_MB",)),
}


@pytest.mark.parametrize("name", list(OVER))
def test_a_link_over_the_classroom_caps_is_refused_on_every_section(classroom, name):
    query, button, envs = OVER[name]
    at = app(**query)
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert en.STRINGS["server.cap.title"] in errors
    for env in envs:
        assert env in errors, (env, errors[:600])
    assert at.button(key=button).disabled


@pytest.mark.parametrize("page,button", [("funnel", "funnel.run"), ("balance", "balance.run"),
                                         ("experiments", "experiments.run_sweep")])
def test_each_sections_defaults_train_in_classroom_mode(classroom, page, button):
    at = app(page=page)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not at.button(key=button).disabled


def test_a_playground_study_over_the_caps_is_refused(classroom):
    at = app()
    at.number_input(key="playground.study_seeds").set_value(200).run()
    assert not at.exception
    assert "MTL_MAX_STUDY_RUNS" in "\n".join(e.value for e in at.error)
    assert at.button(key="playground.study_run").disabled


# ---- uploads on the Experiments page ------------------------------------------------------------------------------
def upload(data: bytes, name: str = "results.csv") -> AppTest:
    at = app(page="experiments", **{"exp.tab": "load"})
    at.file_uploader(key="experiments.upload").set_value((name, data, "text/csv")).run()
    return at


@pytest.mark.parametrize("data,words", [
    (as_bytes(results(n_tasks=14)), ["column task"]),
    (as_bytes(results(val_loss="abc")), ["column val_loss"]),
    (as_bytes(results(schema_version=2.5)), ["schema_version", "2.5"]),
    (b"\xff\xfe\x00garbage\x00\x81" * 50, ["UTF-8"]),
    (b"a,b\n1,2\n", ["schema_version"]),
], ids=["14 tasks", "text val_loss", "version 2.5", "garbage", "wrong schema"])
def test_every_malformed_upload_is_one_line_on_the_page(data, words):
    at = upload(data, name="[x](https://evil.example).csv")
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and all(w in errors[0] for w in words), errors
    assert "](https://evil" not in errors[0] and "\\[x\\]" in errors[0]  # the file's name stays text


def test_a_good_upload_is_drawn_and_not_parsed_again_on_the_next_rerun(monkeypatch):
    import app.ui.upload as up

    calls = []
    real = up.parse_results
    monkeypatch.setattr(up, "parse_results", lambda data, *a, **k: calls.append(1) or real(data, *a, **k))
    good = pd.DataFrame(results(archs=("shared_bottom", "omoe", "mmoe")))
    at = upload(as_bytes(good))
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("results.csv" in s.value for s in at.success)
    at.run()
    assert not at.exception and len(calls) == 1
