"""The section registry: every section of the app is one folder under `app/sections/` plus one line in
`SECTIONS`. `app/main.py` builds the navigation from it and the URL helpers use it to route
`?page=<url_path>` and to give each section the query keys it owns.

A section's URL keys are patterns (`fnmatch`): "data" or "data.*". Keys no section owns are handed to
the section on screen, which may warn about them (the Playground does); keys another section owns are
ignored there. "lang", "page" and "preset" belong to the frame: `?preset=ID` opens the section the preset
names (`Preset.section`) and hands the preset to it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

HERE = Path(__file__).resolve().parent
GROUPS = ("learn", "explore", "reference")  # navigation groups, in order (title key: nav.group.<id>)


@dataclass(frozen=True)
class Section:
    id: str  # also the namespace of its session state and widget keys
    group: str  # one of GROUPS
    title_key: str  # i18n key of its navigation title
    icon: str
    url_path: str  # its address: /<url_path> (the default section lives at /) and ?page=<url_path>
    page: str  # page script, relative to app/sections/
    url_keys: tuple[str, ...] = ()  # query keys it owns (fnmatch patterns)
    default: bool = False

    @property
    def page_path(self) -> Path:
        return HERE / self.page

    def owns(self, key: str) -> bool:
        return any(fnmatchcase(key, pattern) for pattern in self.url_keys)


PLAYGROUND_KEYS = ("data", "data.*", "model", "model.*", "weighting", "weighting.*", "train.*",
                   "classroom", "hide")

SECTIONS: tuple[Section, ...] = (
    Section("lessons", "learn", "nav.lessons", ":material/school:", "lessons", "lessons/page.py", ("lesson",)),
    Section("playground", "explore", "nav.playground", ":material/science:", "playground", "playground/page.py",
            PLAYGROUND_KEYS, default=True),
    Section("experiments", "explore", "nav.experiments", ":material/labs:", "experiments", "experiments/page.py",
            ("exp.*",)),
    Section("balance", "explore", "nav.balance", ":material/balance:", "balance", "balance/page.py", ("bal.*",)),
    Section("funnel", "explore", "nav.funnel", ":material/filter_alt:", "funnel", "funnel/page.py", ("funnel.*",)),
    Section("zoo", "reference", "nav.zoo", ":material/menu_book:", "zoo", "zoo/page.py"),
)
BY_ID = {s.id: s for s in SECTIONS}
BY_PATH = {s.url_path: s for s in SECTIONS}


def default_section() -> Section:
    return next(s for s in SECTIONS if s.default)


def owner_of(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.owns(key)), None)
