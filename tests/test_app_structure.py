"""How the app is laid out: sections, pure figures, translations in step, an installable package."""
import ast
import re
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.i18n import desc_key, en, help_key, name_key, zh
from app.sections import SECTIONS
from mtl_core.config import TRAIN_PARAMS
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.weighting import WEIGHTINGS

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
REGISTRIES = {"data": DATASETS, "model": ARCHITECTURES, "weighting": WEIGHTINGS}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


# ---- figures are pure ---------------------------------------------------------------------------------
def test_no_figure_module_imports_streamlit():
    modules = sorted((APP / "figures").rglob("*.py"))
    assert len(modules) >= 5
    for path in modules:
        bad = {m for m in imported_modules(path) if m == "streamlit" or m.startswith("streamlit.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}: figure builders must stay pure"


def test_figures_package_loads_without_streamlit():
    code = "import sys, app.figures; assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if 'streamlit' in m)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_house_template_is_registered_once_and_used():
    import plotly.io as pio

    from app.figures.curves import weights_figure
    from app.figures.style import TASK_COLORS

    assert "mtl" in pio.templates
    assert list(pio.templates["mtl"].layout.colorway) == list(TASK_COLORS)
    fig = weights_figure(None)
    assert fig.layout.template.layout.font.size == pio.templates["mtl"].layout.font.size


# ---- sections -------------------------------------------------------------------------------------------
def test_every_section_is_a_folder_with_its_page():
    for s in SECTIONS:
        assert s.page_path.is_file(), s
        assert s.page_path.parent.parent == APP / "sections"
    assert len({s.url_path for s in SECTIONS}) == len(SECTIONS)
    assert sum(s.default for s in SECTIONS) == 1


def test_sections_do_not_share_url_keys():
    for a in SECTIONS:
        for b in SECTIONS:
            if a is not b:
                assert not [k for k in a.url_keys if b.owns(k)], (a.id, b.id)


def test_no_legacy_pages_folder_and_no_sys_path_patching():
    assert not (APP / "pages").exists()  # Streamlit would treat it as a legacy multi-page app
    for path in [*APP.rglob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py")]:
        assert not re.search(r"sys\.path\.(insert|append)", path.read_text()), f"{path} patches sys.path"


def test_package_metadata_matches_requirements():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = meta["project"]["dependencies"]
    reqs = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert deps == reqs  # requirements.txt: what runs the app (a Docker image installs only that)
    assert "torch==2.13.0" in deps  # never an open torch range
    extras = meta["project"]["optional-dependencies"]
    names = lambda specs: {re.split(r"[<>=!~\[ ]", s, maxsplit=1)[0].lower() for s in specs}  # noqa: E731
    assert {"pytest", "playwright"} <= names(extras["test"])  # pip install -e ".[test]"
    assert not {"pytest", "playwright", "torchjd", "ray"} & names(deps)  # test and backend tools stay optional
    assert names(extras["ray"]) == {"ray"}
    assert set(meta["tool"]["setuptools"]["packages"]["find"]["include"]) == {"mtl_core*", "app*"}


# ---- translations -----------------------------------------------------------------------------------------
def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("part", sorted(en.PARTS))
def test_english_and_chinese_have_the_same_keys_and_placeholders(part):
    assert set(en.PARTS) == set(zh.PARTS)
    missing, extra = set(en.PARTS[part]) - set(zh.PARTS[part]), set(zh.PARTS[part]) - set(en.PARTS[part])
    assert not missing and not extra, f"{part}: missing in zh {sorted(missing)}, only in zh {sorted(extra)}"
    for key, text in en.PARTS[part].items():
        assert _fields(text) == _fields(zh.PARTS[part][key]), key


def _registry_texts():
    for section, registry in REGISTRIES.items():
        for entry in registry.values():
            yield name_key(section, entry.id), entry.name
            yield desc_key(section, entry.id), entry.description
            for p in entry.params:
                yield help_key(section, entry.id, p.name), p.help
    for p in TRAIN_PARAMS:
        yield help_key("train", None, p.name), p.help


def test_every_registry_entry_and_parameter_has_a_chinese_translation():
    missing = [key for key, _ in _registry_texts() if not zh.STRINGS.get(key)]
    assert not missing, f"translate into app/i18n/zh/registry.py (and en/registry.py): {missing}"
    untranslated = [key for key, text in _registry_texts() if zh.STRINGS[key] == text and re.search("[a-z]{4}", text)]
    assert not untranslated, untranslated


def test_chinese_registry_texts_follow_the_current_english():
    """en/registry.py is the English the Chinese was translated from: when a registry text changes, this
    names the keys whose translation must follow."""
    stale = [key for key, text in _registry_texts() if en.STRINGS.get(key) != text]
    assert not stale, f"registry text changed; update en/registry.py and zh/registry.py: {stale}"
