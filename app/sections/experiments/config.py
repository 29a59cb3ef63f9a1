"""The Experiments section's settings, kept as text in one memory and in the address as `exp.<name>` keys
(a copied link reproduces every study), and validated into the grids the batched engine trains.

Pure (no streamlit): `load_query` turns a link into (memory, warnings), `to_query` writes the memory back,
`parse` checks every value and `sweep_grid`, `gate_grid`, `difficulty_grid`, `census_grid` build what
`mtl_core.grid.iter_grid` trains. Every invalid value is named in a sentence with what is allowed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from mtl_core.config import TRAIN_SPECS, ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.experiments.gates import task_gates
from mtl_core.models import ARCHITECTURES, build_model
from mtl_core.params import ConfigError, Param

from ...ui.fields import read_keys
from ...ui.text import short
from mtl_core.presets import PRESETS
from mtl_core import seeds as seed_text
from mtl_core.seeds import SEEDS_HELP, count_runs, format_seeds
from mtl_core.weighting import WEIGHTINGS

PREFIX = "exp."
SWEEP_PRESETS = ("mmoe_paper_quick", "mmoe_paper_full")
CENSUS_PRESETS = ("census_quick", "census_full")
DEFAULT_PRESET = "mmoe_paper_quick"
TABS = ("correlation", "sweep", "trainability", "gates", "difficulty", "census", "load")
DATA = DATASETS["synthetic"]
DATA_KNOBS = ("n_train", "d", "c", "m", "noise", "ab_seed")
TRAIN_KNOBS = ("epochs", "lr", "batch_size")
DIFF_KNOBS = ("ab_seed", "c", "m", "noise")
DIFF_RHOS = (0.5, 1.0)  # the degradation the paper's claim (b) is about
DIFF_ARCHS = ("shared_bottom", "omoe", "mmoe")
LC_RHOS = tuple(float(x) for x in np.round(np.linspace(-1.0, 1.0, 21), 10))
LC_SAMPLES = 5000
MAX_RUNS = 2000  # per study in the page (the full preset has 1,800); bigger studies: the CLI
MAX_SEEDS = 500
SB_UNITS = Param("sb_units", 78, "units of Shared-Bottom's shared layer (its parameter budget)", low=1, high=4096)
TOWER_UNITS = Param("tower_units", 8, "units of every task tower (one layer, every architecture)", low=1, high=512)


# ---- what may be chosen ----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def synthetic_archs() -> tuple[str, ...]:
    """Architectures that train on the synthetic two-task data (registry order)."""
    spec = DATA.spec({p.name: p.default for p in DATA.params})
    return tuple(a for a, info in ARCHITECTURES.items() if not info.supports(spec))


@functools.lru_cache(maxsize=1)
def gated_archs() -> tuple[str, ...]:
    """Architectures with one gate per task on the synthetic data (MMoE, CGC, PLE, ...): those whose
    gates can be compared between the tasks."""
    spec = DATA.spec({p.name: p.default for p in DATA.params})
    out = []
    for a in synthetic_archs():
        try:
            model = build_model(a, spec, {p.name: p.default for p in ARCHITECTURES[a].params})
            if task_gates(model.gate_layout(), spec.task_names) is not None:
                out.append(a)
        except Exception:  # noqa: BLE001 - an architecture that cannot be built here is simply not offered
            continue
    return tuple(out)


# ---- one field per setting ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[str], Any]  # text -> value, or ConfigError naming exp.<name>
    fmt: Callable[[Any], str]  # value -> text (parse(fmt(v)) == v)
    help: str = ""


def _key(name: str) -> str:
    return PREFIX + name


def _choice(name: str, options: Callable[[], tuple]) -> Field:
    def parse(text):
        value = str(text).strip()
        if value not in options():
            raise ConfigError(_key(name), text, "one of " + ", ".join(options()))
        return value
    return Field(name, parse, str)


def _param(name: str, spec: Param) -> Field:
    return Field(name, lambda text: spec.parse(text, _key(name)), spec.format, spec.allowed())


def _ids(name: str, options: Callable[[], tuple]) -> Field:
    """Comma-separated registry ids from `options`, at least one, no repeats (order kept)."""
    def parse(text):
        items = [x.strip() for x in str(text).split(",") if x.strip()]
        bad = [x for x in items if x not in options()]
        if not items or bad:
            raise ConfigError(_key(name), bad[0] if bad else text,
                              "comma-separated ids, at least one, among " + ", ".join(options()))
        return tuple(dict.fromkeys(items))
    return Field(name, parse, ",".join)


def _values(name: str, spec: Param) -> Field:
    """Comma-separated values of one Param, at least one; repeats dropped, sorted ascending."""
    def parse(text):
        items = [x.strip() for x in str(text).split(",") if x.strip()]
        if not items:
            raise ConfigError(_key(name), text, "comma-separated values, each " + spec.allowed())
        return tuple(sorted({spec.parse(x, _key(name)) for x in items}))
    return Field(name, parse, lambda vs: ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in vs))


def parse_seeds(text: str, field_name: str = "exp.seeds", most: int = MAX_SEEDS) -> tuple[int, ...]:
    """"20" -> seeds 0..19; "100-119" -> seeds 100..119, at most `most` (`mtl_core.seeds`: checked by size
    before anything is expanded)."""
    return tuple(seed_text.parse_seeds(text, field_name, most))


def _seeds(name: str, most: int) -> Field:
    return Field(name, lambda text: parse_seeds(text, _key(name), most), format_seeds, SEEDS_HELP)


def _diff_values_field(knob: str) -> Field:
    return _values("diff_values", DATA.param(knob))


FIELDS: dict[str, Field] = {f.name: f for f in (
    _choice("preset", lambda: SWEEP_PRESETS),
    _ids("archs", synthetic_archs),
    _values("rhos", DATA.param("rho")),
    _seeds("seeds", MAX_SEEDS),
    _choice("weighting", lambda: tuple(WEIGHTINGS)),
    *(_param(k, DATA.param(k)) for k in DATA_KNOBS),
    _param("sb_units", SB_UNITS),
    _param("tower_units", TOWER_UNITS),
    *(_param(k, TRAIN_SPECS[k]) for k in TRAIN_KNOBS),
    _param("lc_draws", Param("lc_draws", 10, "data draws per ρ", low=2, high=50)),
    _choice("lc_mode", lambda: ("random", "fixed")),
    _param("trn_rho", DATA.param("rho")),
    _ids("gate_archs", gated_archs),
    _values("gate_rhos", DATA.param("rho")),
    _seeds("gate_seeds", 100),
    _choice("diff_knob", lambda: DIFF_KNOBS),
    _values("diff_values", DATA.param("ab_seed")),  # checked again with the chosen knob's spec
    _seeds("diff_seeds", 100),
    _choice("census", lambda: CENSUS_PRESETS),
    _choice("tab", lambda: TABS),
)}
SWEEP_FIELDS = ("archs", "rhos", "seeds", "weighting", *DATA_KNOBS, "sb_units", "tower_units", *TRAIN_KNOBS)
OTHER_DEFAULTS = {"lc_draws": "10", "lc_mode": "random", "trn_rho": "0.5", "gate_archs": "mmoe,cgc,ple",
                  "gate_rhos": "0,0.25,0.5,0.75,1", "gate_seeds": "0-7", "diff_knob": "ab_seed",
                  "diff_values": "0,1,2,5", "diff_seeds": "0-5", "census": "census_quick", "tab": "sweep"}
DIFF_DEFAULT_VALUES = {"ab_seed": "0,1,2,5", "c": "0.5,1,2,3", "m": "0,3,10,20", "noise": "0.01,0.1,0.5,1"}


def field_of(name: str, mem: Mapping[str, str] | None = None) -> Field:
    if name == "diff_values" and mem is not None and mem.get("diff_knob") in DIFF_KNOBS:
        return _diff_values_field(mem["diff_knob"])
    return FIELDS[name]


# ---- memory <-> presets, address --------------------------------------------------------------------------------
def preset_mem(preset_id: str) -> dict[str, str]:
    """Memory text of the sweep settings from a sweep preset (its config, axes and seeds)."""
    p = PRESETS[preset_id]
    cfg = p.experiment()
    out = {"preset": preset_id,
           "archs": ",".join(p.axes.get("model", (cfg.model.id,))),
           "rhos": FIELDS["rhos"].fmt(tuple(sorted(p.axes.get("data.rho", (cfg.data.params["rho"],))))),
           "seeds": format_seeds(p.seeds), "weighting": cfg.weighting.id}
    out.update({k: DATA.param(k).format(cfg.data.params[k]) for k in DATA_KNOBS})
    units = cfg.model.params.get("bottom_units") if cfg.model.id == "shared_bottom" else None
    out["sb_units"] = str(units[0] if units else SB_UNITS.default)
    towers = cfg.model.params.get("tower_units")
    out["tower_units"] = str(towers[0] if towers else TOWER_UNITS.default)
    out.update({k: TRAIN_SPECS[k].format(getattr(cfg.train, k)) for k in TRAIN_KNOBS})
    return out


def default_mem(preset_id: str = DEFAULT_PRESET) -> dict[str, str]:
    return {**preset_mem(preset_id), **OTHER_DEFAULTS}


def load_query(query: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """A link -> (memory, warnings). `preset` (the frame's ?preset=, or exp.preset) sets the sweep (a census
    preset the census view); then each `exp.<name>` key is checked by its field: an invalid value keeps the
    preset's and is named in a warning, as is any key that is not a setting of this page."""
    warnings: list[str] = []
    q = {str(k): str(v) for k, v in query.items()}
    frame = q.pop("preset", None)
    sweep = q.get(_key("preset"), frame if frame in SWEEP_PRESETS else DEFAULT_PRESET)
    if sweep not in SWEEP_PRESETS:
        warnings.append(f"{_key('preset')}: {short(sweep)} is not allowed; expected one of "
                        f"{', '.join(SWEEP_PRESETS)} — using {DEFAULT_PRESET} instead")
        sweep = DEFAULT_PRESET
    q.pop(_key("preset"), None)
    mem = default_mem(sweep)
    if frame in CENSUS_PRESETS:
        mem.update(census=frame, tab="census")
    elif frame is not None and frame not in SWEEP_PRESETS:
        warnings.append(f"preset: {short(frame)} is not a preset of this page; expected one of "
                        f"{', '.join(SWEEP_PRESETS + CENSUS_PRESETS)}")
    if _key("diff_knob") in q and _key("diff_values") not in q:  # a knob without values: that knob's defaults
        knob = q[_key("diff_knob")].strip()
        if knob in DIFF_KNOBS:
            mem["diff_values"] = DIFF_DEFAULT_VALUES[knob]
    def checked(name: str):
        def parse(text: str, key: str) -> str:
            f = field_of(name, mem)  # diff_values is checked with the diff_knob read before it
            return f.fmt(f.parse(text))
        return parse
    fields = {n: checked(n) for n in FIELDS if n != "preset"}  # diff_knob before diff_values
    warnings += read_keys(q, PREFIX, fields, mem, what="the Experiments page", slot=lambda n: n)
    return mem, warnings


