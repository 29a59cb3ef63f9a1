"""A section's link keys checked field by field (pure: no streamlit, so section configs stay testable).

A field is a parser `(link text, key) -> memory text` that raises `ConfigError` naming the key; `read_keys`
runs every field a link carries and returns one warning per unknown key and per invalid value.
"""
from __future__ import annotations

from typing import Callable, Mapping

from mtl_core.params import ConfigError, Param

from .text import short

Parser = Callable[[str, str], str]  # (link text, its key) -> memory text, or ConfigError naming the key


def spec_field(spec: Param) -> Parser:
    """A field checked by a Param spec: parsed, then written back in the spec's canonical text."""
    return lambda text, key: spec.format(spec.parse(text, key))


def mem_slot(name: str) -> str:
    """Where a setting lives in a section's memory ("w:<name>", the key of the widget showing it)."""
    return f"w:{name}"


def invalid(key: str, value: object, allowed: str, kept: object) -> str:
    return f"{key}: {short(value)} is not allowed; expected {allowed} — using {kept} instead"


def read_keys(query: Mapping[str, str], prefix: str, fields: Mapping[str, Parser], mem: dict[str, str], *,
              what: str, slot: Callable[[str], str] = mem_slot, ignore: tuple[str, ...] = ("preset",)) -> list[str]:
    """Check every `<prefix><name>` key of a link into `mem[slot(name)]`, in the order of `fields` (a field
    may read what an earlier one stored); returns one warning per unknown key (first) and per invalid
    value (which keeps the memory's value). Keys in `ignore` are the caller's."""
    warnings: list[str] = []
    expected = f"; expected one of {', '.join(prefix + n for n in fields)}" if fields else ""
    for key in query:
        if key not in ignore and (not key.startswith(prefix) or key[len(prefix):] not in fields):
            warnings.append(f"{short(key)}: not a setting of {what}{expected}")
    for name, parse in fields.items():
        key = prefix + name
        if key not in query:
            continue
        try:
            mem[slot(name)] = parse(str(query[key]), key)
        except ConfigError as err:
            warnings.append(invalid(key, query[key], err.allowed, mem.get(slot(name), "the default")))
    return warnings


def mem_query(prefix: str, mem: Mapping[str, str], **extra: str) -> dict[str, str]:
    """What the address holds for a section: every setting of its memory as `<prefix><name>` (and `extra`
    names as given), sorted so the same settings always give the same link."""
    out = {prefix + k[len(mem_slot("")):]: v for k, v in mem.items() if k.startswith(mem_slot(""))}
    out.update({prefix + k: v for k, v in extra.items()})
    return dict(sorted(out.items()))


__all__ = ["Parser", "spec_field", "mem_slot", "invalid", "read_keys", "mem_query"]
