"""What a class sees, in real headless Chromium: every zoo link opens a page that can train its entry, in the
language it came from; a classroom link offers nothing that un-hides a hidden control; a preset link names
its preset; Census without its data disables Train and offers the fetch.

The server (tests/conftest.py) runs with an empty data folder, so the Census data is missing whatever this
machine has downloaded.
"""
import re
import tempfile
from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from app.i18n import en, zh
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.presets import PRESETS
from mtl_core.weighting import WEIGHTINGS

pytestmark = pytest.mark.browser
SERVER_ENV = {"MTL_EXPLORER_DATA_DIR": tempfile.mkdtemp(prefix="mtl-no-data-")}
STRINGS = {"en": en.STRINGS, "zh": zh.STRINGS}
SETTLED = "() => !document.querySelector('[data-stale=\"true\"]')"


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _open(page, url: str, heading: str):
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=90_000)
    page.wait_for_function(SETTLED, timeout=120_000)


def _no_link_warning(page, lang: str) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert _main(page).get_by_text(STRINGS[lang]["url.warn"]).count() == 0


def _zoo_links(page, base_url: str, lang: str) -> dict[str, str]:
    """Every link of the zoo's tables, by the entry id in the row (kind:id)."""
    _open(page, f"{base_url}/?page=zoo&lang={lang}", STRINGS[lang]["zoo.title"])
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] table').length >= 3",
                           timeout=120_000)
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] table tr'))
        .map(tr => [tr.querySelector('a') && tr.querySelector('a').getAttribute('href'),
                    Array.from(tr.querySelectorAll('code')).map(c => c.textContent)[0]])
        .filter(([href, id]) => href && id)""")
    tables = (("model", ARCHITECTURES), ("weighting", WEIGHTINGS), ("data", DATASETS))
    out, i = {}, 0
    for kind, registry in tables:  # the tables come in this order, each in registry order
        for entry_id in registry:
            href, code = rows[i]
            assert code == entry_id
            out[f"{kind}:{entry_id}"] = href
            i += 1
    assert i == len(rows)
    return out


def _check_playground(page, lang: str, keys: dict[str, str], kind: str, entry_id: str) -> None:
    from playwright.sync_api import expect

    s = STRINGS[lang]
    train = _main(page).get_by_role("button", name=s["btn.train"], exact=True)
    if keys.get("data") == "census":  # the data is missing on this server: Train waits for the fetch
        expect(_main(page).get_by_role("button", name=s["guide.fetch"])).to_be_enabled()
        expect(train).to_be_disabled()
    else:
        expect(train).to_be_enabled()
    expect(page).to_have_url(re.compile(rf"[?&]{kind}={entry_id}(&|$)"))
    page.wait_for_function(SETTLED, timeout=120_000)
    _no_link_warning(page, lang)  # checked once the page has drawn what it decided


def _check_funnel(page, lang: str, keys: dict[str, str]) -> None:
    from playwright.sync_api import expect

    s = STRINGS[lang]
    expect(_main(page).get_by_role("button", name=s["fx.run"], exact=True)).to_be_enabled()
    expect(page).to_have_url(re.compile(r"funnel\.models=" + re.escape(keys["funnel.models"]).replace(",", "(,|%2C)")))
    page.wait_for_function(SETTLED, timeout=120_000)
    _no_link_warning(page, lang)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_zoo_link_opens_a_page_that_trains_it_in_its_language(page, base_url, lang):
    """Each architecture and dataset link once over the two languages, and a few weightings in each (every
    weighting link is checked without a browser in test_app_zoo.py)."""
    links = _zoo_links(page, base_url, lang)
    assert all(parse_qs(urlparse(h).query)["lang"] == [lang] for h in links.values())
    archs_and_data = [k for k in links if not k.startswith("weighting:")]
    weightings = [k for k in links if k.startswith("weighting:")]
    mine = archs_and_data[(0 if lang == "en" else 1)::2] + weightings[(0 if lang == "en" else 1)::15]
    for name in mine:
        kind, entry_id = name.split(":")
        href = links[name]
        query = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
        page_id = query.get("page", "playground")
        heading = STRINGS[lang]["fx.title" if page_id == "funnel" else "pg.title"]
        _open(page, urljoin(base_url + "/", href), heading)  # the heading is in the link's language
        if page_id == "funnel":
            _check_funnel(page, lang, query)
        else:
            _check_playground(page, lang, query, kind, entry_id)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_classroom_link_has_no_control_that_unhides(page, base_url, lang):
    from playwright.sync_api import expect

    s = STRINGS[lang]
    _open(page, f"{base_url}/?classroom=1&hide=model,weighting&lang={lang}", s["pg.title"])
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(s["classroom.locked"].split("{")[0].strip(), exact=False)).to_be_visible()
    assert sidebar.get_by_text(s["classroom.title"], exact=True).count() == 0  # no Classroom panel
    assert sidebar.get_by_role("combobox", name=s["ctl.model"]).count() == 0
    assert sidebar.get_by_role("combobox", name=s["ctl.weighting"]).count() == 0
    assert page.get_by_text(s["classroom.hide"]).count() == 0
    _no_link_warning(page, lang)
    expect(page).to_have_url(re.compile(r"classroom=1"))


def test_the_instructors_page_makes_the_student_link(page, base_url):
    from playwright.sync_api import expect

    s = STRINGS["en"]
    _open(page, f"{base_url}/?lang=en", s["pg.title"])
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(s["classroom.title"], exact=True).click()
    code = sidebar.get_by_test_id("stCode")
    expect(code).to_contain_text("classroom=1")
    link = code.inner_text().strip()
    assert "hide=model,weighting" in link and link.startswith(base_url)
    assert "classroom" not in page.url  # the instructor's own page stays unlocked
    _open(page, link, s["pg.title"])
    assert page.get_by_test_id("stSidebar").get_by_text(s["classroom.title"], exact=True).count() == 0


@pytest.mark.parametrize("lang,preset_id", [("en", "gates_unrelated"), ("zh", "correlation_sweep_small")])
def test_a_preset_link_shows_the_preset_banner(page, base_url, lang, preset_id):
    from playwright.sync_api import expect

    s, preset = STRINGS[lang], PRESETS[preset_id]
    _open(page, f"{base_url}/?preset={preset_id}&lang={lang}", s["pg.title"])
    banner = _main(page).get_by_test_id("stAlertContentSuccess")
    expect(banner).to_contain_text(preset.title[lang])
    expect(banner).to_contain_text(preset.description[lang][:30])
    assert _main(page).get_by_text(s["guide.first"][:12]).count() == 0  # the banner replaces the first-steps hint


def test_census_without_its_data_disables_train_and_offers_the_fetch(page, base_url):
    from playwright.sync_api import expect

    s = STRINGS["en"]
    _open(page, f"{base_url}/?data=census&lang=en", s["pg.title"])
    expect(_main(page).get_by_role("button", name=s["btn.train"], exact=True)).to_be_disabled()
    expect(_main(page).get_by_role("button", name=s["btn.step"], exact=True)).to_be_disabled()
    expect(_main(page).get_by_role("button", name=s["guide.fetch"])).to_be_enabled()
    assert page.get_by_test_id("stException").count() == 0
