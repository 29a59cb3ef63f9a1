"""The balancing lab's knobs: a scenario (a balance preset), its data knob(s), the strategies (every
registered weighting may be chosen, so strategies added later appear by themselves), the architectures
(seesaw), seeds, epochs and what else to train (static-weight grid, single-task baselines, conflict
recording). Kept typed in the section's memory (each link value parsed once, by its field) and in the address
as `bal.<knob>` keys."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import streamlit as st

from mtl_core.config import TRAIN_SPECS, ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.experiments import balance as bx
from mtl_core.models import ARCHITECTURES
from mtl_core.params import ConfigError, Param
from mtl_core.presets import PRESETS
from mtl_core.weighting import WEIGHTINGS

from ...i18n import current_lang, entry_name, t
from ...ui.fields import Field, mem_query, read_keys, spec_field
from ...ui.state import forget_widgets, section_key, section_state
from ...ui.url import short
from ...ui.widgets import param_control
from . import SECTION

DATA = DATASETS["synthetic"]
URL_PREFIX = "bal."
DEFAULT_SCENARIO = "balance_loss_scale"
# the data knobs each scenario puts up front (the rest of its configuration is the preset's)
KNOBS = {"loss_scale": ("label_scale_b", "rho"), "conflict": ("rho", "label_scale_b"),
         "speed": ("m_b", "noise_b"), "seesaw": ("rho", "n_train")}
ALL_KNOBS = ("label_scale_b", "rho", "m_b", "noise_b", "n_train")
SEEDS = Param("seeds", 3, "number of seeds (each strategy's seeds train as one batched model)", low=1, high=8)
EPOCHS = TRAIN_SPECS["epochs"]
FLAGS = ("static", "baselines", "conflict")
NOT_A_STRATEGY = ("static",)  # static weights are the trade-off grid, not a strategy to pick


def scenarios() -> list[str]:
    return [p.id for p in PRESETS.values() if p.section == SECTION]


def strategy_options() -> list[str]:
    return [w for w in WEIGHTINGS if w not in NOT_A_STRATEGY]


def arch_options() -> list[str]:
    spec = DATA.spec(dict(PRESETS[DEFAULT_SCENARIO].experiment().data.params))
    return [a for a, info in ARCHITECTURES.items() if a != "single_task" and not info.supports(spec)]


def strategy_names() -> dict[str, str]:
    lang = current_lang()
    return {**{w: entry_name(lang, "weighting", info) for w, info in WEIGHTINGS.items()},
            **{a: entry_name(lang, "model", info) for a, info in ARCHITECTURES.items()}}


def _short(name: str) -> str:
    """"Uncertainty weighting (UW)" -> "UW", "PCGrad (gradient surgery)" -> "PCGrad", "等权重（EW）" -> "EW"."""
    m = re.search(r"[（(]([A-Za-z][A-Za-z0-9-]{1,5})[)）]\s*$", name)
    return m.group(1) if m else re.split(r" \(|（", name)[0]


def short_names() -> dict[str, str]:
    """Compact labels for charts and tables: an acronym where the registry name ends with one."""
    return {k: _short(v) for k, v in strategy_names().items()}


def scenario_of(pid: str) -> bx.Scenario:
    return bx.SCENARIOS.get(pid, bx.Scenario(pid, "custom"))


def mem() -> dict[str, Any]:
    return section_state(SECTION).setdefault("mem", {})


def preset_mem(pid: str) -> dict[str, Any]:
    """Every knob's typed value from a scenario's preset."""
    preset = PRESETS[pid]
    cfg = preset.experiment()
    sc = scenario_of(pid)
    out: dict[str, Any] = {f"w:{n}": cfg.data.params[n] for n in ALL_KNOBS}
    out["w:epochs"] = cfg.train.epochs
    out["w:seeds"] = len(preset.seeds)
    out["w:weightings"] = tuple(preset.axes.get("weighting", (cfg.weighting.id,)))
    out["w:archs"] = tuple(preset.axes.get("model", (cfg.model.id,)))
    out["w:static"] = bool(sc.static)
    out["w:baselines"] = bool(sc.baselines)
    out["w:conflict"] = bool(sc.record_conflict)
    out["scenario"] = pid
    return out


def _check_list(value: str, options: list[str], key: str) -> tuple[str, ...]:
    items = [x.strip() for x in str(value).split(",") if x.strip()]
    bad = [x for x in items if x not in options]
    if bad or not items:
        raise ConfigError(key, value, "comma-separated ids from: " + ", ".join(options))
    return tuple(dict.fromkeys(items))


def _fields() -> dict[str, Field]:
    """Every `bal.<name>` setting a link may carry (the scenario aside), how it is checked and written back."""
    specs = {**{n: DATA.param(n) for n in ALL_KNOBS}, "seeds": SEEDS, "epochs": EPOCHS,
             **{n: Param(n, False) for n in FLAGS}}
    return {**{n: spec_field(spec) for n, spec in specs.items()},
            "weightings": Field(lambda text, key: _check_list(text, strategy_options(), key), ",".join),
            "archs": Field(lambda text, key: _check_list(text, arch_options(), key), ",".join)}


def load_query(query: Mapping[str, str]) -> list[str]:
    """First run in a tab: the scenario (`?preset=` or `bal.scenario`, default the loss-scale one), then every
    `bal.<knob>` key of the link, each checked; an invalid one keeps the scenario's value and is named."""
    warnings: list[str] = []
    key = "preset" if query.get("preset") else URL_PREFIX + "scenario"  # the link's key that chose it
    pid = str(query.get(key) or DEFAULT_SCENARIO)
    if pid not in scenarios():
        warnings.append(f"{key}: {short(pid)} is not a balancing-lab scenario; expected one of "
                        f"{', '.join(scenarios())}")
        pid = DEFAULT_SCENARIO
    m = preset_mem(pid)
    warnings += read_keys(query, URL_PREFIX, _fields(), m, what="the balancing lab",
                          ignore=("preset", URL_PREFIX + "scenario"))
    mem().clear()
    mem().update(m)
    forget_widgets(SECTION, "w:")
    return warnings


