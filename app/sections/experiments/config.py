"""The Experiments section's settings: kept typed in one memory, in the address as `exp.<name>` keys (a copied
link reproduces every study), and built into the grids the batched engine trains.

Pure (no streamlit). Text exists only at the edges: `load_query` parses a link into (memory, warnings), each
value once, by its field; `to_query` writes the memory back. `study_of` collects the studies' settings with
what cannot train (a text box the learner left invalid, an impossible combination, too many runs), and
`sweep_grid`, `gate_grid`, `difficulty_grid`, `census_grid` build what `mtl_core.grid.iter_grid` trains.
Every invalid value is named in a sentence with what is allowed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from mtl_core import seeds as seed_text
from mtl_core.config import TRAIN_SPECS, ExperimentConfig, from_flat
from mtl_core.data import DATASETS
from mtl_core.experiments.gates import task_gates
from mtl_core.models import ARCHITECTURES, build_model
from mtl_core.params import ConfigError, Param
from mtl_core.presets import PRESETS
from mtl_core.seeds import count_runs, format_seeds
from mtl_core.weighting import WEIGHTINGS

from ...ui.fields import Field, mem_query, read_keys, spec_field
from ...ui.fields import mem_slot as slot
from ...ui.text import short

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
LC_DRAWS = Param("lc_draws", 10, "data draws per ρ", low=2, high=50)
LC_MODES = ("random", "fixed")


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
# Each field parses a link's text into the typed value the memory keeps (`Field(text, key)`, a ConfigError naming
# exp.<name>) and writes it back for the address (`Field.format`); text exists only at those two edges.
def _key(name: str) -> str:
    return PREFIX + name


def _choice(options: Callable[[], tuple]) -> Field:
    def parse(text: str, key: str) -> str:
        value = str(text).strip()
        if value not in options():
            raise ConfigError(key, text, "one of " + ", ".join(options()))
        return value
    return Field(parse, str)


def _ids(options: Callable[[], tuple]) -> Field:
    """Comma-separated registry ids from `options`, at least one, no repeats (order kept)."""
    def parse(text: str, key: str) -> tuple[str, ...]:
        items = [x.strip() for x in str(text).split(",") if x.strip()]
        bad = [x for x in items if x not in options()]
        if not items or bad:
            raise ConfigError(key, bad[0] if bad else text,
                              "comma-separated ids, at least one, among " + ", ".join(options()))
        return tuple(dict.fromkeys(items))
    return Field(parse, ",".join)


def format_values(values) -> str:
    return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def _values(spec: Param) -> Field:
    """Comma-separated values of one Param, at least one; repeats dropped, sorted ascending."""
    def parse(text: str, key: str) -> tuple:
        items = [x.strip() for x in str(text).split(",") if x.strip()]
        if not items:
            raise ConfigError(key, text, "comma-separated values, each " + spec.allowed())
        return tuple(sorted({spec.parse(x, key) for x in items}))
    return Field(parse, format_values)


def parse_seeds(text: str, field_name: str = "exp.seeds", most: int = MAX_SEEDS) -> tuple[int, ...]:
    """"20" -> seeds 0..19; "100-119" -> seeds 100..119, at most `most` (`mtl_core.seeds`: checked by size
    before anything is expanded)."""
    return tuple(seed_text.parse_seeds(text, field_name, most))


def _seeds(most: int) -> Field:
    return Field(lambda text, key: parse_seeds(text, key, most), format_seeds)


DIFF_VALUES = {knob: _values(DATA.param(knob)) for knob in DIFF_KNOBS}  # the values' field follows the knob
FIELDS: dict[str, Field] = {
    "preset": _choice(lambda: SWEEP_PRESETS),
    "archs": _ids(synthetic_archs),
    "rhos": _values(DATA.param("rho")),
    "seeds": _seeds(MAX_SEEDS),
    "weighting": _choice(lambda: tuple(WEIGHTINGS)),
    **{k: spec_field(DATA.param(k)) for k in DATA_KNOBS},
    "sb_units": spec_field(SB_UNITS),
    "tower_units": spec_field(TOWER_UNITS),
    **{k: spec_field(TRAIN_SPECS[k]) for k in TRAIN_KNOBS},
    "lc_draws": spec_field(LC_DRAWS),
    "lc_mode": _choice(lambda: LC_MODES),
    "trn_rho": spec_field(DATA.param("rho")),
    "gate_archs": _ids(gated_archs),
    "gate_rhos": _values(DATA.param("rho")),
    "gate_seeds": _seeds(100),
    "diff_knob": _choice(lambda: DIFF_KNOBS),
    "diff_values": DIFF_VALUES["ab_seed"],  # checked with the chosen knob's spec (`field_of`)
    "diff_seeds": _seeds(100),
    "census": _choice(lambda: CENSUS_PRESETS),
    "tab": _choice(lambda: TABS),
}
SWEEP_FIELDS = ("archs", "rhos", "seeds", "weighting", *DATA_KNOBS, "sb_units", "tower_units", *TRAIN_KNOBS)
DIFF_DEFAULT_VALUES = {"ab_seed": (0, 1, 2, 5), "c": (0.5, 1.0, 2.0, 3.0), "m": (0, 3, 10, 20),
                       "noise": (0.01, 0.1, 0.5, 1.0)}
OTHER_DEFAULTS = {"lc_draws": 10, "lc_mode": "random", "trn_rho": 0.5, "gate_archs": ("mmoe", "cgc", "ple"),
                  "gate_rhos": (0.0, 0.25, 0.5, 0.75, 1.0), "gate_seeds": tuple(range(8)), "diff_knob": "ab_seed",
                  "diff_values": DIFF_DEFAULT_VALUES["ab_seed"], "diff_seeds": tuple(range(6)),
                  "census": "census_quick", "tab": "sweep"}


def field_of(name: str, mem: Mapping[str, Any] | None = None) -> Field:
    """The field of a setting; the difficulty values' follows the memory's knob."""
    if name == "diff_values" and mem is not None and mem.get(slot("diff_knob")) in DIFF_KNOBS:
        return DIFF_VALUES[mem[slot("diff_knob")]]
    return FIELDS[name]


# ---- the typed memory, presets, the address --------------------------------------------------------------------
def values(mem: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting's typed value by name (the memory keeps them under `slot(name)`)."""
    return {name: mem[slot(name)] for name in FIELDS}


