"""Experiment configuration: frozen dataclasses and the one validation path used by UI, CLI and files.

A config is four sections: data, model, weighting (each an id plus its hyper-parameters from the
registry) and train. `validate()` fills defaults, parses and range-checks every value and rejects
combinations that cannot train, always with a ConfigError naming the field. Configs round-trip to a
flat {str: str} dict (URL query parameters) and to JSON.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Mapping

from .data import DATASETS
from .models import ARCHITECTURES
from .params import ConfigError, Param, resolve_params
from .weighting import WEIGHTINGS


def _frozen(d: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class DataConfig:
    id: str = "synthetic"
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))


@dataclass(frozen=True)
class ModelConfig:
    id: str = "mmoe"
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))


@dataclass(frozen=True)
class WeightingConfig:
    id: str = "ew"
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))


TRAIN_PARAMS = (
    Param("epochs", 20, "passes over the training data", low=1, high=1000),
    Param("batch_size", 128, "samples per optimisation step", low=1, high=65536),
    Param("lr", 1e-3, "learning rate", low=1e-6, high=100.0),
    Param("optimizer", "adam", "optimiser", choices=("adam", "adamw", "sgd")),
    Param("weight_decay", 0.0, "L2 penalty / decoupled weight decay", low=0.0, high=1.0),
    Param("seed", 0, "seed of the data draw, the initialisation and the batch order", low=0, high=2**31 - 1),
    Param("device", "auto", "where to train: auto picks CUDA, then MPS, then CPU",
          choices=("auto", "cpu", "cuda", "mps")),
    Param("baseline", False, "also train single-task baselines on the same data and budget"),
    Param("snapshots_per_epoch", 4, "evaluations (live-view updates) per epoch", low=1, high=1000),
)
_TRAIN_SPECS = {p.name: p for p in TRAIN_PARAMS}


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 20
    batch_size: int = 128
    lr: float = 1e-3
    optimizer: str = "adam"
    weight_decay: float = 0.0
    seed: int = 0
    device: str = "auto"
    baseline: bool = False
    snapshots_per_epoch: int = 4


@dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    weighting: WeightingConfig = field(default_factory=WeightingConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    # ---- conversions ----------------------------------------------------------------------
    def to_flat(self) -> dict[str, str]:
        """{"data": "synthetic", "data.rho": "0.5", ..., "train.lr": "0.001"}: every value a string."""
        cfg = validate(self)
        out: dict[str, str] = {}
        for section, registry in (("data", DATASETS), ("model", ARCHITECTURES), ("weighting", WEIGHTINGS)):
            part = getattr(cfg, section)
            out[section] = part.id
            for spec in registry[part.id].params:
                out[f"{section}.{spec.name}"] = spec.format(part.params[spec.name])
        for f in fields(TrainConfig):
            out[f"train.{f.name}"] = _TRAIN_SPECS[f.name].format(getattr(cfg.train, f.name))
        return out

    def to_dict(self) -> dict:
        cfg = validate(self)
        return {"data": {"id": cfg.data.id, **dict(cfg.data.params)},
                "model": {"id": cfg.model.id, **dict(cfg.model.params)},
                "weighting": {"id": cfg.weighting.id, **dict(cfg.weighting.params)},
                "train": {f.name: getattr(cfg.train, f.name) for f in fields(TrainConfig)}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=list)

    def with_changes(self, **flat: Any) -> "ExperimentConfig":
        """Copy with some flat keys changed, e.g. with_changes(**{"data.rho": 0.9})."""
        d: dict[str, Any] = self.to_flat()
        d.update(flat)
        return from_flat(d)


# ---- construction & validation -------------------------------------------------------------------
def _section(kind: str, registry: dict, part_id: str, params: Mapping[str, Any]):
    if part_id not in registry:
        raise ConfigError(kind, part_id, "one of " + ", ".join(registry))
    return resolve_params(registry[part_id].params, dict(params), kind)


def validate(cfg: ExperimentConfig) -> ExperimentConfig:
    """Fill defaults, parse and range-check every value, refuse combinations that cannot train."""
    data_p = _section("data", DATASETS, cfg.data.id, cfg.data.params)
    model_p = _section("model", ARCHITECTURES, cfg.model.id, cfg.model.params)
    weight_p = _section("weighting", WEIGHTINGS, cfg.weighting.id, cfg.weighting.params)
    train_kw = {f.name: _TRAIN_SPECS[f.name].parse(getattr(cfg.train, f.name), f"train.{f.name}")
                for f in fields(TrainConfig)}
    spec = DATASETS[cfg.data.id].spec(data_p)
    reason = ARCHITECTURES[cfg.model.id].supports(spec)
    if reason:
        raise ConfigError("model", cfg.model.id,
                          f"an architecture that fits dataset '{cfg.data.id}' "
                          f"({ARCHITECTURES[cfg.model.id].name} {reason})")
    check = getattr(WEIGHTINGS[cfg.weighting.id].cls, "check_params", None)
    if check:
        check(weight_p, spec.tasks)
    return ExperimentConfig(DataConfig(cfg.data.id, data_p), ModelConfig(cfg.model.id, model_p),
                            WeightingConfig(cfg.weighting.id, weight_p), TrainConfig(**train_kw))


def _split_flat(flat: Mapping[str, Any]) -> tuple[dict, dict]:
    sections: dict[str, dict] = {"data": {}, "model": {}, "weighting": {}, "train": {}}
    ids: dict[str, str] = {}
    for key, value in flat.items():
        head, _, name = key.partition(".")
        if head not in sections:
            raise ConfigError(key, value, "a key starting with data., model., weighting. or train.")
        if not name:
            if head == "train":
                raise ConfigError(key, value, "train.<setting>")
            ids[head] = str(value)
        else:
            sections[head][name] = value
    return ids, sections


def from_flat(flat: Mapping[str, Any]) -> ExperimentConfig:
    """Strict: any unknown key or invalid value raises ConfigError. Missing keys take defaults."""
    ids, sec = _split_flat(flat)
    for name in sec["train"]:
        if name not in _TRAIN_SPECS:
            raise ConfigError(f"train.{name}", sec["train"][name], "one of " + ", ".join(_TRAIN_SPECS))
    train = TrainConfig(**{n: _TRAIN_SPECS[n].parse(v, f"train.{n}") for n, v in sec["train"].items()})
    defaults = ExperimentConfig()
    cfg = ExperimentConfig(DataConfig(ids.get("data", defaults.data.id), sec["data"]),
                           ModelConfig(ids.get("model", defaults.model.id), sec["model"]),
                           WeightingConfig(ids.get("weighting", defaults.weighting.id), sec["weighting"]),
                           train)
    return validate(cfg)


def from_flat_lenient(flat: Mapping[str, Any]) -> tuple[ExperimentConfig, list[str]]:
    """For URLs: drop each invalid entry (falling back to its default) and say which, instead of raising."""
    current = {str(k): v for k, v in flat.items()}
    warnings: list[str] = []
    for _ in range(len(current) + 1):
        try:
            return from_flat(current), warnings
        except ConfigError as err:
            key = err.field if err.field in current else next(
                (k for k in current if k == err.field or err.field.startswith(k + ".")), None)
            if key is None:  # an incompatible combination: fall back on the model
                key = "model" if "model" in current else next(iter(current), None)
            if key is None:
                break
            warnings.append(f"{err} — using the default for '{key}' instead")
            current.pop(key)
            if key in ("data", "model", "weighting"):  # its parameters belonged to the dropped choice
                for k in [k for k in current if k.startswith(key + ".")]:
                    current.pop(k)
    return validate(ExperimentConfig()), warnings


def from_json(text: str) -> ExperimentConfig:
    try:
        d = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError("config file", text[:40], f"valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(d, dict):
        raise ConfigError("config file", type(d).__name__, "a JSON object with data/model/weighting/train")
    flat: dict[str, Any] = {}
    for section in ("data", "model", "weighting"):
        part = dict(d.get(section, {}))
        if "id" in part:
            flat[section] = part.pop("id")
        flat.update({f"{section}.{k}": v for k, v in part.items()})
    flat.update({f"train.{k}": v for k, v in dict(d.get("train", {})).items()})
    unknown = set(d) - {"data", "model", "weighting", "train"}
    if unknown:
        raise ConfigError(sorted(unknown)[0], d[sorted(unknown)[0]], "only data, model, weighting, train sections")
    return from_flat(flat)


def default_config(**flat: Any) -> ExperimentConfig:
    return from_flat(flat)


__all__ = ["ExperimentConfig", "DataConfig", "ModelConfig", "WeightingConfig", "TrainConfig", "TRAIN_PARAMS",
           "validate", "from_flat", "from_flat_lenient", "from_json", "default_config", "replace"]
