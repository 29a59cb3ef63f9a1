"""Validated once, in the page: a Playground link's values are parsed once into the checked config that Train
uses; widgets hold typed values, a control that changes is checked alone, and text is made only for the
address (which comes back the same)."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mtl_core import params

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")
LINK = {"model": "mmoe", "model.n_experts": "4", "model.expert_units": "32,16", "data.rho": "0.25",
        "data.n_train": "300", "data.n_val": "100", "data.n_test": "100", "weighting": "uw",
        "train.epochs": "1", "train.lr": "0.01", "train.baseline": "true"}
VALUES = {key: value for key, value in LINK.items() if "." in key}  # the ids are checked, not parsed

pytestmark = pytest.mark.slow


def text_parses(counts: collections.Counter) -> dict[str, int]:
    """How often text was parsed, by parameter: a typed value formatted and parsed back would show here."""
    return {key[1]: n for key, n in counts.items() if key[0] == "parse" and key[2] == "str"}


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def state(at: AppTest) -> dict:
    return at.session_state["section:playground"]


def test_a_link_is_parsed_once_into_the_config_train_uses_and_written_back_the_same(conversions):
    at = app(**LINK)
    assert not at.exception and not at.warning and not at.error
    assert text_parses(conversions) == {key.partition(".")[2]: 1 for key in VALUES}  # once each, nothing else
    cfg = state(at)["cfg"]
    assert cfg.model.params["n_experts"] == 4 and cfg.model.params["expert_units"] == (32, 16)
    assert cfg.data.params["rho"] == 0.25 and cfg.train.lr == 0.01 and cfg.train.baseline is True
    mem = state(at)["mem"]
    assert mem["w:model:mmoe:n_experts"] == 4 and mem["w:train:lr"] == 0.01  # typed, not text
    assert at.slider(key="playground.w:model:mmoe:n_experts").value == 4
    for key, value in LINK.items():  # link -> widgets -> link: the same address
        assert at.query_params[key] == value, key

    conversions.clear()
    at.button(key="playground.btn_train").click().run()
    assert not at.exception
    assert state(at)["session"].current.cfg is cfg  # the link's checked config trains, not a rebuilt one
    assert text_parses(conversions) == {}

    again = app(**{k: at.query_params[k] for k in at.query_params})  # the address reopened: a fixed point
    assert not again.warning and {k: again.query_params[k] for k in again.query_params} == \
        {k: at.query_params[k] for k in at.query_params}


def test_a_changed_control_is_checked_alone_and_a_text_box_parsed_once_per_change(conversions):
    at = app(**LINK)
    base = state(at)["cfg"]
    conversions.clear()
    at.slider(key="playground.w:model:mmoe:n_experts").set_value(6).run()
    cfg = state(at)["cfg"]
    assert cfg.model.params["n_experts"] == 6 and cfg.model.params["expert_units"] == (32, 16)
    assert conversions["parse", "n_experts", "int"] == 1 and text_parses(conversions) == {}
    assert sum(n for key, n in conversions.items() if key[0] == "parse") == 1  # nothing else re-checked
    assert cfg.train == base.train and at.query_params["model.n_experts"] == "6"

    box = at.text_input(key="playground.w:model:mmoe:expert_units")
    conversions.clear()
    box.set_value("64, 8").run()
    assert text_parses(conversions) == {"expert_units": 1}
    assert state(at)["cfg"].model.params["expert_units"] == (64, 8) and at.query_params["model.expert_units"] == "64,8"
    conversions.clear()
    at.run()  # nothing changed: nothing parsed
    assert text_parses(conversions) == {}

    at.text_input(key="playground.w:model:mmoe:expert_units").set_value("64, lots").run()
    assert "model.expert_units" in "\n".join(e.value for e in at.error)  # named under the box
    assert at.button(key="playground.btn_train").disabled
    assert at.query_params["model.expert_units"] == "64,8"  # the address keeps the last valid value


def test_invalid_link_values_are_named_and_each_value_parsed_once(conversions):
    at = app(**{**LINK, "model.n_experts": "99", "data.rho": "9" * 300, "train.nope": "1"})
    assert not at.exception
    warning = "\n".join(str(w.value) for w in at.warning)
    for key in ("model.n_experts", "data.rho", "train.nope"):
        assert key in warning
    assert "9" * 300 not in warning and "…" in warning
    assert all(n == 1 for n in text_parses(conversions).values())
    cfg = state(at)["cfg"]
    assert cfg.model.params["n_experts"] == 8 and cfg.data.params["rho"] == 0.5 and cfg.train.lr == 0.01


# ---- the Experiments page: the same rule, its own settings ------------------------------------------------------
EXP_LINK = {"page": "experiments", "exp.seeds": "0-1", "exp.rhos": "0.5,1", "exp.n_train": "200", "exp.epochs": "1",
            "exp.lr": "0.01", "exp.gate_seeds": "0-1", "exp.gate_rhos": "0,1", "exp.diff_seeds": "0-1"}


def exp_parses(counts: collections.Counter) -> dict[str, int]:
    """`text_parses` but the time estimate's probe, which picks "cpu" (a choice of the code, not the link's)."""
    return {name: n for name, n in text_parses(counts).items() if name != "device"}


def exp_state(at: AppTest) -> dict:
    return at.session_state["section:experiments"]


def open_exp_tab(at: AppTest, tab: str) -> AppTest:
    from app.i18n import translator

    at.session_state["experiments.tabs"] = translator("en")(f"exp.tab.{tab}")
    return at.run()


def test_an_experiments_link_is_parsed_once_and_written_back_the_same(conversions):
    at = app(**EXP_LINK)
    assert not at.exception and not at.warning and not at.error
    assert exp_parses(conversions) == {"n_train": 1, "epochs": 1, "lr": 1, "rho": 2 + 2}  # each value of the link once
    mem = exp_state(at)["mem"]
    assert mem["w:seeds"] == (0, 1) and mem["w:rhos"] == (0.5, 1.0) and mem["w:n_train"] == 200  # typed
    assert mem["w:lr"] == 0.01 and mem["w:gate_rhos"] == (0.0, 1.0)
    for key, value in EXP_LINK.items():  # link -> widgets -> link: the same address (the page is its path)
        assert key == "page" or at.query_params[key] == value, key

    conversions.clear()
    at.run()  # nothing changed: nothing parsed or written as text (the study, the address, the estimate are kept)
    assert not conversions, conversions
    # the address reopened: a fixed point
    again = app(page="experiments", **{k: at.query_params[k] for k in at.query_params})
    assert not again.warning and {k: again.query_params[k] for k in again.query_params} == \
        {k: at.query_params[k] for k in at.query_params}


def test_an_experiments_text_box_is_parsed_once_per_change_and_an_invalid_one_stops_its_study(conversions):
    at = app(**EXP_LINK)
    conversions.clear()
    at.text_input(key="experiments.w:rhos").set_value("0, 0.5, 1").run()
    assert exp_state(at)["mem"]["w:rhos"] == (0.0, 0.5, 1.0) and at.query_params["exp.rhos"] == "0,0.5,1"
    assert exp_parses(conversions) == {"rho": 3}
    conversions.clear()
    at.run()
    assert exp_parses(conversions) == {}

    at.text_input(key="experiments.w:seeds").set_value("0-lots").run()
    assert "exp.seeds" in "\n".join(e.value for e in at.error)  # named under the box (and above the Run button)
    assert at.button(key="experiments.run_sweep").disabled
    assert at.query_params["exp.seeds"] == "0-1" and exp_state(at)["mem"]["w:seeds"] == (0, 1)  # the last valid
    at.text_input(key="experiments.w:seeds").set_value("0-2").run()
    assert not at.error and not at.button(key="experiments.run_sweep").disabled
    assert at.query_params["exp.seeds"] == "0-2"

    # a tab's box left invalid: its study cannot run, and the text is still there after visiting another tab
    at = open_exp_tab(at, "gates")
    at.text_input(key="experiments.w:gate_seeds").set_value("9-1").run()
    assert at.button(key="experiments.run_gates").disabled and at.query_params["exp.gate_seeds"] == "0-1"
    at = open_exp_tab(open_exp_tab(at, "sweep"), "gates")
    assert at.text_input(key="experiments.w:gate_seeds").value == "9-1"
    assert at.button(key="experiments.run_gates").disabled
    assert "exp.gate_seeds" in "\n".join(e.value for e in at.error)


def test_an_experiments_difficulty_knob_checks_its_values_by_its_own_range():
    at = open_exp_tab(app(**EXP_LINK), "difficulty")
    at.selectbox(key="experiments.w:diff_knob").set_value("c").run()
    assert at.text_input(key="experiments.w:diff_values").value == "0.5,1,2,3"
    assert at.query_params["exp.diff_knob"] == "c"
    at.text_input(key="experiments.w:diff_values").set_value("0,1").run()  # c must be at least 0.01
    assert "exp.diff_values" in "\n".join(e.value for e in at.error)
    assert at.button(key="experiments.run_difficulty").disabled and at.query_params["exp.diff_values"] == "0.5,1,2,3"
