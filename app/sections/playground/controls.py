"""The Playground's sidebar: data, model, loss weighting and training controls, generated from the
registries' Param specs (no model, weighting or dataset is named here). Inactive parameters
(`Param.when`, e.g. ESMM's expert counts without a gated backbone) are hidden and left out of the URL.

The memory holds typed values (`app.ui.widgets`); the configuration for Train is the link's checked config
while no setting changed, and otherwise rebuilt from it, parsing only the values a control changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from mtl_core.config import TRAIN_PARAMS, ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError, Param
from mtl_core.weighting import WEIGHTINGS

from ...i18n import current_lang, entry_description, entry_name, t, t_invalid, t_opt, translate, translate_opt
from ...ui.cache import cached_devices, cached_label_correlation, cached_model_info, model_info_for
from ...ui.modelinfo import ModelInfo
from ...ui.state import section_key, section_state
from ...ui.text import escape_md
from ...ui.widgets import flat_text, flat_to_mem, mem_to_flat, mkey, param_control, param_label, typed_values
from . import SECTION

REGISTRIES = {"data": DATASETS, "model": ARCHITECTURES, "weighting": WEIGHTINGS}
TRAIN_MAIN = ("optimizer", "lr", "batch_size", "epochs", "device", "baseline")


@dataclass
class Controls:
    flat: dict[str, Any]  # the whole configuration, typed (`ExperimentConfig.typed_flat` keys)
    text: dict[str, str]  # the same as the address shows it
    cfg: ExperimentConfig | None  # None when invalid
    errors: list[str] = field(default_factory=list)
    info: ModelInfo | None = None


def get_mem() -> dict[str, Any]:
    """The Playground's configuration, typed, keyed by `mkey` (survives page switches and hidden controls)."""
    return section_state(SECTION).setdefault("mem", {})


def set_config(cfg: ExperimentConfig, mem: dict[str, Any] | None = None) -> None:
    """Make a checked config the controls' configuration (from a link, a past run): the memory takes its typed
    values, and it is the base whose values need no parsing again."""
    get_mem().clear()
    get_mem().update(flat_to_mem(cfg.typed_flat()) if mem is None else mem)
    section_state(SECTION)["cfg"] = cfg


def _config(flat: dict[str, Any]) -> ExperimentConfig:
    """The checked config of the controls' typed values: the last one while they are unchanged, else rebuilt
    from it, parsing only the changed values (ConfigError for a combination that cannot train)."""
    state = section_state(SECTION)
    base = state.get("cfg")
    if base is not None and base.typed_flat() == flat:
        return base
    state["cfg"] = cfg = from_flat(flat, base=base)
    return cfg


def _wkey(key: str) -> str:
    return section_key(SECTION, key)


def _param(p: Param, key: str, mem: dict, errors: list[str], section: str, entry_id: str | None = None, **kw) -> None:
    param_control(p, SECTION, key, mem, errors, section, entry_id, **kw)


def _params(section: str, entry_id: str, specs, mem: dict, errors: list[str]) -> None:
    """The entry's active parameters, in registry order (a choice drawn earlier decides what follows)."""
    for p in specs:
        if p.active(typed_values(specs, mem, section, entry_id)):
            _param(p, mkey(section, entry_id, p.name), mem, errors, section, entry_id)


def _choose(section: str, label: str, mem: dict, unsupported: dict[str, str] | None = None) -> str:
    registry = REGISTRIES[section]
    key, wkey = mkey(section), _wkey(mkey(section))
    if wkey not in st.session_state:
        st.session_state[wkey] = mem.get(key) if mem.get(key) in registry else next(iter(registry))
    lang, na = current_lang(), t("model.na")

    def fmt(i: str) -> str:
        return entry_name(lang, section, registry[i]) + (f" — {na}" if unsupported and i in unsupported else "")
    st.selectbox(label, list(registry), format_func=fmt, key=wkey)
    mem[key] = st.session_state[wkey]
    st.caption(entry_description(lang, section, registry[mem[key]]))
    return mem[key]


def _data_section(mem: dict, errors: list[str]) -> None:
    data_id = _choose("data", t("ctl.dataset"), mem)
    info = DATASETS[data_id]
    specs = info.params
    primary = [p for p in specs if p.name in info.primary] or list(specs)
    for p in primary:
        if p.active(typed_values(specs, mem, "data", data_id)):
            _param(p, mkey("data", data_id, p.name), mem, errors, "data", data_id)
            if p.name == info.relatedness_param:
                _correlation(data_id, mem)
    seed = next(p for p in TRAIN_PARAMS if p.name == "seed")
    _param(seed, mkey("train", name="seed"), mem, errors, "train")
    rest = [p for p in specs if p not in primary]
    if rest:
        with st.expander(t("sec.more")):
            _params("data", data_id, rest, mem, errors)


def _data_params(data_id: str, mem: dict) -> dict:
    return typed_values(DATASETS[data_id].params, mem, "data", data_id)