def to_query(mem: Mapping[str, str]) -> dict[str, str]:
    """What the address holds: every setting as `exp.<name>`."""
    return {_key(n): str(mem[n]) for n in FIELDS if n in mem}


# ---- validated ------------------------------------------------------------------------------------------------------
@dataclass
class Grid:
    """What `iter_grid` trains: a configuration, its axes and seeds."""
    cfg: ExperimentConfig
    axes: dict[str, list]
    seeds: list[int]

    @property
    def n_runs(self) -> int:
        return count_runs(self.seeds, self.axes)

    def key(self) -> tuple:
        return (tuple(sorted(self.cfg.to_flat().items())), tuple((k, tuple(map(str, v))) for k, v in self.axes.items()),
                tuple(self.seeds))


@dataclass
class Study:
    values: dict[str, Any]  # every field's parsed value
    errors: dict[str, list[str]] = field(default_factory=dict)  # study -> sentences ("sweep", "gates", ...)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def parse(mem: Mapping[str, str]) -> Study:
    """Every field of the memory, parsed; invalid ones are named (under the studies that use them) and take
    the default's value so the rest of the page still works."""
    defaults = default_mem(mem.get("preset", DEFAULT_PRESET) if mem.get("preset") in SWEEP_PRESETS
                           else DEFAULT_PRESET)
    values: dict[str, Any] = {}
    bad: dict[str, str] = {}
    for name in FIELDS:
        f = field_of(name, mem)
        try:
            values[name] = f.parse(mem.get(name, defaults[name]))
        except ConfigError as err:
            bad[name] = str(err)
            fallback = DIFF_DEFAULT_VALUES[values["diff_knob"]] if name == "diff_values" else defaults[name]
            values[name] = f.parse(fallback)
    users = {"sweep": SWEEP_FIELDS, "trainability": ("trn_rho",),
             "correlation": ("lc_draws", "lc_mode", "d", "c", "m", "noise", "ab_seed"),
             "gates": ("gate_archs", "gate_rhos", "gate_seeds", *SWEEP_FIELDS[3:]),
             "difficulty": ("diff_knob", "diff_values", "diff_seeds", *SWEEP_FIELDS[3:]), "census": ("census",)}
    errors = {study: [bad[n] for n in names if n in bad] for study, names in users.items()}
    study = Study(values, {k: v for k, v in errors.items() if v})
    for name, build in (("sweep", sweep_grid), ("gates", gate_grid), ("difficulty", difficulty_grid)):
        if name in study.errors:
            continue
        try:
            grid = build(study)
            if grid.n_runs > MAX_RUNS:
                study.errors[name] = [f"{grid.n_runs:,} runs are more than this page trains ({MAX_RUNS:,}); "
                                      f"use fewer seeds or values, or the command line (`python -m mtl_core sweep`)"]
        except ConfigError as err:
            study.errors[name] = [str(err)]
    return study


