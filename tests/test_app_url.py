"""URL state per section: presets, ?page=, keys of other sections ignored, short echoes of bad values,
session state and widget keys namespaced per section, and the "show the code" panel."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import en
from app.ui.code import source_of
from app.ui.url import MAX_ECHO
from mtl_core.models import ARCHITECTURES
from mtl_core.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_a_preset_link_loads_its_configuration_then_shows_it_in_full():
    preset = next(p for p in PRESETS.values() if p.section == "playground" and not p.is_study)
    at = app(preset=preset.id)
    assert not at.exception and not at.warning
    expected = preset.experiment().to_flat()
    assert at.selectbox(key="playground.w:model").value == expected["model"]
    assert "preset" not in at.query_params
    for key, value in expected.items():
        assert at.query_params[key] == value, key


def test_keys_beside_a_preset_override_it():
    at = app(preset="gates_unrelated", **{"train.epochs": "2"})
    assert at.query_params["train.epochs"] == "2"
    assert at.query_params["data.rho"] == PRESETS["gates_unrelated"].experiment().to_flat()["data.rho"]


def test_a_study_preset_opens_the_study_panel_with_its_grid():
    at = app(preset="correlation_sweep_small")
    assert not at.exception
    panel = next(e for e in at.expander if e.label == en.STRINGS["study.title"])
    assert panel.proto.expanded
    assert at.text_input(key="playground.study_values").value == "0.5, 0.9, 1"
    assert at.number_input(key="playground.study_seeds").value == len(PRESETS["correlation_sweep_small"].seeds)
    assert at.toggle(key="playground.study_preset_axes").value  # its model axis is offered too


def test_unknown_preset_and_long_bad_values_are_named_but_echoed_short():
    long = "x" * 500
    at = app(preset="nope" * 50, model=long, **{"data.rho": "9" * 300})
    assert not at.exception
    warning = texts(at.warning)
    assert "preset" in warning and "model" in warning and "data.rho" in warning
    assert long not in warning and "9" * 300 not in warning and "nope" * 50 not in warning
    assert "x" * 30 in warning and "x" * (MAX_ECHO + 1) not in warning and "…" in warning
    assert at.selectbox(key="playground.w:model").value == "mmoe"


def test_page_key_opens_that_section_and_its_own_keys_only():
    at = app(page="zoo", model="shared_bottom")
    assert not at.exception
    assert at.title[0].value == en.STRINGS["zoo.title"]
    assert not at.warning  # the zoo ignores the playground's keys
    assert "model" not in at.query_params and at.query_params["lang"] == "en"


def test_an_unknown_page_is_named():
    at = app(page="nowhere")
    assert "nowhere" in texts(at.warning) and at.title[0].value == en.STRINGS["pg.title"]


def test_state_and_widget_keys_are_namespaced_per_section():
    at = app()
    state = at.session_state["section:playground"]
    assert {"mem", "session"} <= set(state)
    assert state["mem"]["w:model"] == "mmoe"
    widget_keys = [w.key for w in [*at.selectbox, *at.slider, *at.button] if w.key]
    assert widget_keys and all(k.startswith("playground.") for k in widget_keys)


def test_inactive_parameters_are_hidden_and_left_out_of_the_url():
    at = app(data="funnel", model="esmm", **{"data.n_impressions": "20000"})
    assert not at.exception
    keys = {w.key for w in [*at.sidebar.slider, *at.sidebar.text_input, *at.sidebar.number_input]}
    spec = {p.name: p for p in ARCHITECTURES["esmm"].params}
    inactive = [n for n, p in spec.items() if p.when and not p.active({"backbone": spec["backbone"].default})]
    assert inactive, "ESMM has conditional parameters"
    for name in inactive:
        assert f"playground.w:model:esmm:{name}" not in keys
        assert f"model.{name}" not in at.query_params


def test_show_the_code_renders_the_real_source_with_its_place():
    src = source_of(ARCHITECTURES["mmoe"].cls)
    assert src.path == "mtl_core/models/mmoe.py" and src.first > 1 and "class MMoE" in src.text
    assert src.numbered().splitlines()[0].lstrip().startswith(str(src.first))
    at = app()
    code = texts(at.code)
    assert "class MMoE" in code and "mtl_core/models/mmoe.py" in texts(at.caption)
    with pytest.raises(TypeError):
        source_of(Path)


def test_a_preset_opens_the_section_it_belongs_to_and_only_there():
    at = app(page="zoo", preset="gates_unrelated")  # page wins over the preset's own section
    assert at.title[0].value == en.STRINGS["zoo.title"] and not at.warning
    assert "preset" not in at.query_params and "model" not in at.query_params
