"""How the app is laid out: sections, pure figures, translations in step, an installable package."""
import ast
import hashlib
import re
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.i18n import desc_key, en, help_key, name_key, zh
from app.i18n.sources import Report, check, sources, stamp
from app.i18n.stamp import describe, duplicates, read_entries, read_table, table_path
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
    assert set(en.PARTS) == set(zh.PARTS) - {"registry"}  # registry texts: English in mtl_core, see below
    missing, extra = set(en.PARTS[part]) - set(zh.PARTS[part]), set(zh.PARTS[part]) - set(en.PARTS[part])
    assert not missing and not extra, f"{part}: missing in zh {sorted(missing)}, only in zh {sorted(extra)}"
    for key, text in en.PARTS[part].items():
        assert _fields(text) == _fields(zh.PARTS[part][key]), key


def test_a_key_lives_in_one_part_only():
    for lang in (en, zh):
        seen: dict[str, str] = {}
        for part, strings in lang.PARTS.items():
            twice = {k: seen[k] for k in strings if k in seen}
            assert not twice, f"{lang.__name__}.{part} repeats keys of other parts: {twice}"
            seen.update(dict.fromkeys(strings, part))


ZH_TABLE = table_path("zh")


def _registry_texts():
    """Independently of app.i18n.sources: every registry text and label a table must translate."""
    for section, registry in REGISTRIES.items():
        for entry in registry.values():
            yield name_key(section, entry.id), entry.name
            yield desc_key(section, entry.id), entry.description
            for p in entry.params:
                yield help_key(section, entry.id, p.name), p.help
                yield f"p.{p.name}", p.label or p.name.replace("_", " ").capitalize()
    for p in TRAIN_PARAMS:
        yield help_key("train", None, p.name), p.help
        yield f"p.{p.name}", p.label or p.name.replace("_", " ").capitalize()


def test_the_sources_cover_every_registry_text():
    table = read_table(ZH_TABLE)
    covered = {s.key: s.english for s in sources(table)}
    for key, english in _registry_texts():
        section_specific = [k for k in covered if k.startswith("p.") and k.endswith("." + key[2:]) and k != key]
        assert key in covered or section_specific, key
        assert covered.get(key, english) == english or section_specific, key
    assert sources(table) and all(s.english for s in sources(table))


def test_every_registry_entry_and_parameter_has_a_chinese_translation():
    """Names, descriptions, help texts and labels of every dataset, architecture, weighting and training
    parameter; nothing in the table that no registry text has; no key twice."""
    report = check(read_table(ZH_TABLE))
    assert not report.missing, f"translate into {ZH_TABLE.name}:\n" + describe(Report(missing=report.missing))
    assert not report.untranslated, describe(Report(untranslated=report.untranslated))
    assert not report.unknown, describe(Report(unknown=report.unknown))
    assert not report.conflicts, describe(Report(conflicts=report.conflicts))
    dups = duplicates(read_entries(ZH_TABLE))
    assert not dups, describe(Report(), dups)


def test_chinese_registry_texts_follow_the_current_english():
    """Each Chinese entry records the hash of the English it was translated from: when a registry text changes,
    this names the key, shows the new English and the hash to write once the translation follows."""
    report = check(read_table(ZH_TABLE))
    assert not report.stale, "registry text changed since it was translated:\n" + \
        describe(Report(stale=report.stale))
    assert not report.unstamped, "run python -m app.i18n.stamp --write:\n" + \
        describe(Report(unstamped=report.unstamped))


def test_the_stamp_check_names_what_is_missing_stale_unstamped_and_unknown():
    """The check itself, on a copy of the table with one entry of each kind of fault."""
    table = read_table(ZH_TABLE)
    key = name_key("weighting", "ew")
    text, _ = table[key]
    faulty = {k: v for k, v in table.items() if k != help_key("train", None, "lr")}
    faulty[key] = (text, "00000000")
    faulty[desc_key("weighting", "ew")] = text  # plain: not stamped
    faulty["name.weighting.no_such_thing"] = ("无", "00000000")
    report = check(faulty)
    assert [s.key for s in report.missing] == [help_key("train", None, "lr")]
    assert [(s.key, old) for s, old in report.stale] == [(key, "00000000")]
    assert report.stale[0][0].english == WEIGHTINGS["ew"].name
    assert [s.key for s in report.unstamped] == [desc_key("weighting", "ew")]
    assert report.unknown == ["name.weighting.no_such_thing"]
    text = describe(report)
    assert stamp(WEIGHTINGS["ew"].name) in text and WEIGHTINGS["ew"].name in text
    assert stamp("abc") == hashlib.sha1(b"abc").hexdigest()[:8]


