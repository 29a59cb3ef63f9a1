"""The Experiments page's controls: the sweep's settings in the sidebar (preset, architectures, ρ values,
seeds, weighting, data regime, training) and each study's own knobs inside its tab. Every widget writes
its text into the section's memory (`config.FIELDS` names), which the address mirrors as `exp.<name>`;
an invalid value is shown under its widget in a sentence naming what is allowed."""
from __future__ import annotations

import re

import streamlit as st

from mtl_core.config import TRAIN_SPECS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError
from mtl_core.presets import PRESETS
from mtl_core.weighting import WEIGHTINGS

from ...i18n import current_lang, entry_name, t
from ...ui.section import keyer
from ...ui.state import forget_widgets, section_state
from ...ui.text import escape_md
from ...ui.widgets import param_control, param_label
from . import SECTION
from .config import (DATA, DIFF_DEFAULT_VALUES, DIFF_KNOBS, FIELDS, SB_UNITS, SWEEP_PRESETS, TOWER_UNITS,
                     default_mem, field_of, gated_archs, preset_mem, synthetic_archs)


_k = keyer(SECTION)


def mem() -> dict[str, str]:
    state = section_state(SECTION)
    if not state.get("mem"):
        state["mem"] = default_mem()
    return state["mem"]


def arch_names() -> dict[str, str]:
    """Short display names of every architecture in the page language ("MMoE", "Shared-Bottom")."""
    lang = current_lang()
    out = {a: re.split(r" \(|（", entry_name(lang, "model", info))[0] for a, info in ARCHITECTURES.items()}
    out["single_task"] = t("exp.single_task")
    return out


def _check(name: str) -> str | None:
    try:
        field_of(name, mem()).parse(mem()[name])
    except ConfigError as err:
        return str(err)
    return None


def _seed(name: str, value) -> str:
    key = _k(f"w:{name}")
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def text_field(name: str, label: str, help_text: str, container=None) -> None:
    """A text input bound to mem[name]; an invalid value is named under it."""
    m = mem()
    key = _seed(name, m[name])
    (container or st).text_input(label, key=key, help=help_text)
    m[name] = str(st.session_state[key]).strip()
    err = _check(name)
    if err:
        (container or st).error(escape_md(err), icon=":material/block:")


def ids_field(name: str, label: str, options, help_text: str, container=None) -> None:
    m = mem()
    key = _seed(name, [a for a in m[name].split(",") if a in options])
    names = arch_names()
    (container or st).multiselect(label, list(options), key=key, format_func=lambda a: names.get(a, a), help=help_text)
    m[name] = ",".join(st.session_state[key])
    if not st.session_state[key]:
        (container or st).error(t("exp.pick_one"), icon=":material/block:")


def param_field(name: str, spec, kind: str, entry_id: str | None = None) -> None:
    """A generated widget (app.ui.widgets) for a Param bound to mem[name]. This page's memory is the address's
    text: the widget is seeded from it (parsed once, when the widget is made) and its value written back."""
    m = mem()
    key = f"w:{name}"
    proxy: dict = {}
    if _k(key) not in st.session_state:
        try:
            proxy[key] = spec.parse(m[name], f"exp.{name}")
        except ConfigError:
            proxy[key] = spec.default
    param_control(spec, SECTION, key, proxy, [], kind, entry_id)
    if key in proxy:
        m[name] = spec.format(proxy[key])


def _apply_preset() -> None:
    chosen = st.session_state[_k("preset")]
    mem().update(preset_mem(chosen))
    forget_widgets(SECTION, "w:")


def sidebar() -> None:
    """The sweep's settings: shared by the correlation sweep, trainability, and (data regime, training) by
    the gate, difficulty and label-correlation studies."""
    m = mem()
    names = arch_names()
    lang = current_lang()
    with st.sidebar:
        st.subheader(t("exp.side.title"), divider="gray")
        pkey = _k("preset")
        if pkey not in st.session_state:
            st.session_state[pkey] = m.get("preset") if m.get("preset") in SWEEP_PRESETS else SWEEP_PRESETS[0]
        st.selectbox(t("exp.side.preset"), list(SWEEP_PRESETS), key=pkey, on_change=_apply_preset,
                     format_func=lambda pid: PRESETS[pid].title.get(lang, pid), help=t("exp.side.preset_help"))
        m["preset"] = st.session_state[pkey]
        ids_field("archs", t("exp.side.archs"), synthetic_archs(), t("exp.side.archs_help"))
        text_field("rhos", t("exp.side.rhos"), t("exp.side.rhos_help"))
        text_field("seeds", t("exp.side.seeds"), t("exp.side.seeds_help"))
        wkey = _seed("weighting", m["weighting"] if m["weighting"] in WEIGHTINGS else "ew")
        st.selectbox(t("exp.side.weighting"), list(WEIGHTINGS), key=wkey,
                     format_func=lambda w: entry_name(lang, "weighting", WEIGHTINGS[w]),
                     help=t("exp.side.weighting_help"))
        m["weighting"] = st.session_state[wkey]
        with st.expander(t("exp.side.data")):
            st.caption(t("exp.side.data_help"))
            for name in ("ab_seed", "c", "m", "noise", "d", "n_train"):
                param_field(name, DATA.param(name), "data", "synthetic")
        with st.expander(t("exp.side.train")):
            for name in ("epochs", "lr", "batch_size"):
                param_field(name, TRAIN_SPECS[name], "train")
            key = _seed("sb_units", int(SB_UNITS.parse(m["sb_units"])) if _check("sb_units") is None else 78)
            st.number_input(t("exp.side.sb_units"), min_value=int(SB_UNITS.low), max_value=int(SB_UNITS.high), step=1,
                            key=key, help=t("exp.side.sb_units_help"))
            m["sb_units"] = str(int(st.session_state[key]))
            key = _seed("tower_units", int(TOWER_UNITS.parse(m["tower_units"])) if _check("tower_units") is None
                        else TOWER_UNITS.default)
            st.number_input(t("exp.side.tower_units"), min_value=int(TOWER_UNITS.low),
                            max_value=int(TOWER_UNITS.high), step=1, key=key, help=t("exp.side.tower_units_help"))
            m["tower_units"] = str(int(st.session_state[key]))
        st.caption(t("exp.side.names", names=", ".join(names.get(a, a) for a in m["archs"].split(",") if a)))