def _correlation(data_id: str, mem: dict) -> None:
    params = _data_params(data_id, mem)
    seed = mem.get(mkey("train", name="seed"), 0)
    try:
        r, n = cached_label_correlation(data_id, tuple(sorted(params.items())), seed)
    except Exception:  # noqa: BLE001 - a dataset that cannot build here is reported when training
        return
    if r is not None:
        cap = params.get(DATASETS[data_id].size_param)
        note = f" ({t('data.pearson_sampled', n=n)})" if isinstance(cap, int) and n < cap else ""
        st.markdown(t("data.pearson", r=r) + note, help=t("data.pearson_help"))


def _model_section(mem: dict, errors: list[str]) -> ModelInfo | None:
    data_id = mem[mkey("data")]
    params = _data_params(data_id, mem)
    spec = DATASETS[data_id].spec(params)
    unsupported = {a: r for a, info in ARCHITECTURES.items() if spec and (r := info.supports(spec))}
    model_id = _choose("model", t("ctl.model"), mem, unsupported)
    specs = ARCHITECTURES[model_id].params
    _params("model", model_id, specs, mem, errors)
    if model_id in unsupported:
        msg = t("model.unsupported", model=entry_name(current_lang(), "model", ARCHITECTURES[model_id]),
                reason=unsupported[model_id])
        st.error(msg)
        errors.append(msg)
        return None
    if errors:
        return None
    mp = typed_values(specs, mem, "model", model_id)
    info = cached_model_info(data_id, tuple(sorted(params.items())), model_id, tuple(sorted(mp.items())))
    if info.error:
        st.error(escape_md(t_invalid(info.error)))
        errors.append(info.error)
    else:
        st.markdown(t("model.params", n=info.n_params), help=t("model.params_paper", n=info.n_params_paper))
    return info


def _weighting_section(mem: dict, errors: list[str]) -> None:
    wid = _choose("weighting", t("ctl.weighting"), mem)
    info = WEIGHTINGS[wid]
    _params("weighting", wid, info.params, mem, errors)
    if not info.params:
        st.caption(t("ctl.no_params"))
    if info.gradient_based:
        st.caption(t("weighting.gradient"))


def _device_options(mem: dict) -> list[str]:
    devices = cached_devices()
    options = ["auto"] + devices
    key = mkey("train", name="device")
    if mem.get(key, "auto") not in options:
        st.warning(t("device.missing", dev=escape_md(mem.get(key))))
        mem[key] = "auto"
        st.session_state.pop(_wkey(key), None)
    return options


def _device_namer(lang: str):
    """Option labels for the device select, bound to the page language."""
    auto = cached_devices()[-1] if cached_devices() else "cpu"

    def name(dev: str) -> str:
        if dev == "auto":
            return translate(lang, "device.auto", dev=translate_opt(lang, f"device.{auto}", auto))
        return translate_opt(lang, f"device.{dev}", dev)
    return name


def _train_section(mem: dict, errors: list[str]) -> None:
    specs = {p.name: p for p in TRAIN_PARAMS}
    for name in TRAIN_MAIN:
        p = specs[name]
        if name == "device":
            options = _device_options(mem)
            _param(p, mkey("train", name=name), mem, errors, "train", options=options,
                   format_func=_device_namer(current_lang()))
            st.caption(t("device.available", devs=", ".join(t_opt(f"device.{d}", d) for d in cached_devices())))
        else:
            _param(p, mkey("train", name=name), mem, errors, "train")
    rest = [p for p in TRAIN_PARAMS if p.name not in TRAIN_MAIN and p.name != "seed"]
    with st.expander(t("sec.more")):
        for p in rest:
            _param(p, mkey("train", name=p.name), mem, errors, "train")


def _locked_summary(hidden: list[str], flat: dict[str, str]) -> None:
    lang, items = current_lang(), []
    for section in hidden:
        if section in REGISTRIES:
            items.append(f"{t('classroom.section.' + section)}: "
                         f"{entry_name(lang, section, REGISTRIES[section][flat[section]])}")
        elif section == "train":
            items.append(f"{t('classroom.section.train')}: {param_label('epochs')} {flat['train.epochs']}, "
                         f"{param_label('lr')} {flat['train.lr']}")
    if items:
        st.caption("🔒 " + t("classroom.locked", items="; ".join(items)))


def sidebar_controls(hidden: list[str]) -> Controls:
    """Draw the visible sections in the sidebar; return the resulting flat config and validated cfg."""
    mem, errors = get_mem(), []
    info = None
    sections = (("data", "sec.data", _data_section), ("model", "sec.model", _model_section),
                ("weighting", "sec.weighting", _weighting_section), ("train", "sec.train", _train_section))
    locked = st.sidebar.container()  # a classroom link's fixed settings, named above the controls
    with st.sidebar:
        for section, title, draw in sections:
            if section in hidden:
                continue
            st.subheader(t(title), divider="gray")
            result = draw(mem, errors)
            if section == "model":
                info = result
    flat = mem_to_flat(mem, REGISTRIES, TRAIN_PARAMS)
    text = flat_text(flat, REGISTRIES, TRAIN_PARAMS)
    with locked:
        _locked_summary([h for h in hidden if h in ("data", "model", "weighting", "train")], text)
    cfg = None
    try:
        cfg = _config(flat)
    except ConfigError as err:
        if str(err) not in errors:
            errors.append(str(err))
    if cfg is not None and (info is None or "model" in hidden):
        info = model_info_for(cfg)
    return Controls(flat, text, cfg if not errors else None, errors, info)
