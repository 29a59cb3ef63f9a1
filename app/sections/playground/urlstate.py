"""The Playground's part of the address: the whole configuration (`cfg.to_flat()` keys), classroom mode
(`classroom=1&hide=model,weighting`) and `preset=ID` on the way in.

`?preset=ID` loads that preset's configuration (keys given beside it override it); afterwards the
address shows the full configuration as usual. A link that sets no configuration at all starts from
`PLAYGROUND_DEFAULT` (a regime in which task relatedness shows; its study offered in the study panel). Invalid or tampered values fall back to defaults with a
warning naming the key and echoing at most a short prefix of the value.

Each value of the link is parsed once, here, into the checked configuration `Loaded.cfg`; the widgets'
memory is seeded with its typed values, and a preset's values (checked when the preset was) are carried
on without being parsed again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from mtl_core.config import ExperimentConfig, from_flat_lenient
from mtl_core.presets import PLAYGROUND_DEFAULT, PRESETS, Preset

from ...ui.url import short, shorten_in
from ...ui.widgets import PARTS, flat_to_mem

HIDEABLE = ("data", "model", "weighting", "train", "history", "study")
NON_CONFIG = ("classroom", "hide", "preset")


@dataclass
class Loaded:
    mem: dict[str, Any]  # the widgets' memory: typed values (`app.ui.widgets`)
    flat: dict[str, Any]  # the configuration's typed flat keys (`ExperimentConfig.typed_flat`)
    cfg: ExperimentConfig  # checked: what Train uses while no setting changed
    classroom: bool = False
    hide: list[str] = field(default_factory=list)
    preset: Preset | None = None  # the preset the link named
    warnings: list[str] = field(default_factory=list)
    start: Preset | None = None  # the starting preset, for a link that set nothing


def parse_hide(text: str) -> list[str]:
    return [h for h in (x.strip() for x in str(text).split(",")) if h in HIDEABLE]


def _with_preset(preset: Preset, conf: dict[str, Any]) -> tuple[dict[str, Any], ExperimentConfig]:
    """The preset's typed configuration overlaid with the link's own keys (a part the link re-chooses drops
    the preset's parameters of that part), and the preset's checked config whose values need no parsing."""
    base_cfg = preset.experiment()
    base = base_cfg.typed_flat()
    for part in PARTS:
        if part in conf and conf[part] != base.get(part):
            base = {k: v for k, v in base.items() if not k.startswith(part + ".")}
    return {**base, **conf}, base_cfg


def load(query: Mapping[str, str]) -> Loaded:
    """Read the Playground's keys from a query mapping (keys of other sections already removed)."""
    warnings: list[str] = []
    conf: dict[str, Any] = {k: v for k, v in query.items() if k not in NON_CONFIG}
    link = dict(conf)
    preset = start = base = None
    if "preset" not in query and not conf:
        start = PRESETS[PLAYGROUND_DEFAULT]
        conf, base = _with_preset(start, conf)
    if "preset" in query:
        preset = PRESETS.get(str(query["preset"]))
        if preset is None:
            warnings.append(f"preset: {short(query['preset'])} is not a known preset; expected one of "
                            f"{', '.join(PRESETS)}")
        else:
            conf, base = _with_preset(preset, conf)
    cfg, config_warnings = from_flat_lenient(conf, base=base)
    warnings += [shorten_in(w, link) for w in config_warnings]
    classroom = str(query.get("classroom", "0")).strip().lower() in ("1", "true", "yes", "on")
    hide_text = str(query.get("hide", ""))
    unknown = [h.strip() for h in hide_text.split(",") if h.strip() and h.strip() not in HIDEABLE]
    if unknown:
        warnings.append(f"hide: {short(', '.join(unknown))} not recognised; expected any of {', '.join(HIDEABLE)}")
    flat = cfg.typed_flat()
    return Loaded(flat_to_mem(flat), flat, cfg, classroom, parse_hide(hide_text) if classroom else [], preset,
                  warnings, start)


def own_query(flat: Mapping[str, str], classroom: bool, hide: list[str]) -> dict[str, str]:
    """What the address should hold for the Playground now (`flat`: the configuration as text)."""
    out = dict(flat)
    if classroom:
        out["classroom"] = "1"
        if hide:
            out["hide"] = ",".join(hide)
    return out
