"""Experiment configuration: frozen dataclasses and the one validation path used by UI, CLI and files.

A config is four sections: data, model, weighting (each an id plus its hyper-parameters from the
registry) and train. `validate()` fills defaults, parses and range-checks every value and rejects
combinations that cannot train, always with a ConfigError naming the field. Configs round-trip to a
flat {str: str} dict (URL query parameters) and to JSON; both leave out parameters that are inactive
under the chosen values (`Param.when`), and the strict readers refuse them when given.
Every default lives in a `Param` spec; the default ids are `DEFAULT_IDS`.

Validated once: a config is checked where it enters (`from_flat`, `from_json`, `validate`), each value
parsed once, and the result is marked as checked, so the layers inside (`Trainer`, `run_configs`, the model
and weighting builders) carry its typed values on without parsing them again; `with_changes` and
`from_flat(..., base=cfg)` work on typed values and parse only what changed. Configs are frozen, so a
checked config stays valid.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, make_dataclass, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

from .data import DATASETS
from .models import ARCHITECTURES
from .params import ConfigError, Param, active_params, resolve_params
from .weighting import WEIGHTINGS

DEFAULT_IDS = {"data": "synthetic", "model": "mmoe", "weighting": "ew"}
REGISTRIES = {"data": DATASETS, "model": ARCHITECTURES, "weighting": WEIGHTINGS}
PARTS = ("data", "model", "weighting")  # the sections chosen from a registry
SECTIONS = (*PARTS, "train")


def _frozen(d: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(d or {}))


def _part(section: str):
    @dataclass(frozen=True)
    class Part:
        id: str = DEFAULT_IDS[section]
        params: Mapping[str, Any] = field(default_factory=dict)

        def __post_init__(self):
            object.__setattr__(self, "params", _frozen(self.params))
    Part.__name__ = Part.__qualname__ = f"{section.capitalize()}Config"
    return Part


DataConfig, ModelConfig, WeightingConfig = _part("data"), _part("model"), _part("weighting")

TRAIN_PARAMS = (
    Param("epochs", 20, "passes over the training data", low=1, high=1000, label="Epochs"),
    Param("batch_size", 128, "samples per optimisation step", low=1, high=65536, label="Batch size"),
    Param("lr", 1e-3, "learning rate", low=1e-6, high=100.0, per_run=True, label="Learning rate"),
    Param("optimizer", "adam", "optimiser", choices=("adam", "adamw", "sgd"), label="Optimizer"),
    Param("weight_decay", 0.0, "L2 penalty / decoupled weight decay", low=0.0, high=1.0, label="Weight decay"),
    Param("seed", 0, "seed of the data draw, the initialisation and the batch order", low=0, high=2**31 - 1,
          label="Seed (data, init, batch order)"),
    Param("device", "auto", "where to train: auto picks CUDA, then MPS, then CPU",
          choices=("auto", "cpu", "cuda", "mps"), label="Device"),
    Param("baseline", False, "also train single-task baselines on the same data and budget",
          label="Single-task baselines (dashed)"),
    Param("snapshots_per_epoch", 4, "evaluations (live-view updates) per epoch", low=1, high=1000,
          label="Live updates per epoch"),
)
TRAIN_SPECS = {p.name: p for p in TRAIN_PARAMS}

# Training settings; field defaults are the Param defaults above (the one place they live).
TrainConfig = make_dataclass("TrainConfig", [(p.name, Any, field(default=p.default)) for p in TRAIN_PARAMS],
                             frozen=True)


def specs_of(section: str, part_id: str | None = None) -> tuple[Param, ...]:
    """The Param specs of a section ("train", or a registry section with the chosen id)."""
    return TRAIN_PARAMS if section == "train" else REGISTRIES[section][part_id].params


@dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    weighting: WeightingConfig = field(default_factory=WeightingConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    # ---- conversions ----------------------------------------------------------------------
    def typed_flat(self) -> dict[str, Any]:
        """{"data": "synthetic", "data.rho": 0.5, ..., "train.lr": 0.001}: the flat keys with their typed
        values; inactive parameters are left out."""
        cfg = validate(self)
        out: dict[str, Any] = {}
        for section in ("data", "model", "weighting"):
            part = getattr(cfg, section)
            out[section] = part.id
            for spec in active_params(specs_of(section, part.id), dict(part.params)):
                out[f"{section}.{spec.name}"] = part.params[spec.name]
        for spec in TRAIN_PARAMS:
            out[f"train.{spec.name}"] = getattr(cfg.train, spec.name)
        return out

    def to_flat(self) -> dict[str, str]:
        """{"data": "synthetic", "data.rho": "0.5", ..., "train.lr": "0.001"}: every value a string (for
        URLs); inactive parameters are left out."""
        return {key: value if "." not in key else _spec_of_key(self, key).format(value)
                for key, value in self.typed_flat().items()}

    def to_dict(self) -> dict:
        cfg = validate(self)
        out = {}
        for section in ("data", "model", "weighting"):
            part = getattr(cfg, section)
            active = active_params(specs_of(section, part.id), dict(part.params))
            out[section] = {"id": part.id, **{p.name: part.params[p.name] for p in active}}
        out["train"] = {f.name: getattr(cfg.train, f.name) for f in fields(TrainConfig)}
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=list)

    def with_changes(self, **flat: Any) -> "ExperimentConfig":
        """Copy with some flat keys changed, e.g. with_changes(**{"data.rho": 0.9}). Changing an id
        ("model": "ple") drops the old choice's parameters. Only the changed values are parsed; the others
        are carried on as they were checked."""
        cfg = validate(self)
        if all(key.startswith("train.") for key in flat):
            unknown = next((key for key in flat if key[6:] not in TRAIN_SPECS), None)
            if unknown is None:
                changed = {key[6:]: TRAIN_SPECS[key[6:]].parse(value, key) for key, value in flat.items()}
                return _checked(replace(cfg, train=replace(cfg.train, **changed)))
        d: dict[str, Any] = cfg.typed_flat()
        for key, value in flat.items():
            if key in PARTS and str(value) != d.get(key):
                d = {k: v for k, v in d.items() if not k.startswith(key + ".")}
            d[key] = value
        return from_flat(d, base=cfg)

    def get(self, key: str) -> Any:
        """The value of a flat key: "model" -> its id, "data.rho" -> 0.5, "train.lr" -> 0.001."""
        section, _, name = key.partition(".")
        if section == "train":
            return getattr(self.train, name)
        part = getattr(self, section)
        return part.id if not name else part.params[name]


# ---- construction & validation -------------------------------------------------------------------
def _spec_of_key(cfg: ExperimentConfig, key: str) -> Param:
    section, _, name = key.partition(".")
    specs = specs_of(section, None if section == "train" else getattr(cfg, section).id)
    return next(p for p in specs if p.name == name)


def _checked(cfg: ExperimentConfig) -> ExperimentConfig:
    """Mark a config whose every value has been parsed and checked (see `validate`)."""
    object.__setattr__(cfg, "_checked", True)
    return cfg


def is_checked(cfg: ExperimentConfig) -> bool:
    """Whether `cfg` came out of validation (then its values are typed and in range)."""
    return getattr(cfg, "_checked", False)


def _section(kind: str, part_id: str, params: Mapping[str, Any], strict: bool = False,
             parsed: bool = False) -> dict:
    registry = REGISTRIES[kind]
    if part_id not in registry:
        raise ConfigError(kind, part_id, "one of " + ", ".join(registry))
    return resolve_params(registry[part_id].params, dict(params), kind, strict_inactive=strict, parsed=parsed)


def validate(cfg: ExperimentConfig, strict: bool = False) -> ExperimentConfig:
    """Fill defaults, parse and range-check every value, refuse combinations that cannot train.
    strict: also refuse values given for parameters that are inactive under the chosen values.
    A config that came out of validation is returned as it is (it is frozen, so it is still valid)."""
    if is_checked(cfg):
        return cfg
    return _validate(cfg, strict)


def _validate(cfg: ExperimentConfig, strict: bool, parsed: bool = False) -> ExperimentConfig:
    """validate(); parsed: every given value was parsed where it entered (`_parse_flat`), so only the defaults,
    the inactive parameters and the combination are checked here."""
    data_p = _section("data", cfg.data.id, cfg.data.params, strict, parsed)
    model_p = _section("model", cfg.model.id, cfg.model.params, strict, parsed)
    weight_p = _section("weighting", cfg.weighting.id, cfg.weighting.params, strict, parsed)
    train_kw = {f.name: getattr(cfg.train, f.name) if parsed else
                TRAIN_SPECS[f.name].parse(getattr(cfg.train, f.name), f"train.{f.name}") for f in fields(TrainConfig)}
    spec = DATASETS[cfg.data.id].spec(data_p)
    reason = ARCHITECTURES[cfg.model.id].supports(spec)
    if reason:
        raise ConfigError("model", cfg.model.id,
                          f"an architecture that fits dataset '{cfg.data.id}' "
                          f"({ARCHITECTURES[cfg.model.id].name} {reason})")
    check = getattr(WEIGHTINGS[cfg.weighting.id].cls, "check_params", None)
    if check:
        check(weight_p, spec.tasks)
    return _checked(ExperimentConfig(DataConfig(cfg.data.id, data_p), ModelConfig(cfg.model.id, model_p),
                                     WeightingConfig(cfg.weighting.id, weight_p), TrainConfig(**train_kw)))


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type all the way down (1 is not True, "4" is not 4)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _raise(err: ConfigError, key: str) -> None:
    raise err


def _parse_flat(flat: Mapping[str, Any], on_error: Callable[[ConfigError, str], None],
                base: ExperimentConfig | None = None) -> dict[str, Any]:
    """Every value of a flat dict parsed once into its spec's type (ids checked against their registry).
    A value equal to `base`'s (same key, same type, under the same id) was checked there and is carried on.
    An invalid entry goes to `on_error(err, key)`, which raises or notes it; the entry is then left out (an
    invalid id with its section's parameters, which belonged to it)."""
    trusted = base.typed_flat() if base is not None else {}
    ids: dict[str, str] = {}
    given: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    for key, value in flat.items():
        head, _, name = str(key).partition(".")
        if head not in given:
            on_error(ConfigError(str(key), value, "a key starting with data., model., weighting. or train."), str(key))
        elif not name and head == "train":
            on_error(ConfigError(str(key), value, "train.<setting>"), str(key))
        elif not name:
            ids[head] = str(value)
        else:
            given[head][name] = value
    for name, value in given["train"].items():
        if name not in TRAIN_SPECS:
            on_error(ConfigError(f"train.{name}", value, "one of " + ", ".join(TRAIN_SPECS)), f"train.{name}")
    out: dict[str, Any] = {}
    for section in SECTIONS:
        if section == "train":
            specs = TRAIN_PARAMS
        else:
            part_id = ids.get(section, DEFAULT_IDS[section])
            if part_id not in REGISTRIES[section]:
                on_error(ConfigError(section, part_id, "one of " + ", ".join(REGISTRIES[section])), section)
                continue
            if section in ids:
                out[section] = part_id
            specs = REGISTRIES[section][part_id].params
            known = {p.name for p in specs}
            for name, value in given[section].items():
                if name not in known:
                    on_error(ConfigError(f"{section}.{name}", value, "one of the known parameters: "
                                         + (", ".join(p.name for p in specs) or "(none)")), f"{section}.{name}")
        same_id = section == "train" or trusted.get(section) == ids.get(section, DEFAULT_IDS[section])
        for p in specs:
            if p.name not in given[section]:
                continue
            key, value = f"{section}.{p.name}", given[section][p.name]
            if same_id and key in trusted and _same(trusted[key], value):
                out[key] = value
                continue
            try:
                out[key] = p.parse(value, key)
            except ConfigError as err:
                on_error(err, key)
    return out


def _assemble(typed: Mapping[str, Any]) -> ExperimentConfig:
    """The checked config of parsed flat values (`_parse_flat`): defaults, inactive values refused, the
    combination checked; nothing is parsed again."""
    parts = {s: {k.partition(".")[2]: v for k, v in typed.items() if k.startswith(s + ".")} for s in SECTIONS}
    cfg = ExperimentConfig(*(part(typed.get(s, DEFAULT_IDS[s]), parts[s]) for s, part in
                             (("data", DataConfig), ("model", ModelConfig), ("weighting", WeightingConfig))),
                           TrainConfig(**parts["train"]))
    return _validate(cfg, strict=True, parsed=True)


def from_flat(flat: Mapping[str, Any], base: ExperimentConfig | None = None) -> ExperimentConfig:
    """Strict: any unknown key, invalid value or value for an inactive parameter raises ConfigError.
    Missing keys take defaults. Each value is parsed once; values equal to a checked `base`'s are not parsed."""
    return _assemble(_parse_flat(flat, _raise, base))


def from_flat_lenient(flat: Mapping[str, Any], base: ExperimentConfig | None = None
                      ) -> tuple[ExperimentConfig, list[str]]:
    """For URLs: drop each invalid entry (falling back to its default) and say which, instead of raising.
    Each value is parsed once (values equal to a checked `base`'s not at all)."""
    warnings: list[str] = []

    def note(err: ConfigError, key: str) -> None:
        warnings.append(f"{err} — using the default for '{key}' instead")
    typed = _parse_flat(flat, note, base)
    for _ in range(len(typed) + 1):
        try:
            return _assemble(typed), warnings
        except ConfigError as err:  # an inactive value or a combination that cannot train
            key = err.field if err.field in typed else next(
                (k for k in typed if k == err.field or err.field.startswith(k + ".")), None)
            if key is None:  # an incompatible combination: fall back on the model
                key = "model" if "model" in typed else next(iter(typed), None)
            if key is None:
                break
            note(err, key)
            typed.pop(key)
            if key in PARTS:  # its parameters belonged to the dropped choice
                typed = {k: v for k, v in typed.items() if not k.startswith(key + ".")}
    return validate(ExperimentConfig()), warnings


def from_json(text: str) -> ExperimentConfig:
    """A config from JSON text (a config, or a summary.json holding one); ConfigError for anything else,
    however deep, long or oddly typed (a byte-order mark in front is ignored)."""
    try:
        d = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        raise ConfigError("config file", text[:40], f"valid JSON ({err.msg} at line {err.lineno})") from None
    except RecursionError:
        raise ConfigError("config file", text[:40], "JSON nested at most a few hundred levels deep") from None
    except ValueError as err:  # e.g. an integer longer than Python converts
        raise ConfigError("config file", text[:40], f"valid JSON ({err})") from None
    if not isinstance(d, dict):
        raise ConfigError("config file", type(d).__name__, "a JSON object with data/model/weighting/train")
    if "config" in d and isinstance(d["config"], dict):  # a summary.json: its config section
        d = d["config"]
    unknown = set(d) - set(SECTIONS)
    if unknown:
        raise ConfigError(sorted(unknown)[0], d[sorted(unknown)[0]], "only data, model, weighting, train sections")
    for section, part in d.items():
        if not isinstance(part, dict):
            raise ConfigError(section, part, f"a JSON object of {section} settings")
    flat: dict[str, Any] = {}
    for section in ("data", "model", "weighting"):
        part = dict(d.get(section, {}))
        if "id" in part:
            flat[section] = part.pop("id")
        flat.update({f"{section}.{k}": v for k, v in part.items()})
    flat.update({f"train.{k}": v for k, v in dict(d.get("train", {})).items()})
    return from_flat(flat)


def default_config(**flat: Any) -> ExperimentConfig:
    return from_flat(flat)


def is_per_run(key: str, cfg: ExperimentConfig) -> bool:
    """Whether a flat key may take different values between the runs of one batch."""
    section, _, name = key.partition(".")
    if not name:
        return False
    specs = specs_of(section, None if section == "train" else getattr(cfg, section).id)
    return any(p.name == name and p.per_run for p in specs)


__all__ = ["ExperimentConfig", "DataConfig", "ModelConfig", "WeightingConfig", "TrainConfig", "TRAIN_PARAMS",
           "TRAIN_SPECS", "DEFAULT_IDS", "REGISTRIES", "validate", "is_checked", "from_flat", "from_flat_lenient",
           "from_json", "default_config", "specs_of", "is_per_run", "replace"]