# ---- controls inside the tabs --------------------------------------------------------------------------------------
def gate_controls() -> None:
    c1, c2, c3 = st.columns([2, 2, 1])
    ids_field("gate_archs", t("exp.gates.archs"), gated_archs(), t("exp.gates.archs_help"), c1)
    text_field("gate_rhos", t("exp.gates.rhos"), t("exp.side.rhos_help"), c2)
    text_field("gate_seeds", t("exp.side.seeds"), t("exp.side.seeds_help"), c3)


def _apply_knob() -> None:
    knob = st.session_state[_k("w:diff_knob")]
    m = mem()
    m["diff_knob"] = knob
    m["diff_values"] = DIFF_DEFAULT_VALUES[knob]
    st.session_state.pop(_k("w:diff_values"), None)


def difficulty_controls() -> None:
    m = mem()
    c1, c2, c3 = st.columns([1, 2, 1])
    key = _seed("diff_knob", m["diff_knob"] if m["diff_knob"] in DIFF_KNOBS else "ab_seed")
    labels = {k: param_label(k, "data") for k in DIFF_KNOBS}
    c1.selectbox(t("exp.diff.knob"), list(DIFF_KNOBS), key=key, on_change=_apply_knob, format_func=labels.get,
                 help=t("exp.diff.knob_help"))
    m["diff_knob"] = st.session_state[key]
    text_field("diff_values", t("exp.diff.values"), t("exp.diff.values_help"), c2)
    text_field("diff_seeds", t("exp.side.seeds"), t("exp.side.seeds_help"), c3)


def correlation_controls() -> None:
    m = mem()
    c1, c2 = st.columns([1, 1])
    spec = FIELDS["lc_draws"]
    key = _seed("lc_draws", int(spec.parse(m["lc_draws"])) if _check("lc_draws") is None else 10)
    c1.slider(t("exp.lc.draws"), 2, 50, step=1, key=key, help=t("exp.lc.draws_help"))
    m["lc_draws"] = str(int(st.session_state[key]))
    key = _seed("lc_mode", m["lc_mode"] if m["lc_mode"] in ("random", "fixed") else "random")
    modes = {v: t(f"exp.lc.mode_{v}") for v in ("random", "fixed")}  # translated now, not when AppTest asks
    c2.radio(t("exp.lc.mode"), list(modes), key=key, horizontal=True, format_func=modes.get,
             help=t("exp.lc.mode_help"))
    m["lc_mode"] = st.session_state[key]


def rho_picker(rhos: list[float], where: str = "trn", name: str = "trn_rho", label_key: str = "exp.trn.rho") -> float:
    """A ρ among those a study has, bound to mem[name] (the nearest one when the memory holds another);
    `where` tells two pickers of the same setting apart (trainability tab, loaded file)."""
    m = mem()
    options = [float(r) for r in rhos]
    try:
        current = float(m[name])
    except ValueError:
        current = options[0]
    value = min(options, key=lambda o: abs(o - current))
    key = _k(f"w:{name}:{where}")
    if st.session_state.get(key) not in options:
        st.session_state[key] = value
    st.segmented_control(t(label_key), options, key=key, format_func=lambda r: f"ρ = {r:g}", required=True)
    chosen = st.session_state[key] if st.session_state.get(key) is not None else value
    m[name] = f"{chosen:g}"
    return float(chosen)


def census_controls() -> str:
    m = mem()
    lang = current_lang()
    key = _seed("census", m["census"])
    st.radio(t("exp.census.preset"), ["census_quick", "census_full"], key=key, horizontal=True,
             format_func=lambda pid: PRESETS[pid].title.get(lang, pid))
    m["census"] = st.session_state[key]
    return m["census"]
