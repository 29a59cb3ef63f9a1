"""The Experiments page's controls: the sweep's settings in the sidebar (preset, architectures, ρ values,
seeds, weighting, data regime, training) and each study's own knobs inside its tab. The section's memory keeps
every setting typed under `config.slot(name)`; a widget writes its typed value there (a text box once per
change of its text, by its field), and the address mirrors the memory as `exp.<name>`. A control holding an
invalid value is named under it in a sentence saying what is allowed, and the studies using it cannot run."""
from __future__ import annotations

import re
from typing import Any

import streamlit as st

from mtl_core.config import TRAIN_SPECS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError
from mtl_core.presets import PRESETS
from mtl_core.weighting import WEIGHTINGS

from ...i18n import current_lang, entry_name, t, t_invalid
from ...ui.section import keyer
from ...ui.state import forget_widgets, section_state
from ...ui.text import escape_md
from ...ui.widgets import param_control, param_label, parse_text_box, seed_text_box
from . import SECTION
from .config import (CENSUS_PRESETS, DATA, DIFF_DEFAULT_VALUES, DIFF_KNOBS, LC_DRAWS, LC_MODES, PREFIX,
                     SB_UNITS, SWEEP_PRESETS, TOWER_UNITS, Study, default_mem, field_of, gated_archs, preset_mem,
                     slot, study_of, synthetic_archs, to_query)


_k = keyer(SECTION)


def mem() -> dict[str, Any]:
    """The section's typed memory (the quick preset's settings until a link or a control sets them)."""
    state = section_state(SECTION)
    if not state.get("mem"):
        state["mem"] = default_mem()
    return state["mem"]


def invalid() -> dict[str, str]:
    """Settings whose control holds a value that does not parse: name -> the sentence naming it."""
    return section_state(SECTION).setdefault("invalid", {})


def _per_memory(name: str, key: tuple, build):
    """`build()`, kept in the section's state until `key` (the memory, and what else it depends on) changes."""
    state = section_state(SECTION)
    if state.get(name, (None,))[0] != key:
        state[name] = (key, build())
    return state[name][1]


def current_study() -> Study:
    """The studies' settings and what cannot train, built once per change of the memory (not every rerun)."""
    key = (tuple(sorted(mem().items())), tuple(sorted(invalid().items())))
    return _per_memory("study", key, lambda: study_of(mem(), invalid()))


def address() -> dict[str, str]:
    """The memory as the address's `exp.<name>` keys, written once per change of the memory."""
    return _per_memory("address", tuple(sorted(mem().items())), lambda: to_query(mem()))


def forget_controls() -> None:
    """The controls re-seed from the memory on the next run (after a preset or a link replaced it)."""
    forget_widgets(SECTION, "w:")
    invalid().clear()


def arch_names() -> dict[str, str]:
    """Short display names of every architecture in the page language ("MMoE", "Shared-Bottom")."""
    lang = current_lang()
    out = {a: re.split(r" \(|（", entry_name(lang, "model", info))[0] for a, info in ARCHITECTURES.items()}
    out["single_task"] = t("exp.single_task")
    return out


def _note(name: str, error: str | None, container=None, shown: str | None = None) -> None:
    """Record whether a setting's control holds an invalid value, and name it under the control."""
    if error is None:
        invalid().pop(name, None)
        return
    invalid()[name] = error
    (container or st).error(shown or escape_md(t_invalid(error)), icon=":material/block:")


def _seed(name: str, value) -> str:
    key = _k(slot(name))
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def text_field(name: str, label: str, help_text: str, container=None) -> None:
    """A text box bound to the typed mem[name]: written as text once when drawn, parsed once per change."""
    m = mem()
    field = field_of(name, m)
    key = _k(slot(name))
    seed_text_box(key, field.format(m[slot(name)]))
    (container or st).text_input(label, key=key, help=help_text)
    error = parse_text_box(key, lambda text: field(text, PREFIX + name),
                           lambda value: m.__setitem__(slot(name), value))
    _note(name, error, container)


def ids_field(name: str, label: str, options, help_text: str, container=None) -> None:
    """A multiselect of registry ids bound to the typed mem[name] (a tuple); none picked keeps the last."""
    m = mem()
    key = _seed(name, [a for a in m[slot(name)] if a in options])
    names = arch_names()
    (container or st).multiselect(label, list(options), key=key, format_func=lambda a: names.get(a, a),
                                  help=help_text)
    error = None
    if st.session_state[key]:
        m[slot(name)] = tuple(st.session_state[key])
    else:
        try:
            field_of(name).parse("", PREFIX + name)
        except ConfigError as err:
            error = str(err)
    _note(name, error, container, t("exp.pick_one"))


def param_field(name: str, spec, kind: str, entry_id: str | None = None) -> None:
    """A generated widget (app.ui.widgets) for a Param, bound to the typed mem[name]."""
    errors: list[str] = []
    param_control(spec, SECTION, slot(name), mem(), errors, kind, entry_id)  # it names an error under itself
    if errors:
        invalid()[name] = errors[0]
    else:
        invalid().pop(name, None)


def number_field(name: str, spec, label: str, help_text: str) -> None:
    """An integer box within the spec's bounds (its widget checks them), bound to the typed mem[name]."""
    key = _seed(name, int(mem()[slot(name)]))
    st.number_input(label, min_value=int(spec.low), max_value=int(spec.high), step=1, key=key, help=help_text)
    mem()[slot(name)] = int(st.session_state[key])


