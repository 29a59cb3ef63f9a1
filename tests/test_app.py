"""The Streamlit app through AppTest: pages, languages, generated controls, training, URLs, errors."""
import re
from pathlib import Path

import time

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import en, zh
from app.sections.playground.session import Session
from mtl_core.config import from_flat

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")
TINY = {"data.n_train": "300", "data.n_val": "100", "data.n_test": "100", "train.epochs": "1"}


def K(name: str) -> str:
    """The Playground's widget keys are namespaced by its section."""
    return f"playground.{name}"


def session(at: AppTest):
    return at.session_state["section:playground"]["session"]


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def train_until_done(at: AppTest, max_runs: int = 40) -> AppTest:
    at.button(key=K("btn_train")).click()
    at.run()
    for _ in range(max_runs):
        if not session(at).running:
            break
        at.run()
    return at


# ---- pages and languages ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders_in_both_languages(lang):
    at = app(lang=lang)
    assert not at.exception
    assert at.title[0].value == (en.STRINGS if lang == "en" else zh.STRINGS)["pg.title"]
    assert at.button(key=K("btn_train")).label == (en.STRINGS if lang == "en" else zh.STRINGS)["btn.train"]
    at.switch_page("sections/zoo/page.py").run()
    assert not at.exception
    assert at.title[0].value == (en.STRINGS if lang == "en" else zh.STRINGS)["zoo.title"]
    assert len(at.table) == 3


def test_language_switch_changes_the_text():
    at = app()
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception and at.title[0].value == zh.STRINGS["pg.title"]
    assert at.query_params["lang"] == "zh"


