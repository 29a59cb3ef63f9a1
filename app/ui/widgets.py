"""Widgets generated from `Param` specs, and the mapping between a section's config memory and flat
config keys. Any section that edits a configuration uses these; none of it names a model or dataset.

Flat keys are those of `ExperimentConfig.typed_flat()`: "data", "data.rho", "model", "model.n_experts",
"train.lr"... A section keeps its configuration *typed* (ints, floats, bools, tuples, the choices
themselves) in a memory keyed by `mkey`, which carries the chosen id so two models' same-named parameters
never collide: "w:data", "w:data:synthetic:rho", "w:model:mmoe:n_experts", "w:train:lr". Values are
parsed once where they enter (the link, a file, a text box when its text changes); a widget's own bounds
check the rest, and text is made only on the way out (`flat_text`, for the address). The widget showing a
value has the key `section_key(<section>, mkey)`, so sections never share widget state.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import streamlit as st

from mtl_core.params import ConfigError, Param

from ..i18n import current_lang, param_help, param_label_text, t, t_invalid
from .state import section_key
from .text import escape_md

PARTS = ("data", "model", "weighting")  # flat-config sections chosen from a registry


def mkey(section: str, part_id: str | None = None, name: str | None = None) -> str:
    if section == "train":
        return f"w:train:{name}"
    return f"w:{section}" if name is None else f"w:{section}:{part_id}:{name}"


def typed_values(specs, mem: Mapping[str, Any], section: str, part_id: str) -> dict[str, Any]:
    """Each parameter's value in memory (its default where the memory has none)."""
    return {spec.name: mem.get(mkey(section, part_id, spec.name), spec.default) for spec in specs}


