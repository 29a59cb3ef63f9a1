"""The Model zoo: every link trains its entry where it lands, keeps the language, and a picked architecture
shows its diagram, parameter count and code."""
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import en, entry_name, zh
from app.sections import BY_PATH
from app.sections.playground.urlstate import load as playground_load
from app.sections.zoo.links import arch_target, default_data, target
from app.sections.zoo.tables import arch_table, data_table, link, weighting_table
from mtl_core.data import DATASETS
from mtl_core.experiments import funnel as fx
from mtl_core.models import ARCHITECTURES, build_model, count_parameters
from mtl_core.weighting import WEIGHTINGS

MAIN = str(Path(__file__).resolve().parents[1] / "app" / "main.py")
ENTRIES = ([("model", a) for a in ARCHITECTURES] + [("weighting", w) for w in WEIGHTINGS]
           + [("data", d) for d in DATASETS])


def _query(href: str) -> dict[str, str]:
    assert href.startswith("./?")
    return {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}


@pytest.mark.parametrize("kind,entry_id", ENTRIES, ids=lambda x: str(x))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_link_opens_the_page_that_trains_it_without_a_warning(kind, entry_id, lang):
    query = _query(link(lang, kind, entry_id))
    assert query.pop("lang") == lang
    section = BY_PATH[query.pop("page")]
    if section.id == "funnel":
        assert kind == "model"
        models = query["funnel.models"].split(",")
        assert fx.check_models(models) == models  # the funnel explorer accepts them
        assert any(fx.MODELS[m].arch == entry_id for m in models)
        return
    assert section.id == "playground"
    loaded = playground_load(query)  # exactly what the Playground does with the link
    assert loaded.warnings == []
    assert loaded.flat[kind] == entry_id
    assert loaded.preset is None and loaded.start is None  # the link's own choice, not the starting preset


def test_the_funnel_only_models_go_to_the_funnel_explorer_and_the_rest_to_the_playground():
    for arch_id in ARCHITECTURES:
        page, keys = arch_target(arch_id)
        needs_funnel = bool(ARCHITECTURES[arch_id].supports(
            DATASETS["synthetic"].spec({p.name: p.default for p in DATASETS["synthetic"].params})))
        in_comparison = any(m.arch == arch_id for m in fx.MODELS.values())
        assert page == ("funnel" if needs_funnel and in_comparison else "playground"), arch_id
    for esmm_family in ("esmm", "aitm", "esmm_ns", "ipw", "escm2_ipw"):
        if esmm_family in ARCHITECTURES:
            assert target("model", esmm_family)[0] == "funnel"


def test_tables_link_in_the_page_language_and_count_parameters():
    counts = {a: 1234 + i for i, a in enumerate(ARCHITECTURES)}
    table = arch_table("zh", counts)
    names = table[zh.STRINGS["zoo.col.name"]]
    assert all("lang=zh" in n for n in names)
    assert list(table[zh.STRINGS["zoo.col.n_params"]]) == [f"{counts[a]:,}" for a in ARCHITECTURES]
    for frame in (weighting_table("en"), data_table("en")):
        assert all("lang=en" in n for n in frame[en.STRINGS["zoo.col.name"]])


def test_the_parameter_count_is_the_models_own_at_its_defaults():
    from app.ui.modelinfo import describe_model

    for arch_id in ("mmoe", "esmm"):
        data_id = default_data(arch_id)
        data = {p.name: p.default for p in DATASETS[data_id].params}
        spec = DATASETS[data_id].spec(data)
        independent = count_parameters(build_model(arch_id, spec, {}))
        assert describe_model(data_id, data, arch_id, {p.name: p.default for p in ARCHITECTURES[arch_id].params}
                              ).n_params == independent > 0


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_zoo_page_shows_diagram_count_code_and_a_train_link(lang):
    s = en.STRINGS if lang == "en" else zh.STRINGS
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update(page="zoo", lang=lang)
    at.run()
    assert not at.exception and at.title[0].value == s["zoo.title"]
    assert len(at.table) == 3
    picker = at.selectbox(key="zoo.arch")
    assert picker.value == "mmoe"
    data_id = default_data("mmoe")
    spec = DATASETS[data_id].spec({p.name: p.default for p in DATASETS[data_id].params})
    n = count_parameters(build_model("mmoe", spec, {}))
    shown = s["zoo.n_params"].format(n=n, data=entry_name(lang, "data", DATASETS[data_id]))
    assert shown in [str(m.value) for m in at.markdown]
    assert at.get("plotly_chart")  # the diagram
    assert any("class MMoE" in str(c.value) for c in at.code)  # the code
    buttons = at.get("link_button")
    assert any(f"lang={lang}" in b.proto.url and "model=mmoe" in b.proto.url for b in buttons)
    picker.set_value("esmm").run()
    assert not at.exception
    assert any("page=funnel" in b.proto.url and f"lang={lang}" in b.proto.url for b in at.get("link_button"))


def test_every_internal_link_is_made_by_url_href():
    """A link written by hand would drop the language: only app/ui/url.py may spell "./?"."""
    root = Path(__file__).resolve().parents[1] / "app"
    hand_made = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "url.py" and ('"./?' in p.read_text() or "'./?" in p.read_text())]
    assert hand_made == []
