"""The funnel explorer's knobs: a funnel preset, the data knobs (sparsity, rates, selection bias,
relatedness), seeds, epochs and which models to compare; kept typed in the section's memory (each link value
parsed once, by its field) and in the address as `funnel.<knob>` keys, so a copied link reproduces the comparison."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import streamlit as st

from mtl_core.config import TRAIN_SPECS
from mtl_core.data import DATASETS
from mtl_core.experiments import funnel as fx
from mtl_core.params import ConfigError, Param
from mtl_core.presets import PRESETS

from ...i18n import current_lang, t
from ...ui.fields import Field, mem_query, read_keys, spec_field
from ...ui.state import forget_widgets, section_key, section_state
from ...ui.url import short
from ...ui.widgets import param_control
from . import SECTION

DATA = DATASETS["funnel"]
KNOBS = ("n_users", "n_items", "n_impressions", "base_ctr", "base_cvr", "selection_strength", "relatedness")
MORE = ("latent_dim", "bias_std", "latent_std")
SEEDS = Param("seeds", 3, "number of seeds (each model's seeds train as one batched model)", low=1, high=10)
EPOCHS = TRAIN_SPECS["epochs"]
DEFAULT_PRESET = "esmm_story"
URL_PREFIX = "funnel."


def funnel_presets() -> list[str]:
    return [p.id for p in PRESETS.values() if p.section == SECTION]


def _mkey(name: str) -> str:
    return f"w:{name}"


def mem() -> dict[str, Any]:
    return section_state(SECTION).setdefault("mem", {})


def preset_mem(preset_id: str) -> dict[str, Any]:
    """Every knob's typed value from a preset (its data and train keys, then the comparison's defaults)."""
    preset = PRESETS[preset_id]
    cfg = fx.model_config(dict(preset.config), fx.DEFAULT_MODELS[0])
    out: dict[str, Any] = {_mkey(name): cfg.data.params[name] for name in (*KNOBS, *MORE)}
    out[_mkey("epochs")] = cfg.train.epochs
    out[_mkey("seeds")] = len(preset.seeds)
    out[_mkey("models")] = tuple(fx.DEFAULT_MODELS)
    out["preset"] = preset_id
    return out


def _fields() -> dict[str, Field]:
    """Every `funnel.<name>` setting a link may carry, how it is checked and written back."""
    specs = {**{n: DATA.param(n) for n in (*KNOBS, *MORE)}, "seeds": SEEDS, "epochs": EPOCHS}
    return {**{n: spec_field(spec) for n, spec in specs.items()},
            "models": Field(lambda text, key: tuple(fx.check_models([x.strip() for x in text.split(",")])),
                            ",".join)}


def load_query(query: Mapping[str, str]) -> list[str]:
    """First run in a tab: the preset (default esmm_story) and then each `funnel.<knob>` key of the link,
    each checked by its spec; an invalid one keeps the preset's value and is named in a warning."""
    warnings: list[str] = []
    preset_id = str(query.get("preset", DEFAULT_PRESET))
    if preset_id not in funnel_presets():
        warnings.append(f"preset: {short(preset_id)} is not a funnel preset; expected one of "
                        f"{', '.join(funnel_presets())}")
        preset_id = DEFAULT_PRESET
    m = preset_mem(preset_id)
    warnings += read_keys(query, URL_PREFIX, _fields(), m, what="the funnel explorer", slot=_mkey)
    mem().clear()
    mem().update(m)
    forget_widgets(SECTION, "w:")
    return warnings


def own_query() -> dict[str, str]:
    """What the address holds for this section: every knob as `funnel.<knob>`."""
    return mem_query(URL_PREFIX, mem(), _fields())


@dataclass
class Knobs:
    flat: dict[str, Any]  # data.* and train.* keys for mtl_core.experiments.funnel
    models: list[str]
    seeds: list[int]
    errors: list[str] = field(default_factory=list)

    @property
    def data_items(self) -> tuple:
        return tuple(sorted((k, str(v)) for k, v in self.flat.items() if k.startswith("data.")))


def model_names() -> dict[str, str]:
    return {mid: t(f"fx.model.{mid}") for mid in fx.MODELS}


def _apply_preset() -> None:
    chosen = st.session_state[section_key(SECTION, "preset")]
    m = preset_mem(chosen)
    mem().clear()
    mem().update(m)
    forget_widgets(SECTION, "w:")
    section_state(SECTION)["preset_changed"] = True


def sidebar_knobs() -> Knobs:
    m = mem()
    if not m:
        m.update(preset_mem(DEFAULT_PRESET))
    errors: list[str] = []
    with st.sidebar:
        st.subheader(t("fx.knobs"), divider="gray")
        presets = funnel_presets()
        pkey = section_key(SECTION, "preset")
        if pkey not in st.session_state:
            st.session_state[pkey] = m.get("preset", DEFAULT_PRESET) if m.get("preset") in presets else presets[0]
        st.selectbox(t("fx.preset"), presets, key=pkey, on_change=_apply_preset,
                     format_func=lambda pid: PRESETS[pid].title.get(current_lang(), pid), help=t("fx.preset_help"))
        for name in KNOBS:
            param_control(DATA.param(name), SECTION, _mkey(name), m, errors, "data", "funnel")
        with st.expander(t("fx.more")):
            for name in MORE:
                param_control(DATA.param(name), SECTION, _mkey(name), m, errors, "data", "funnel")
        st.subheader(t("fx.run_knobs"), divider="gray")
        param_control(EPOCHS, SECTION, _mkey("epochs"), m, errors, "train")
        skey = section_key(SECTION, _mkey("seeds"))
        if skey not in st.session_state:
            st.session_state[skey] = m.get(_mkey("seeds"), SEEDS.default)
        st.slider(t("fx.seeds"), int(SEEDS.low), int(SEEDS.high), step=1, key=skey, help=t("fx.seeds_help"))
        m[_mkey("seeds")] = int(st.session_state[skey])
        mkey_ = section_key(SECTION, _mkey("models"))
        names = model_names()
        if mkey_ not in st.session_state:
            st.session_state[mkey_] = [x for x in m.get(_mkey("models"), ()) if x in fx.MODELS]
        chosen = st.multiselect(t("fx.models"), list(fx.MODELS), key=mkey_, format_func=names.get,
                                help=t("fx.models_help"))
        m[_mkey("models")] = tuple(chosen)
        if not chosen:
            errors.append(t("fx.no_models"))
    flat: dict[str, Any] = {f"data.{n}": m[_mkey(n)] for n in (*KNOBS, *MORE)}
    preset = PRESETS.get(m.get("preset", DEFAULT_PRESET), PRESETS[DEFAULT_PRESET])
    flat.update({k: v for k, v in preset.config.items() if k.startswith("train.")})
    flat["train.epochs"] = m[_mkey("epochs")]
    if not errors:
        try:
            fx.model_config(flat, chosen[0])
        except ConfigError as err:
            errors.append(str(err))
    return Knobs(flat, list(chosen), list(range(m[_mkey("seeds")])), errors)