def base_flat(study: Study) -> dict[str, Any]:
    """The sweep's shared settings as flat config keys (the preset's, overridden by the page's)."""
    p = study.values
    preset = PRESETS[p["preset"]]
    flat = {k: v for k, v in preset.config.items() if k.startswith(("data", "train"))}
    flat.update({f"data.{k}": p[k] for k in DATA_KNOBS})
    flat.update({f"train.{k}": p[k] for k in TRAIN_KNOBS})
    flat.update({"model": "shared_bottom", "model.bottom_units": (p["sb_units"],),
                 "model.tower_units": (p["tower_units"],), "weighting": p["weighting"]})
    return flat


def _grid(study: Study, archs, axes: dict[str, list], seeds) -> Grid:
    cfg = from_flat(base_flat(study))
    for a in archs:  # each architecture with this data and weighting: refused here with a sentence, not later
        cfg.with_changes(model=a)
    return Grid(cfg, {"model": list(archs), **axes}, list(seeds))


def sweep_grid(study: Study) -> Grid:
    return _grid(study, study["archs"], {"data.rho": list(study["rhos"])}, study["seeds"])


def gate_grid(study: Study) -> Grid:
    return _grid(study, study["gate_archs"], {"data.rho": list(study["gate_rhos"])}, study["gate_seeds"])


def difficulty_grid(study: Study) -> Grid:
    knob = study["diff_knob"]
    return _grid(study, DIFF_ARCHS, {"data.rho": list(DIFF_RHOS), f"data.{knob}": list(study["diff_values"])},
                 study["diff_seeds"])


def census_grid(study: Study) -> Grid:
    p = PRESETS[study["census"]]
    return Grid(p.experiment(), {k: list(v) for k, v in p.axes.items()}, list(p.seeds))


def correlation_params(study: Study) -> dict[str, Any]:
    """Data parameters of the label-correlation study (Fig. 2): the sweep's regime and the α/β mode."""
    p = study.values
    out = {k: p[k] for k in ("d", "c", "m", "noise", "ab_seed")}
    out["ab_mode"] = p["lc_mode"]
    return out


def nearest(value: float, options) -> float:
    options = list(options)
    return min(options, key=lambda o: abs(float(o) - float(value))) if options else value


__all__ = ["FIELDS", "TABS", "Grid", "Study", "load_query", "to_query", "parse", "default_mem", "preset_mem",
           "sweep_grid", "gate_grid", "difficulty_grid", "census_grid", "correlation_params", "parse_seeds"]
