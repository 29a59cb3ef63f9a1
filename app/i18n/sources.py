"""The English that registry translations are made from, and the check that each translation follows it.

English lives once, in mtl_core's registries: every entry's `name` and `description`, every `Param.help` and
`Param.label` (a widget shows `humanise(name)` when a Param has no label). A translation table such as
`app/i18n/zh/registry/` (one module per kind: data.py, arch.py, weighting.py, train.py) is keyed by id:

    name.<kind>.<id>   desc.<kind>.<id>   help.<kind>.<id>.<param>   help.train.<param>
    p.<param>          p.<section>.<param>  (a label; the section form where one name has two labels)

with kind in {data, arch, weighting, train}, and records next to each translation `stamp(english)`, the first
8 hex digits of the SHA-1 of the English it was translated from. `check()` lists what is missing, what is
stale (the English changed since), what is not stamped yet and what no registry text has.
`python -m app.i18n.stamp` prints that list and writes the stamps.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

# registry kinds in text keys: name.arch.mmoe, desc.weighting.uw, help.data.synthetic.rho, help.train.lr
KINDS = {"data": "data", "model": "arch", "weighting": "weighting", "train": "train"}


def stamp(english: str) -> str:
    """The short hash a translation records of its English source."""
    return hashlib.sha1(english.encode("utf-8")).hexdigest()[:8]


def humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def name_key(section: str, entry_id: str) -> str:
    return f"name.{KINDS[section]}.{entry_id}"


def desc_key(section: str, entry_id: str) -> str:
    return f"desc.{KINDS[section]}.{entry_id}"


def help_key(section: str, entry_id: str | None, param: str) -> str:
    return f"help.train.{param}" if section == "train" else f"help.{KINDS[section]}.{entry_id}.{param}"


def label_keys(section: str, param: str) -> tuple[str, str]:
    """Where a label's translation is looked up, first match wins: section-specific, then generic."""
    return f"p.{section}.{param}", f"p.{param}"


def english_label(p) -> str:
    return p.label or humanise(p.name)


def registries() -> dict[str, Mapping]:
    from mtl_core.data import DATASETS
    from mtl_core.models import ARCHITECTURES
    from mtl_core.weighting import WEIGHTINGS

    return {"data": DATASETS, "model": ARCHITECTURES, "weighting": WEIGHTINGS}


def all_params() -> Iterator[tuple[str, str | None, object]]:
    """(section, entry id or None for train, Param) for every parameter the app can show."""
    from mtl_core.config import TRAIN_PARAMS

    for section, registry in registries().items():
        for entry in registry.values():
            for p in entry.params:
                yield section, entry.id, p
    for p in TRAIN_PARAMS:
        yield "train", None, p


@lru_cache(maxsize=None)
def label_of(section: str, name: str) -> str:
    """English label of parameter `name` in `section` ("" = any section; training, then data, weighting, model):
    its Param's, else the name humanised."""
    order = ("train", "data", "weighting", "model")
    for sec, _, p in sorted(all_params(), key=lambda x: order.index(x[0])):
        if p.name == name and section in ("", sec) and p.label:
            return p.label
    return humanise(name)


# ---- what a table must hold ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    key: str
    english: str
    where: str  # "weighting.cagrad.c": which registry text it is
    kind: str  # data, arch, weighting or train: the registry kind the text belongs to


def sources(table_keys=()) -> list[Source]:
    """Every registry text a translation table must cover. A label's key is `p.<section>.<param>` when the table
    has that key, else `p.<param>`."""
    out = []
    for section, registry in registries().items():
        for entry in registry.values():
            where, kind = f"{section}.{entry.id}", KINDS[section]
            out += [Source(name_key(section, entry.id), entry.name, f"{where} (name)", kind),
                    Source(desc_key(section, entry.id), entry.description, f"{where} (description)", kind)]
    for section, entry_id, p in all_params():
        where, kind = ".".join(x for x in (section, entry_id, p.name) if x), KINDS[section]
        out.append(Source(help_key(section, entry_id, p.name), p.help, f"{where} (help)", kind))
        specific, generic = label_keys(section, p.name)
        out.append(Source(specific if specific in table_keys else generic, english_label(p), f"{where} (label)",
                          kind))
    return [s for s in out if s.english]


@dataclass
class Report:
    missing: list[Source] = field(default_factory=list)  # no translation
    untranslated: list[Source] = field(default_factory=list)  # the "translation" is the English itself
    stale: list[tuple[Source, str]] = field(default_factory=list)  # (source, the hash recorded): English changed
    unstamped: list[Source] = field(default_factory=list)  # a plain "key": "text" line, no hash yet
    unknown: list[str] = field(default_factory=list)  # keys no registry text has (renamed or removed)
    conflicts: dict[str, list[Source]] = field(default_factory=dict)  # one label key, several English labels

    def __bool__(self) -> bool:
        return any((self.missing, self.untranslated, self.stale, self.unstamped, self.unknown, self.conflicts))


def check(table: Mapping[str, str | tuple[str, str]]) -> Report:
    """Compare a raw registry table (values "text" or ("text", hash)) with the registries' current English."""
    import re

    report = Report()
    by_key: dict[str, list[Source]] = {}
    for s in sources(table.keys()):
        by_key.setdefault(s.key, []).append(s)
    for key, group in by_key.items():
        if len({s.english for s in group}) > 1:
            report.conflicts[key] = group
            continue
        s = group[0]
        value = table.get(key)
        text, recorded = (value, None) if isinstance(value, str) or value is None else value
        if not text:
            report.missing.append(s)
        elif text == s.english and re.search("[a-z]{4}", text):
            report.untranslated.append(s)
        elif recorded is None:
            report.unstamped.append(s)
        elif recorded != stamp(s.english):
            report.stale.append((s, recorded))
    report.unknown = sorted(set(table) - set(by_key))
    return report