def _apply_preset() -> None:
    chosen = st.session_state[_k("preset")]
    mem().update(preset_mem(chosen))
    forget_controls()


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
            st.session_state[pkey] = m[slot("preset")]
        st.selectbox(t("exp.side.preset"), list(SWEEP_PRESETS), key=pkey, on_change=_apply_preset,
                     format_func=lambda pid: PRESETS[pid].title.get(lang, pid), help=t("exp.side.preset_help"))
        m[slot("preset")] = st.session_state[pkey]
        ids_field("archs", t("exp.side.archs"), synthetic_archs(), t("exp.side.archs_help"))
        text_field("rhos", t("exp.side.rhos"), t("exp.side.rhos_help"))
        text_field("seeds", t("exp.side.seeds"), t("exp.side.seeds_help"))
        wkey = _seed("weighting", m[slot("weighting")])
        st.selectbox(t("exp.side.weighting"), list(WEIGHTINGS), key=wkey,
                     format_func=lambda w: entry_name(lang, "weighting", WEIGHTINGS[w]),
                     help=t("exp.side.weighting_help"))
        m[slot("weighting")] = st.session_state[wkey]
        with st.expander(t("exp.side.data")):
            st.caption(t("exp.side.data_help"))
            for name in ("ab_seed", "c", "m", "noise", "d", "n_train"):
                param_field(name, DATA.param(name), "data", "synthetic")
        with st.expander(t("exp.side.train")):
            for name in ("epochs", "lr", "batch_size"):
                param_field(name, TRAIN_SPECS[name], "train")
            number_field("sb_units", SB_UNITS, t("exp.side.sb_units"), t("exp.side.sb_units_help"))
            number_field("tower_units", TOWER_UNITS, t("exp.side.tower_units"), t("exp.side.tower_units_help"))
        st.caption(t("exp.side.names", names=", ".join(names.get(a, a) for a in m[slot("archs")])))


# ---- controls inside the tabs --------------------------------------------------------------------------------------
def gate_controls() -> None:
    c1, c2, c3 = st.columns([2, 2, 1])
    ids_field("gate_archs", t("exp.gates.archs"), gated_archs(), t("exp.gates.archs_help"), c1)
    text_field("gate_rhos", t("exp.gates.rhos"), t("exp.side.rhos_help"), c2)
    text_field("gate_seeds", t("exp.side.seeds"), t("exp.side.seeds_help"), c3)


def _apply_knob() -> None:
    """Another knob brings its own default values (the values box re-seeds from them)."""
    knob = st.session_state[_k(slot("diff_knob"))]
    mem().update({slot("diff_knob"): knob, slot("diff_values"): DIFF_DEFAULT_VALUES[knob]})
    forget_widgets(SECTION, slot("diff_values"))
    invalid().pop("diff_values", None)


def difficulty_controls() -> None:
    m = mem()
    c1, c2, c3 = st.columns([1, 2, 1])
    key = _seed("diff_knob", m[slot("diff_knob")])
    labels = {k: param_label(k, "data") for k in DIFF_KNOBS}
    c1.selectbox(t("exp.diff.knob"), list(DIFF_KNOBS), key=key, on_change=_apply_knob, format_func=labels.get,
                 help=t("exp.diff.knob_help"))
    m[slot("diff_knob")] = st.session_state[key]
    text_field("diff_values", t("exp.diff.values"), t("exp.diff.values_help"), c2)
    text_field("diff_seeds", t("exp.side.seeds"), t("exp.side.seeds_help"), c3)


def correlation_controls() -> None:
    m = mem()
    c1, c2 = st.columns([1, 1])
    key = _seed("lc_draws", m[slot("lc_draws")])
    c1.slider(t("exp.lc.draws"), int(LC_DRAWS.low), int(LC_DRAWS.high), step=1, key=key, help=t("exp.lc.draws_help"))
    m[slot("lc_draws")] = int(st.session_state[key])
    key = _seed("lc_mode", m[slot("lc_mode")])
    modes = {v: t(f"exp.lc.mode_{v}") for v in LC_MODES}  # translated now, not when AppTest asks
    c2.radio(t("exp.lc.mode"), list(modes), key=key, horizontal=True, format_func=modes.get,
             help=t("exp.lc.mode_help"))
    m[slot("lc_mode")] = st.session_state[key]


def rho_picker(rhos: list[float], where: str = "trn", name: str = "trn_rho", label_key: str = "exp.trn.rho") -> float:
    """A ρ among those a study has, bound to mem[name] (the nearest one when the memory holds another);
    `where` tells two pickers of the same setting apart (trainability tab, loaded file)."""
    m = mem()
    options = [float(r) for r in rhos]
    value = min(options, key=lambda o: abs(o - float(m[slot(name)])))
    key = _k(f"{slot(name)}:{where}")
    if st.session_state.get(key) not in options:
        st.session_state[key] = value
    st.segmented_control(t(label_key), options, key=key, format_func=lambda r: f"ρ = {r:g}", required=True)
    chosen = st.session_state[key] if st.session_state.get(key) is not None else value
    m[slot(name)] = float(chosen)
    return float(chosen)


def census_controls() -> str:
    m = mem()
    lang = current_lang()
    key = _seed("census", m[slot("census")])
    st.radio(t("exp.census.preset"), list(CENSUS_PRESETS), key=key, horizontal=True,
             format_func=lambda pid: PRESETS[pid].title.get(lang, pid))
    m[slot("census")] = st.session_state[key]
    return m[slot("census")]
