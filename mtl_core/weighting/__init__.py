"""Loss-weighting strategies. `WEIGHTINGS` maps id -> WeightingInfo; UI, CLI and tests iterate it."""
from __future__ import annotations

from ..data.base import TaskSpec
from ..params import ConfigError, resolve_params
from .base import GradientWeighting, StepContext, Weighting
from .registry import WeightingInfo
from . import cagrad, dwa, ew, gradnorm, mgda, nash_mtl, pcgrad, ple_decay, rlw, static, uw

_ORDER = (ew, static, ple_decay, uw, gradnorm, dwa, rlw, pcgrad, mgda, cagrad, nash_mtl)
WEIGHTINGS: dict[str, WeightingInfo] = {m.INFO.id: m.INFO for m in _ORDER}


def build_weighting(wid: str, tasks: tuple[TaskSpec, ...], seeds: list[int], params: dict | None = None
                    ) -> Weighting:
    if wid not in WEIGHTINGS:
        raise ConfigError("weighting", wid, "one of " + ", ".join(WEIGHTINGS))
    info = WEIGHTINGS[wid]
    return info.cls(tasks, seeds, **resolve_params(info.params, params, "weighting"))


__all__ = ["WEIGHTINGS", "WeightingInfo", "Weighting", "GradientWeighting", "StepContext", "build_weighting"]
