"""Widgets generated from `Param` specs, and the mapping between widget keys and flat config keys.

Flat keys are those of `ExperimentConfig.to_flat()`: "data", "data.rho", "model", "model.n_experts",
"train.lr"... Widget keys carry the chosen id so two models' same-named parameters never collide:
"w:data", "w:data:synthetic:rho", "w:model:mmoe:n_experts", "w:train:lr".
"""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import streamlit as st

from mtl_core.params import ConfigError, Param

SECTIONS = ("data", "model", "weighting")


def wkey(section: str, part_id: str | None = None, name: str | None = None) -> str:
    if section == "train":
        return f"w:train:{name}"
    return f"w:{section}" if name is None else f"w:{section}:{part_id}:{name}"


def flat_to_mem(flat: Mapping[str, str]) -> dict[str, str]:
    """Flat config -> widget-keyed text values."""
    mem: dict[str, str] = {}
    for key, value in flat.items():
        head, _, name = key.partition(".")
        if head == "train":
            mem[wkey("train", name=name)] = str(value)
        elif not name:
            mem[wkey(head)] = str(value)
        else:
            mem[wkey(head, str(flat.get(head, "")), name)] = str(value)
    return mem


def mem_to_flat(mem: Mapping[str, str], registries: Mapping[str, Mapping], train_params) -> dict[str, str]:
    """Widget-keyed text values -> flat config of the chosen data/model/weighting (registry order)."""
    flat: dict[str, str] = {}
    for section in SECTIONS:
        part = mem[wkey(section)]
        flat[section] = part
        for spec in registries[section][part].params:
            flat[f"{section}.{spec.name}"] = mem.get(wkey(section, part, spec.name), spec.format(spec.default))
    for spec in train_params:
        flat[f"train.{spec.name}"] = mem.get(wkey("train", name=spec.name), spec.format(spec.default))
    return flat


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


def to_widget(p: Param, text: str) -> Any:
    """Text (Param.format) -> the value a widget holds; invalid text falls back to the default."""
    if widget_kind(p) == "text":
        return text
    try:
        value = p.parse(text)
    except ConfigError:
        value = p.default
    if p.kind == "choice":
        return str(value)
    return value


def from_widget(p: Param, value: Any) -> str:
    if widget_kind(p) == "text":
        return str(value).strip()
    return p.format(p.parse(value))


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
        opts = options or [str(c) for c in p.choices]
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


def humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()
