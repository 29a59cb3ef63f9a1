"""Architectures. `ARCHITECTURES` maps id -> ArchInfo; UI, CLI and tests iterate it."""
from __future__ import annotations

from importlib import import_module

from ..data.base import DatasetSpec
from ..params import ConfigError, resolve_params
from .base import ModelOutput, MTLModel, count_parameters
from .registry import ArchInfo

# The registry: module names, in the order menus and tables list them.
_ORDER = (
    "single_task", "shared_bottom", "cross_stitch", "omoe", "mmoe", "cgc", "ple", "esmm", "aitm",
    "asymmetric", "snr", "dselect_k",  # the model zoo: other sharing patterns
    "esmm_ns", "ipw", "escm2",  # the funnel comparison's models
    "adatt", "pepnet", "stem", "home",  # industrial architectures for many tasks (the feed world)
)
ARCHITECTURES: dict[str, ArchInfo] = {m.INFO.id: m.INFO for m in (import_module(f".{n}", __name__) for n in _ORDER)}


def build_model(arch: str, spec: DatasetSpec, params: dict | None = None, checked: bool = False) -> MTLModel:
    """Build architecture `arch` for a dataset spec; params are validated against the registry, unless
    `checked`: they are a validated config's (every parameter present, typed, fitting the dataset)."""
    if checked:
        return ARCHITECTURES[arch].cls(spec, **params)
    if arch not in ARCHITECTURES:
        raise ConfigError("model", arch, "one of " + ", ".join(ARCHITECTURES))
    info = ARCHITECTURES[arch]
    reason = info.supports(spec)
    if reason:
        raise ConfigError("model", arch, f"a model that fits this dataset: {info.name} {reason}")
    return info.cls(spec, **resolve_params(info.params, params, "model"))


__all__ = ["ARCHITECTURES", "ArchInfo", "ModelOutput", "MTLModel", "build_model", "count_parameters"]
