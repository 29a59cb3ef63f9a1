"""Where a lesson's "Run it" goes: the page of the section that owns the preset, with the preset (and the
language) in the address. Pure, so a test can check that every link a lesson makes resolves."""
from __future__ import annotations

from mtl_core.presets import PRESETS

from .. import BY_ID, Section
from ...ui.url import href


def preset_section(preset_id: str) -> Section | None:
    """The registered section that opens `preset_id`; None when the preset is unknown or its page is not in
    the app (yet)."""
    preset = PRESETS.get(preset_id)
    return BY_ID.get(preset.section) if preset is not None else None


def run_href(preset_id: str, lang: str) -> str | None:
    """A relative link that opens the preset's section with the preset loaded (`app/ui/url.py` reads
    `page`, `preset` and `lang` on a tab's first run), or None when there is no such page."""
    section = preset_section(preset_id)
    if section is None:
        return None
    return href(section, {"preset": preset_id}, lang)