@functools.lru_cache(maxsize=None)
def preset_config(preset_id: str) -> ExperimentConfig:
    """A preset's checked configuration (configs are frozen: one per process)."""
    return PRESETS[preset_id].experiment()


def preset_mem(preset_id: str) -> dict[str, Any]:
    """The sweep settings of a sweep preset (its config, axes and seeds), typed, under their memory slots."""
    p = PRESETS[preset_id]
    cfg = preset_config(preset_id)
    units = cfg.model.params.get("bottom_units") if cfg.model.id == "shared_bottom" else None
    towers = cfg.model.params.get("tower_units")
    out = {"preset": preset_id, "archs": tuple(p.axes.get("model", (cfg.model.id,))),
           "rhos": tuple(sorted(float(r) for r in p.axes.get("data.rho", (cfg.data.params["rho"],)))),
           "seeds": tuple(p.seeds), "weighting": cfg.weighting.id,
           **{k: cfg.data.params[k] for k in DATA_KNOBS},
           "sb_units": int(units[0]) if units else SB_UNITS.default,
           "tower_units": int(towers[0]) if towers else TOWER_UNITS.default,
           **{k: getattr(cfg.train, k) for k in TRAIN_KNOBS}}
    return {slot(name): value for name, value in out.items()}


def default_mem(preset_id: str = DEFAULT_PRESET) -> dict[str, Any]:
    return {**preset_mem(preset_id), **{slot(name): value for name, value in OTHER_DEFAULTS.items()}}


