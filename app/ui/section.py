"""The section toolkit: what every section page does the same way, written once.

A section page keeps its settings typed in a memory (`section_state(id)["mem"]`), reads them from the
link once per tab (each value parsed once, by its field), writes them back to the address on every run
and names each bad link value in a warning until the learner changes a setting. The pieces:

* `keyer(section)` -> the section's widget-key function (`k("run")` -> "balance.run");
* `read_keys(query, prefix, fields, mem, what)` (from `app.ui.fields`, pure) checks every `<prefix><name>`
  key of a link with its field's parser and returns the warnings (an invalid value keeps the memory's,
  an unknown key is named);
* `open_link(section, load)` runs `load(query)` on the section's first run in the tab and keeps its
  warnings; `keep_link(section, own)` mirrors the memory in the address and shows those warnings;
* the run panel and its admission gate live in `app.ui.run`.

Every user-controlled text shown by these helpers goes through `app.ui.text.escape_md`.
"""
from __future__ import annotations

from typing import Callable, Mapping

from ..sections import Section
from . import url
from .fields import Field, Parser, invalid, mem_slot, read_keys, spec_field  # noqa: F401 - part of the toolkit
from .state import section_key, section_state


def keyer(section: str, prefix: str = "") -> Callable[[str], str]:
    """The widget-key function of a section (and of one part of it: `prefix` is put before every name)."""
    def key(name: str) -> str:
        return section_key(section, prefix + name)
    return key


def open_link(section: Section, load: Callable[[Mapping[str, str]], list[str]]) -> bool:
    """On the section's first run in this tab: `load(query)` fills the section's memory from the link and
    returns its warnings, which are kept (shortened) until the learner changes a setting. True when it ran."""
    query = url.section_query(section)
    if query is None:
        return False
    url.set_warnings(section, load(query))
    section_state(section.id)["warn_query"] = None
    return True


def keep_link(section: Section, own: Mapping[str, str]) -> None:
    """The address shows the section's settings (`own`), and the link's warnings stay until they change."""
    url.sync(section, own)
    url.warn_until_changed(section, own)


__all__ = ["keyer", "Field", "spec_field", "mem_slot", "invalid", "read_keys", "open_link", "keep_link", "Parser"]