def test_translations_are_complete_and_every_used_key_exists():
    assert set(en.STRINGS) <= set(zh.STRINGS)
    assert set(zh.STRINGS) - set(en.STRINGS) == set(zh.PARTS["registry"])  # registry texts: English in mtl_core
    used = set()
    for path in (ROOT / "app").rglob("*.py"):
        used |= set(re.findall(r"""\b(?:t|tr)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", path.read_text()))
    assert used and not used - set(en.STRINGS)


# ---- controls generated from the registries -------------------------------------------------------
def test_architecture_choice_changes_the_hyper_parameter_controls():
    at = app()
    keys = {w.key for w in at.sidebar.slider} | {w.key for w in at.sidebar.text_input}
    assert K("w:model:mmoe:n_experts") in keys and K("w:model:mmoe:expert_units") in keys
    at.selectbox(key=K("w:model")).set_value("shared_bottom").run()
    assert not at.exception
    keys = {w.key for w in at.sidebar.slider} | {w.key for w in at.sidebar.text_input}
    assert not any(k.startswith(K("w:model:mmoe")) for k in keys)
    assert K("w:model:shared_bottom:bottom_units") in keys
    assert at.query_params["model"] == "shared_bottom"
    assert at.query_params["model.bottom_units"] == "113"


def test_measured_label_correlation_and_parameter_count_are_shown():
    at = app()
    md = texts(at.sidebar.markdown)
    assert re.search(r"label correlation: r = \*\*0\.\d\d\*\*", md)
    assert re.search(r"Trainable parameters: \*\*[\d,]+\*\*", md)


def test_shared_url_sets_the_controls():
    at = app(model="shared_bottom", **{"data.rho": "0.9", "train.lr": "0.01"})
    assert not at.warning
    assert at.selectbox(key=K("w:model")).value == "shared_bottom"
    assert at.slider(key=K("w:data:synthetic:rho")).value == pytest.approx(0.9)
    assert at.select_slider(key=K("w:train:lr")).value == pytest.approx(0.01)
    assert at.query_params["data.rho"] == "0.9"


def test_invalid_query_parameters_fall_back_with_a_warning_naming_them():
    at = app(model="nope", **{"data.rho": "7"})
    assert not at.exception
    warning = texts(at.warning)
    assert "data.rho" in warning and "model" in warning and "nope" in warning
    assert at.selectbox(key=K("w:model")).value == "mmoe"
    assert at.slider(key=K("w:data:synthetic:rho")).value == pytest.approx(0.5)


def test_invalid_language_and_hide_values_are_named_too():
    at = app(lang="klingon", classroom="1", hide="model,bogus")
    assert not at.exception
    warning = texts(at.warning)
    assert "lang" in warning and "klingon" in warning and "bogus" in warning
    assert at.title[0].value == en.STRINGS["pg.title"]  # fell back to English


def test_incompatible_architecture_is_explained_and_train_disabled():
    from mtl_core.models import ARCHITECTURES

    at = app()
    from mtl_core.data import DATASETS
    spec = DATASETS["synthetic"].spec({p.name: p.default for p in DATASETS["synthetic"].params})
    bad = [a for a, info in ARCHITECTURES.items() if info.supports(spec)]
    if not bad:
        pytest.skip("every registered architecture fits the synthetic dataset")
    at.selectbox(key=K("w:model")).set_value(bad[0]).run()
    assert not at.exception
    assert "cannot train" in texts(at.error)
    assert at.button(key=K("btn_train")).disabled


def test_classroom_link_hides_sections():
    at = app(classroom="1", hide="model,weighting")
    assert not at.exception
    keys = {w.key for w in at.sidebar.selectbox}
    assert K("w:data") in keys and K("w:model") not in keys and K("w:weighting") not in keys
    assert "MMoE" in texts(at.sidebar.caption)  # the locked choice is still named
    assert at.query_params["classroom"] == "1" and at.query_params["hide"] == "model,weighting"
    assert at.query_params["model"] == "mmoe"  # the hidden config is still in the link


# ---- training ---------------------------------------------------------------------------------------
def test_short_training_run_produces_history():
    at = train_until_done(app(**TINY))
    assert not at.exception
    sess = session(at)
    assert len(sess.history) == 1 and sess.history[0].status == "finished"
    assert sess.history[0].snaps[-1].done
    assert any("Finished" in str(p.text) for p in at.get("progress")) or "Finished" in texts(at.markdown)
    assert at.dataframe  # the run-history table
    assert any(b.label.startswith("History of this run") for b in at.get("download_button"))


def test_step_trains_one_epoch_then_pauses():
    at = app(**{**TINY, "train.epochs": "3"})
    at.button(key=K("btn_step")).click().run()
    for _ in range(40):  # Step trains live (page stays responsive) and pauses itself at the epoch's end
        if not session(at).running:
            break
        at.run()
    sess = session(at)
    assert sess.current.status == "paused"
    assert sess.current.last.epoch_end and sess.current.last.epoch == pytest.approx(1.0)
    assert at.button(key=K("btn_pause")).label == "Resume"
    at.button(key=K("btn_reset")).click().run()
    assert session(at).current is None
    assert len(session(at).history) == 1  # the stopped run is kept


def test_divergence_is_shown_and_the_page_keeps_working():
    at = train_until_done(app(**{**TINY, "train.lr": "50", "train.optimizer": "sgd"}))
    assert not at.exception
    assert "diverged" in texts(at.error).lower()
    assert session(at).history[-1].status == "diverged"
    at.selectbox(key=K("w:model")).set_value("shared_bottom").run()
    assert not at.exception


# ---- the session state machine without streamlit ---------------------------------------------------
def test_session_pause_resume_and_pull_budget():
    sess = Session(snapshot_interval_s=0.05)
    sess.start(from_flat({"data.n_train": 2000, "train.epochs": 2}))
    t0 = time.perf_counter()
    sess.pull(budget_s=0.01)
    assert time.perf_counter() - t0 < 1.0  # bounded by its slice, before the first event too (issue 24)
    while not sess.current.snaps:
        sess.pull(budget_s=0.01)
    assert sess.running and len(sess.current.snaps) >= 1
    sess.pause()
    n = len(sess.current.snaps)
    assert not sess.pull() and len(sess.current.snaps) == n  # paused: nothing is pulled
    sess.resume()
    while not sess.pull(budget_s=5):
        pass
    assert sess.current.status == "finished" and sess.history == [sess.current]
    sess.start(from_flat({"data.n_train": 300, "train.epochs": 1}))
    sess.reset()  # never trained: not archived
    assert sess.current is None and len(sess.history) == 1


def test_live_figures_are_kept_until_their_data_changes_and_gate_views_redraw_at_most_once_a_second():
    from app.sections.playground.session import Run
    from app.ui.jobs import Job, Progress

    job = Job(iter(()), progress=lambda e: Progress(0, 1, 0.0))
    run = Run(1, from_flat({}), "#1", job)
    now, built = [100.0], []

    def figure(name, key, every_s=0.0):
        def build():
            built.append((name, key))
            return object()
        return run.figure(name, key, build, every_s=every_s, clock=lambda: now[0])

    first = figure("loss", (1,))
    assert figure("loss", (1,)) is first and len(built) == 1  # same data: the same figure, nothing rebuilt
    now[0] += 0.2
    assert figure("loss", (2,)) is not first and len(built) == 2  # a curve follows every new snapshot
    gates = figure("gates", (1,), every_s=1.0)
    now[0] += 0.5
    assert figure("gates", (2,), every_s=1.0) is gates  # training: the gate view waits for its second
    now[0] += 0.6
    newer = figure("gates", (3,), every_s=1.0)
    assert newer is not gates and built[-1] == ("gates", (3,))
    job.pause()  # paused (or ended): what is shown follows the data at once, e.g. the scrubber
    now[0] += 0.1
    assert figure("gates", (4,), every_s=1.0) is not newer and built[-1] == ("gates", (4,))
    run.forget_figures()
    figure("gates", (4,), every_s=1.0)
    assert built[-1] == ("gates", (4,)) and len([b for b in built if b[0] == "gates"]) == 4
