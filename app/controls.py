"""The Playground's sidebar: data, model, loss weighting and training controls, generated from the
registries' Param specs (no model, weighting or dataset is named here)."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from mtl_core.config import TRAIN_PARAMS, ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError, Param
from mtl_core.weighting import WEIGHTINGS

from .i18n import current_lang, t, t_opt, translate, translate_opt
from .modelinfo import ModelInfo
from .state import cached_devices, cached_label_correlation, cached_model_info, get_mem, model_info_for
from .widgets import from_widget, humanise, mem_to_flat, param_widget, to_widget, widget_kind, wkey

REGISTRIES = {"data": DATASETS, "model": ARCHITECTURES, "weighting": WEIGHTINGS}
# Presentation hints only: data parameters shown up front (the rest go under "More settings").
# A dataset with none of these shows all its parameters.
PRIMARY_DATA = {"rho", "relatedness", "n_train", "n_impressions", "noise", "m", "n_users", "n_items"}
TRAIN_MAIN = ("optimizer", "lr", "batch_size", "epochs", "device", "baseline")
CORRELATION_PARAMS = ("rho", "relatedness")


@dataclass
class Controls:
    flat: dict[str, str]  # the whole configuration as URL text
    cfg: ExperimentConfig | None  # None when invalid
    errors: list[str] = field(default_factory=list)
    info: ModelInfo | None = None


def _label(name: str, section: str = "") -> str:
    """Translated label: section-specific ("p.weighting.c") before generic ("p.c"), else the name."""
    return t_opt(f"p.{section}.{name}", t_opt(f"p.{name}", humanise(name)))


def _seed(key: str, p: Param, mem: dict[str, str]) -> None:
    if key not in st.session_state:
        st.session_state[key] = to_widget(p, mem.get(key, p.format(p.default)))


def _param(p: Param, key: str, mem: dict, errors: list[str], field_name: str, **kw) -> None:
    _seed(key, p, mem)
    section = field_name.partition(".")[0]
    help_text = t_opt(f"help.{field_name}", p.help)
    if widget_kind(p) == "text":
        help_text = f"{help_text}  \n{t('ctl.list_help')}"
    param_widget(p, key, _label(p.name, section), help_text, **kw)
    try:
        mem[key] = from_widget(p, st.session_state[key])
        p.parse(mem[key], field_name)
    except ConfigError as err:
        st.error(str(err))
        errors.append(str(err))


def _choose(section: str, label: str, mem: dict, unsupported: dict[str, str] | None = None) -> str:
    registry = REGISTRIES[section]
    key = wkey(section)
    if key not in st.session_state:
        st.session_state[key] = mem.get(key) if mem.get(key) in registry else next(iter(registry))
    na = t("model.na")

    def fmt(i: str) -> str:
        return registry[i].name + (f" — {na}" if unsupported and i in unsupported else "")
    st.selectbox(label, list(registry), format_func=fmt, key=key)
    mem[key] = st.session_state[key]
    info = registry[mem[key]]
    st.caption(t_opt(f"desc.{'arch' if section == 'model' else section}.{mem[key]}", info.description))
    return mem[key]


def _data_section(mem: dict, errors: list[str]) -> None:
    data_id = _choose("data", t("ctl.dataset"), mem)
    specs = DATASETS[data_id].params
    primary = [p for p in specs if p.name in PRIMARY_DATA] or list(specs)
    for p in primary:
        _param(p, wkey("data", data_id, p.name), mem, errors, f"data.{p.name}")
        if p.name in CORRELATION_PARAMS:
            _correlation(data_id, mem)
    seed = next(p for p in TRAIN_PARAMS if p.name == "seed")
    _param(seed, wkey("train", name="seed"), mem, errors, "train.seed")
    rest = [p for p in specs if p not in primary]
    if rest:
        with st.expander(t("sec.more")):
            for p in rest:
                _param(p, wkey("data", data_id, p.name), mem, errors, f"data.{p.name}")


def _data_params(data_id: str, mem: dict) -> dict | None:
    try:
        return {p.name: p.parse(mem.get(wkey("data", data_id, p.name), p.format(p.default)))
                for p in DATASETS[data_id].params}
    except ConfigError:
        return None


def _correlation(data_id: str, mem: dict) -> None:
    params = _data_params(data_id, mem)
    try:
        seed = int(mem.get(wkey("train", name="seed"), "0"))
    except ValueError:
        seed = 0
    if params is None:
        return
    try:
        r, n = cached_label_correlation(data_id, tuple(sorted(params.items())), seed)
    except Exception:  # noqa: BLE001 - a dataset that cannot build here is reported when training
        return
    if r is not None:
        cap = params.get("n_train", params.get("n_impressions"))
        note = f" ({t('data.pearson_sampled', n=n)})" if cap is not None and n < cap else ""
        st.markdown(t("data.pearson", r=r) + note, help=t("data.pearson_help"))


def _model_section(mem: dict, errors: list[str]) -> ModelInfo | None:
    data_id = mem[wkey("data")]
    params = _data_params(data_id, mem)
    spec = DATASETS[data_id].spec(params) if params else None
    unsupported = {a: r for a, info in ARCHITECTURES.items() if spec and (r := info.supports(spec))}
    model_id = _choose("model", t("ctl.model"), mem, unsupported)
    for p in ARCHITECTURES[model_id].params:
        _param(p, wkey("model", model_id, p.name), mem, errors, f"model.{p.name}")
    if model_id in unsupported:
        msg = t("model.unsupported", model=ARCHITECTURES[model_id].name, reason=unsupported[model_id])
        st.error(msg)
        errors.append(msg)
        return None
    if params is None or errors:
        return None
    try:
        mp = {p.name: p.parse(mem[wkey("model", model_id, p.name)]) for p in ARCHITECTURES[model_id].params}
    except ConfigError:
        return None
    info = cached_model_info(data_id, tuple(sorted(params.items())), model_id, tuple(sorted(mp.items())))
    if info.error:
        st.error(info.error)
        errors.append(info.error)
    else:
        st.markdown(t("model.params", n=info.n_params), help=t("model.params_paper", n=info.n_params_paper))
    return info


def _weighting_section(mem: dict, errors: list[str]) -> None:
    wid = _choose("weighting", t("ctl.weighting"), mem)
    info = WEIGHTINGS[wid]
    for p in info.params:
        _param(p, wkey("weighting", wid, p.name), mem, errors, f"weighting.{p.name}")
    if not info.params:
        st.caption(t("ctl.no_params"))
    if info.gradient_based:
        st.caption(t("weighting.gradient"))


def _device_options(mem: dict) -> list[str]:
    devices = cached_devices()
    options = ["auto"] + devices
    key = wkey("train", name="device")
    if mem.get(key, "auto") not in options:
        st.warning(t("device.missing", dev=mem.get(key)))
        mem[key] = "auto"
        st.session_state.pop(key, None)
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
            _param(p, wkey("train", name=name), mem, errors, "train.device", options=options,
                   format_func=_device_namer(current_lang()))
            st.caption(t("device.available", devs=", ".join(t_opt(f"device.{d}", d) for d in cached_devices())))
        else:
            _param(p, wkey("train", name=name), mem, errors, f"train.{name}")
    rest = [p for p in TRAIN_PARAMS if p.name not in TRAIN_MAIN and p.name != "seed"]
    with st.expander(t("sec.more")):
        for p in rest:
            _param(p, wkey("train", name=p.name), mem, errors, f"train.{p.name}")


def _locked_summary(hidden: list[str], flat: dict[str, str]) -> None:
    items = []
    for section in hidden:
        if section in REGISTRIES:
            items.append(f"{t('classroom.section.' + section)}: {REGISTRIES[section][flat[section]].name}")
        elif section == "train":
            items.append(f"{t('classroom.section.train')}: {_label('epochs')} {flat['train.epochs']}, "
                         f"{_label('lr')} {flat['train.lr']}")
    if items:
        st.caption("🔒 " + t("classroom.locked", items="; ".join(items)))


def sidebar_controls(hidden: list[str]) -> Controls:
    """Draw the visible sections in the sidebar; return the resulting flat config and validated cfg."""
    mem, errors = get_mem(), []
    info = None
    sections = (("data", "sec.data", _data_section), ("model", "sec.model", _model_section),
                ("weighting", "sec.weighting", _weighting_section), ("train", "sec.train", _train_section))
    with st.sidebar:
        for section, title, draw in sections:
            if section in hidden:
                continue
            st.subheader(t(title), divider="gray")
            result = draw(mem, errors)
            if section == "model":
                info = result
    flat = mem_to_flat(mem, REGISTRIES, TRAIN_PARAMS)
    with st.sidebar:
        _locked_summary([h for h in hidden if h in ("data", "model", "weighting", "train")], flat)
    cfg = None
    try:
        cfg = from_flat(flat)
    except ConfigError as err:
        if str(err) not in errors:
            errors.append(str(err))
    if cfg is not None and (info is None or "model" in hidden):
        info = model_info_for(cfg)
    return Controls(flat, cfg if not errors else None, errors, info)