def load_query(query: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """A link -> (typed memory, warnings), each value parsed once. `preset` (the frame's ?preset=, or
    exp.preset) sets the sweep (a census preset the census view); then each `exp.<name>` key is checked by its
    field: an invalid value keeps the preset's and is named in a warning, as is any key that is not a setting
    of this page. A difficulty knob brings its own default values, which a valid `exp.diff_values` replaces."""
    warnings: list[str] = []
    q = {str(k): str(v) for k, v in query.items()}
    frame = q.pop("preset", None)
    sweep = q.pop(_key("preset"), frame if frame in SWEEP_PRESETS else DEFAULT_PRESET)
    if sweep not in SWEEP_PRESETS:
        warnings.append(f"{_key('preset')}: {short(sweep)} is not allowed; expected one of "
                        f"{', '.join(SWEEP_PRESETS)} — using {DEFAULT_PRESET} instead")
        sweep = DEFAULT_PRESET
    mem = default_mem(sweep)
    if frame in CENSUS_PRESETS:
        mem.update({slot("census"): frame, slot("tab"): "census"})
    elif frame is not None and frame not in SWEEP_PRESETS:
        warnings.append(f"preset: {short(frame)} is not a preset of this page; expected one of "
                        f"{', '.join(SWEEP_PRESETS + CENSUS_PRESETS)}")
    knob = q.get(_key("diff_knob"), "").strip()
    if knob in DIFF_KNOBS:  # the knob's own defaults, kept when the link's values are missing or invalid
        mem[slot("diff_values")] = DIFF_DEFAULT_VALUES[knob]
    fields = {n: f for n, f in FIELDS.items() if n != "preset"}  # diff_knob is read before diff_values
    fields["diff_values"] = Field(lambda text, key: field_of("diff_values", mem)(text, key), format_values)
    warnings += read_keys(q, PREFIX, fields, mem, what="the Experiments page", slot=slot)
    return mem, warnings


def to_query(mem: Mapping[str, Any]) -> dict[str, str]:
    """What the address holds: every setting as `exp.<name>`, written from its typed value by its field."""
    return mem_query(PREFIX, mem, FIELDS)


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
        return (tuple(sorted(self.cfg.typed_flat().items())), tuple((k, tuple(v)) for k, v in self.axes.items()),
                tuple(self.seeds))


@dataclass
class Study:
    values: dict[str, Any]  # every setting's typed value
    errors: dict[str, list[str]] = field(default_factory=dict)  # study -> sentences ("sweep", "gates", ...)
    grids: dict[str, Grid] = field(default_factory=dict)  # study -> what it trains, where it can

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


USERS = {"sweep": SWEEP_FIELDS, "trainability": ("trn_rho",),
         "correlation": ("lc_draws", "lc_mode", "d", "c", "m", "noise", "ab_seed"),
         "gates": ("gate_archs", "gate_rhos", "gate_seeds", *SWEEP_FIELDS[3:]),
         "difficulty": ("diff_knob", "diff_values", "diff_seeds", *SWEEP_FIELDS[3:]), "census": ("census",)}


def study_of(mem: Mapping[str, Any], invalid: Mapping[str, str] | None = None) -> Study:
    """The studies' settings from the typed memory. `invalid` names the settings whose control holds a value
    that did not parse (the memory keeps their last valid value): each is listed under the studies that use
    it, as is a study whose grid cannot train (an architecture refused with this data) or is too big."""
    invalid = invalid or {}
    study = Study(values(mem))
    for name, names in USERS.items():
        errors = [invalid[n] for n in names if n in invalid]
        if errors:
            study.errors[name] = errors
    for name, build in (("sweep", sweep_grid), ("gates", gate_grid), ("difficulty", difficulty_grid)):
        if name in study.errors:
            continue
        try:
            grid = build(study)
            if grid.n_runs > MAX_RUNS:
                study.errors[name] = [f"{grid.n_runs:,} runs are more than this page trains ({MAX_RUNS:,}); "
                                      f"use fewer seeds or values, or the command line (`python -m mtl_core sweep`)"]
            else:
                study.grids[name] = grid
        except ConfigError as err:
            study.errors[name] = [str(err)]
    return study


def base_flat(study: Study) -> dict[str, Any]:
    """The sweep's shared settings as typed flat config keys (the preset's, overridden by the page's)."""
    p = study.values
    flat = {k: v for k, v in preset_config(p["preset"]).typed_flat().items() if k.startswith(("data", "train"))}
    flat.update({f"data.{k}": p[k] for k in DATA_KNOBS})
    flat.update({f"train.{k}": p[k] for k in TRAIN_KNOBS})
    flat.update({"model": "shared_bottom", "model.bottom_units": (p["sb_units"],),
                 "model.tower_units": (p["tower_units"],), "weighting": p["weighting"]})
    return flat


def _grid(study: Study, archs, axes: dict[str, list], seeds) -> Grid:
    cfg = from_flat(base_flat(study), base=preset_config(study["preset"]))  # the preset's values are not parsed again
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
    return Grid(preset_config(p.id), {k: list(v) for k, v in p.axes.items()}, list(p.seeds))


def correlation_params(study: Study) -> dict[str, Any]:
    """Data parameters of the label-correlation study (Fig. 2): the sweep's regime and the α/β mode."""
    p = study.values
    out = {k: p[k] for k in ("d", "c", "m", "noise", "ab_seed")}
    out["ab_mode"] = p["lc_mode"]
    return out


def nearest(value: float, options) -> float:
    options = list(options)
    return min(options, key=lambda o: abs(float(o) - float(value))) if options else value


__all__ = ["FIELDS", "TABS", "Grid", "Study", "load_query", "to_query", "study_of", "default_mem", "preset_mem",
           "sweep_grid", "gate_grid", "difficulty_grid", "census_grid", "correlation_params", "parse_seeds"]