def test_the_stamp_tool_stamps_plain_lines_and_accepted_keys_in_place(tmp_path, monkeypatch):
    """Appended plain lines (what other branches add) become stamped entries with one command; comments stay."""
    from app.i18n import stamp as tool

    lang_dir = tmp_path / "xx"
    lang_dir.mkdir()
    path = lang_dir / "registry.py"
    ew = WEIGHTINGS["ew"]
    path.write_text('STRINGS = {\n'
                    f'    "{name_key("weighting", "ew")}": ("旧", "00000000"),\n'
                    '    # ---- appended by another branch\n'
                    f'    "{desc_key("weighting", "ew")}": "第一行"\n'
                    '                              "第二行",\n'
                    '}\n', encoding="utf-8")
    monkeypatch.setattr(tool, "table_path", lambda lang: lang_dir / "registry.py")
    assert tool.main(["--lang", "xx", "--write"]) == 1  # stamped, but most keys are still missing
    table = tool.read_table(path)
    assert table[desc_key("weighting", "ew")] == ("第一行第二行", stamp(ew.description))
    assert table[name_key("weighting", "ew")] == ("旧", "00000000")  # stale until accepted
    tool.main(["--lang", "xx", "--accept", name_key("weighting", "ew")])
    assert tool.read_table(path)[name_key("weighting", "ew")] == ("旧", stamp(ew.name))
    assert "# ---- appended by another branch" in path.read_text(encoding="utf-8")


def test_each_chinese_registry_entry_lives_in_the_module_of_its_kind():
    """app/i18n/zh/registry/ is split by kind: a weighting's strings are in weighting.py, and so on; a label
    lives in the module of a kind that has such a parameter."""
    from app.i18n import stamp as tool

    assert ZH_TABLE.is_dir() and {p.stem for p in tool.table_files(ZH_TABLE)} == {"data", "arch", "weighting",
                                                                                  "train"}
    kinds = {"data": "data", "model": "arch", "weighting": "weighting"}
    for entry in read_entries(ZH_TABLE):
        head, kind, *_ = entry.key.split(".") + [""]
        if head in ("name", "desc", "help"):
            assert entry.path.stem == kind, f"{entry.key} is in {entry.path.name}"
        else:  # a label: some registry of this module's kind has a parameter of that name
            param = entry.key.split(".")[-1]
            owners = {kinds[s] for s, r in REGISTRIES.items() for e in r.values() for p in e.params
                      if p.name == param} | ({"train"} if any(p.name == param for p in TRAIN_PARAMS) else set())
            assert entry.path.stem in owners, f"{entry.key} is in {entry.path.name}, its kinds are {owners}"
    assert len(ZH_TABLE.joinpath("__init__.py").read_text(encoding="utf-8").splitlines()) < 40  # it only merges


def test_the_stamp_tool_names_the_module_a_key_belongs_in_and_stamps_every_module(tmp_path, monkeypatch):
    """In a table package a new plain line is stamped in whichever module it is; the check names the module
    of a missing key's kind and an entry written into another kind's module."""
    from app.i18n import stamp as tool

    table = tmp_path / "xx" / "registry"
    table.mkdir(parents=True)
    (table / "__init__.py").write_text("", encoding="utf-8")
    ew, mmoe = WEIGHTINGS["ew"], ARCHITECTURES["mmoe"]
    (table / "weighting.py").write_text('STRINGS = {\n'
                                        f'    "{name_key("weighting", "ew")}": "等权",\n'
                                        f'    "{name_key("model", "mmoe")}": "多门控",\n'
                                        '}\n', encoding="utf-8")
    (table / "arch.py").write_text(f'STRINGS = {{\n    "{desc_key("model", "mmoe")}": "描述",\n}}\n',
                                   encoding="utf-8")
    monkeypatch.setattr(tool, "table_path", lambda lang: table)
    printed = []
    monkeypatch.setattr("builtins.print", lambda *a, **k: printed.append(" ".join(map(str, a))))
    assert tool.main(["--lang", "xx", "--write"]) == 1
    assert tool.read_table(table) == {name_key("weighting", "ew"): ("等权", stamp(ew.name)),
                                      name_key("model", "mmoe"): ("多门控", stamp(mmoe.name)),
                                      desc_key("model", "mmoe"): ("描述", stamp(mmoe.description))}
    out = "\n".join(printed)
    assert f"misplaced {name_key('model', 'mmoe')}: in {table / 'weighting.py'}:3, belongs in {table / 'arch.py'}" \
        in out
    assert f'add to {table / "weighting.py"}: "{desc_key("weighting", "ew")}"' in out
    assert f'add to {table / "train.py"}: "{help_key("train", None, "lr")}"' in out
    assert f'add to {table / "data.py"}: "{name_key("data", "synthetic")}"' in out