def flat_to_mem(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Typed flat config -> memory (the same values under memory keys)."""
    mem: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, name = key.partition(".")
        if head == "train":
            mem[mkey("train", name=name)] = value
        elif not name:
            mem[mkey(head)] = value
        else:
            mem[mkey(head, str(flat.get(head, "")), name)] = value
    return mem


def mem_to_flat(mem: Mapping[str, Any], registries: Mapping[str, Mapping], train_params) -> dict[str, Any]:
    """Memory -> typed flat config of the chosen data/model/weighting (registry order), inactive parameters
    (`Param.when`) left out."""
    flat: dict[str, Any] = {}
    for section in PARTS:
        part = mem[mkey(section)]
        flat[section] = part
        specs = registries[section][part].params
        values = typed_values(specs, mem, section, part)
        for spec in specs:
            if spec.active(values):
                flat[f"{section}.{spec.name}"] = values[spec.name]
    for spec in train_params:
        flat[f"train.{spec.name}"] = mem.get(mkey("train", name=spec.name), spec.default)
    return flat


def flat_text(flat: Mapping[str, Any], registries: Mapping[str, Mapping], train_params) -> dict[str, str]:
    """Typed flat config -> the address's text (each value formatted by its spec, once, on the way out)."""
    specs = {"train": {p.name: p for p in train_params},
             **{s: {p.name: p for p in registries[s][flat[s]].params} for s in PARTS if s in flat}}
    out: dict[str, str] = {}
    for key, value in flat.items():
        head, _, name = key.partition(".")
        out[key] = str(value) if not name else specs[head][name].format(value)
    return out


# ---- one widget per Param -------------------------------------------------------------------------
def _log_grid(p: Param) -> list[float] | None:
    """1-3-10 grid for positive float ranges spanning >= 2 decades (learning rates)."""
    if p.kind != "float" or not p.low or p.low <= 0 or not p.high or p.high / p.low < 100:
        return None
    grid, k = [], math.floor(math.log10(p.low))
    while 10.0 ** k <= p.high * 1.0001:
        for m in (1.0, 3.0):
            v = float(f"{m * 10.0 ** k:.10g}")
            if p.low <= v <= p.high:
                grid.append(v)
        k += 1
    return grid


def widget_kind(p: Param) -> str:
    if p.kind == "bool":
        return "toggle"
    if p.kind == "choice":
        return "select"
    if p.kind == "int":
        bounded = p.low is not None and p.high is not None
        return "slider" if bounded and p.high - p.low <= 64 else "number"
    if p.kind == "float":
        if p.low is not None and p.high is not None and (p.step is not None or p.high - p.low <= 2):
            return "slider"
        return "log" if _log_grid(p) else "number"
    return "text"  # ints, floats, str


def to_widget(p: Param, value: Any) -> Any:
    """A typed value -> what its widget holds (the same value; text for a text box)."""
    return p.format(value) if widget_kind(p) == "text" else value


_TYPES = {"int": int, "float": float, "bool": bool}


def from_widget(p: Param, value: Any) -> Any:
    """What a bounded widget holds -> the typed value (its bounds checked it; the number type made exact).
    A text box's text is parsed by `param_control`, once per change."""
    return _TYPES[p.kind](value) if p.kind in _TYPES else value


def _float_step(p: Param) -> float:
    if p.step is not None:
        return p.step
    span = (p.high - p.low) if p.low is not None and p.high is not None else 1.0
    return float(f"{10 ** math.floor(math.log10(span / 100)) if span > 0 else 0.01:.10g}")


def param_widget(p: Param, key: str, label: str, help_text: str, *,
                 options: list | None = None, format_func: Callable[[Any], str] | None = None) -> None:
    """Draw the widget for `p` (its value lives in st.session_state[key])."""
    kind = widget_kind(p)
    common = dict(key=key, help=help_text or None)
    if kind == "toggle":
        st.toggle(label, **common)
    elif kind == "select":
        opts = options or list(p.choices)
        st.selectbox(label, opts, format_func=format_func or str, **common)
    elif kind == "slider" and p.kind == "int":
        st.slider(label, int(p.low), int(p.high), step=1, **common)
    elif kind == "slider":
        st.slider(label, float(p.low), float(p.high), step=_float_step(p), **common)
    elif kind == "log":
        grid = _log_grid(p)
        current = st.session_state.get(key)
        if current is not None and current not in grid:
            grid = sorted(grid + [current])
        st.select_slider(label, grid, format_func=lambda v: f"{v:g}", **common)
    elif kind == "number" and p.kind == "int":
        st.number_input(label, min_value=None if p.low is None else int(p.low),
                        max_value=None if p.high is None else int(p.high), step=1, **common)
    elif kind == "number":
        st.number_input(label, min_value=p.low, max_value=p.high, step=_float_step(p), format="%g", **common)
    else:
        st.text_input(label, **common)


def param_label(name: str, section: str = "", spec: Param | None = None) -> str:
    """Label in the page language: the translation, section-specific ("p.weighting.c") before generic ("p.c"),
    else the Param's own English label (`spec`, or the registries' parameter of that name), else the name."""
    return param_label_text(current_lang(), section, name, spec)


def _seen(wkey: str) -> str:
    """Where a text box keeps the text it last parsed and that text's error (None: valid)."""
    return wkey + "#parsed"


def seed_text_box(wkey: str, text: str) -> None:
    """Give a text box its first text (the memory's value, written once): nothing to parse. A box that was
    not drawn for a while (a closed tab) gets back the invalid text the learner left in it, with its error."""
    if wkey in st.session_state:
        return
    seen = st.session_state.get(_seen(wkey))
    if seen is not None and seen[1] is not None:
        st.session_state[wkey] = seen[0]
        return
    st.session_state[wkey] = text
    st.session_state[_seen(wkey)] = (text, None)


def parse_text_box(wkey: str, parse: Callable[[str], Any], store: Callable[[Any], None]) -> str | None:
    """A text box's text, parsed only when it changed since it was last parsed: a valid value goes to
    `store`; while it is invalid the memory keeps its last valid value. Returns the text's error (None: valid)."""
    value = st.session_state[wkey]
    seen = st.session_state.get(_seen(wkey))
    if seen is None or seen[0] != value:
        try:
            store(parse(str(value).strip()))
            seen = (value, None)
        except ConfigError as err:
            seen = (value, str(err))
        st.session_state[_seen(wkey)] = seen
    return seen[1]


def param_control(p: Param, ns: str, key: str, mem: dict[str, Any], errors: list[str], section: str,
                  entry_id: str | None = None, **widget_kw) -> None:
    """One generated control: seeded from the typed `mem[key]`, labelled and explained in the page language,
    its typed value written back to `mem[key]`. A text box is parsed when its text changes; while the text is
    invalid the memory keeps the last valid value, and the error is shown and added to `errors`.
    `ns` is the owning section (widget-key namespace); `section` the config section ("data", ...)."""
    wkey = section_key(ns, key)
    text = widget_kind(p) == "text"
    if text:
        seed_text_box(wkey, to_widget(p, mem.get(key, p.default)))
    elif wkey not in st.session_state:
        st.session_state[wkey] = to_widget(p, mem.get(key, p.default))
    help_text = param_help(current_lang(), section, entry_id, p)
    if text:
        help_text = f"{help_text}  \n{t('ctl.list_help')}"
    param_widget(p, wkey, param_label(p.name, section, p), help_text, **widget_kw)
    if not text:
        mem[key] = from_widget(p, st.session_state[wkey])
        return
    error = parse_text_box(wkey, lambda value: p.parse(value, f"{section}.{p.name}"),
                           lambda value: mem.__setitem__(key, value))
    if error is not None:
        st.error(escape_md(t_invalid(error)))  # it echoes what the learner typed
        errors.append(error)