def own_query() -> dict[str, str]:
    """What the address holds: the scenario and every knob as `bal.<knob>`."""
    return mem_query(URL_PREFIX, mem(), _fields(), scenario=mem().get("scenario", DEFAULT_SCENARIO))


@dataclass
class Knobs:
    scenario: str
    problem: str
    cfg: ExperimentConfig | None
    axes: dict[str, tuple]
    seeds: list[int]
    static: tuple = ()
    baselines: bool = True
    conflict: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def weightings(self) -> list[str]:
        return list(self.axes.get("weighting", ()))

    @property
    def archs(self) -> list[str]:
        return list(self.axes.get("model", (self.cfg.model.id,) if self.cfg else ()))

    def signature(self) -> tuple:
        return (self.scenario, tuple(sorted((self.cfg.typed_flat() if self.cfg else {}).items())),
                tuple((k, v) for k, v in self.axes.items()), tuple(self.seeds), self.static, self.baselines,
                self.conflict)


def _apply_scenario() -> None:
    chosen = st.session_state[section_key(SECTION, "scenario")]
    mem().clear()
    mem().update(preset_mem(chosen))
    forget_widgets(SECTION, "w:")


def _multi(label: str, name: str, options: list[str], names: dict[str, str], help_text: str) -> list[str]:
    m = mem()
    key = section_key(SECTION, f"w:{name}")
    if key not in st.session_state:
        st.session_state[key] = [x for x in m.get(f"w:{name}", ()) if x in options]
    chosen = st.multiselect(label, options, key=key, format_func=lambda x: names.get(x, x), help=help_text)
    m[f"w:{name}"] = tuple(chosen)
    return chosen


def _toggle(name: str) -> bool:
    m = mem()
    key = section_key(SECTION, f"w:{name}")
    if key not in st.session_state:
        st.session_state[key] = bool(m.get(f"w:{name}", False))
    value = st.toggle(t(f"bal.{name}"), key=key, help=t(f"bal.{name}_help"))
    m[f"w:{name}"] = bool(value)
    return bool(value)


def sidebar_knobs() -> Knobs:
    m = mem()
    if not m:
        m.update(preset_mem(DEFAULT_SCENARIO))
    errors: list[str] = []
    names = strategy_names()
    with st.sidebar:
        st.subheader(t("bal.knobs"), divider="gray")
        options = scenarios()
        skey = section_key(SECTION, "scenario")
        if skey not in st.session_state or st.session_state[skey] not in options:
            st.session_state[skey] = m.get("scenario") if m.get("scenario") in options else options[0]
        st.selectbox(t("bal.scenario"), options, key=skey, on_change=_apply_scenario,
                     format_func=lambda pid: PRESETS[pid].title.get(current_lang(), pid), help=t("bal.scenario_help"))
        pid = st.session_state[skey]
        m["scenario"] = pid
        sc = scenario_of(pid)
        for name in KNOBS.get(sc.problem, ()):
            param_control(DATA.param(name), SECTION, f"w:{name}", m, errors, "data", "synthetic")
        st.subheader(t("bal.run_knobs"), divider="gray")
        chosen = _multi(t("bal.strategies"), "weightings", strategy_options(), names, t("bal.strategies_help"))
        if not chosen:
            errors.append(t("bal.no_strategies"))
        archs = None
        if sc.problem == "seesaw":
            archs = _multi(t("bal.archs"), "archs", arch_options(), names, t("bal.archs_help"))
            if not archs:
                errors.append(t("bal.no_archs"))
        wkey = section_key(SECTION, "w:seeds")
        if wkey not in st.session_state:
            st.session_state[wkey] = m.get("w:seeds", SEEDS.default)
        st.slider(t("bal.seeds"), int(SEEDS.low), int(SEEDS.high), step=1, key=wkey, help=t("bal.seeds_help"))
        m["w:seeds"] = int(st.session_state[wkey])
        param_control(EPOCHS, SECTION, "w:epochs", m, errors, "train")
        static = _toggle("static") if sc.static else False
        baselines = _toggle("baselines")
        conflict = _toggle("conflict")
    preset = PRESETS[pid]
    flat: dict[str, Any] = dict(preset.config)
    for name in KNOBS.get(sc.problem, ()):
        flat[f"data.{name}"] = m[f"w:{name}"]
    flat["train.epochs"] = m["w:epochs"]
    axes: dict[str, tuple] = {}
    if archs:
        axes["model"] = tuple(archs)
    axes["weighting"] = tuple(chosen)
    cfg = None
    if not errors:
        try:
            cfg = from_flat(flat)
            bx.plan_study(cfg, axes, [0], baselines=False)
        except ConfigError as err:
            errors.append(str(err))
            cfg = None
    return Knobs(pid, sc.problem, cfg, axes, list(range(m["w:seeds"])), sc.static if static else (),
                 baselines, conflict, errors)
