"""Architectures. `ARCHITECTURES` maps id -> ArchInfo; UI, CLI and tests iterate it."""
from __future__ import annotations

from ..data.base import DatasetSpec
from ..params import ConfigError, resolve_params
from .base import ModelOutput, MTLModel, count_parameters
from .registry import ArchInfo
from . import aitm, cgc, cross_stitch, esmm, mmoe, omoe, ple, shared_bottom, single_task
from . import asymmetric, dselect_k, snr  # the model zoo: other sharing patterns
from . import escm2, esmm_ns, ipw  # the funnel comparison's models
from . import adatt, home, pepnet, stem  # industrial architectures for many tasks (the feed world)

ARCHITECTURES: dict[str, ArchInfo] = {info.id: info for info in (
    single_task.INFO, shared_bottom.INFO, cross_stitch.INFO, omoe.INFO, mmoe.INFO, cgc.INFO, ple.INFO,
    esmm.INFO, aitm.INFO, asymmetric.INFO, snr.INFO, dselect_k.INFO,
    esmm_ns.INFO, ipw.INFO, escm2.INFO,
    adatt.INFO, pepnet.INFO, stem.INFO, home.INFO,
)}


def build_model(arch: str, spec: DatasetSpec, params: dict | None = None) -> MTLModel:
    """Build architecture `arch` for a dataset spec; params are validated against the registry."""
    if arch not in ARCHITECTURES:
        raise ConfigError("model", arch, "one of " + ", ".join(ARCHITECTURES))
    info = ARCHITECTURES[arch]
    reason = info.supports(spec)
    if reason:
        raise ConfigError("model", arch, f"a model that fits this dataset: {info.name} {reason}")
    return info.cls(spec, **resolve_params(info.params, params, "model"))


__all__ = ["ARCHITECTURES", "ArchInfo", "ModelOutput", "MTLModel", "build_model", "count_parameters"]
