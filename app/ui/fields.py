"""A section's link keys checked field by field (pure: no streamlit, so section configs stay testable).

A field is a parser `(link text, key) -> memory value` that raises `ConfigError` naming the key; `read_keys`
runs every field a link carries, once, and returns one warning per unknown key and per invalid value.
A `Field` also knows how to write its typed value back as link text (`mem_query`), so a section's memory
holds typed values and text appears only in the address.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from mtl_core.params import ConfigError, Param

from .text import short

Parser = Callable[[str, str], Any]  # (link text, its key) -> memory value, or ConfigError naming the key


@dataclass(frozen=True)
class Field:
    """A parser with its way back to link text: `field(text, key)` parses, `field.format(value)` writes."""
    parse: Parser
    format: Callable[[Any], str] = str

    def __call__(self, text: str, key: str) -> Any:
        return self.parse(text, key)


def spec_field(spec: Param) -> Field:
    """A field checked by a Param spec: the link's text parsed into the spec's type, written back by the spec."""
    # the spec's methods are looked up per call, so a patched Param (the conversion-counting tests) is seen
    return Field(lambda text, key: spec.parse(text, key), lambda value: spec.format(value))


def mem_slot(name: str) -> str:
    """Where a setting lives in a section's memory ("w:<name>", the key of the widget showing it)."""
    return f"w:{name}"


def invalid(key: str, value: object, allowed: str, kept: object) -> str:
    return f"{key}: {short(value)} is not allowed; expected {allowed} — using {kept} instead"


def read_keys(query: Mapping[str, str], prefix: str, fields: Mapping[str, Parser], mem: dict[str, Any], *,
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
            kept = getattr(parse, "format", str)(mem[slot(name)]) if slot(name) in mem else "the default"
            warnings.append(invalid(key, query[key], err.allowed, kept))
    return warnings


def mem_query(prefix: str, mem: Mapping[str, Any], fields: Mapping[str, Parser] | None = None,
              **extra: str) -> dict[str, str]:
    """What the address holds for a section: every setting of its memory as `<prefix><name>`, written by its
    `Field` (else `str`), and `extra` names as given; sorted so the same settings always give the same link."""
    fmt = {name: getattr(f, "format", str) for name, f in (fields or {}).items()}
    out = {prefix + name: fmt.get(name, str)(v) for k, v in mem.items() if k.startswith(mem_slot(""))
           for name in (k[len(mem_slot("")):],)}
    out.update({prefix + k: v for k, v in extra.items()})
    return dict(sorted(out.items()))


__all__ = ["Parser", "Field", "spec_field", "mem_slot", "invalid", "read_keys", "mem_query"]
