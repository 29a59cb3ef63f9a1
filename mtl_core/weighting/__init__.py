"""Loss-weighting strategies. `WEIGHTINGS` maps id -> WeightingInfo; UI, CLI and tests iterate it.

One small module per strategy (each citing its paper); `base` holds the contract (`Weighting`,
`GradientWeighting`, `StepContext`), `solvers` the numerical pieces they share.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module

from ..data.base import TaskSpec
from ..params import ConfigError, resolve_params
from .base import GradientWeighting, StepContext, Weighting
from .registry import WeightingInfo

# The registry: module names, in the order menus, tables and charts list them (EW, the reference, first).
_ORDER = (
    "ew", "static", "ple_decay", "uw", "gradnorm", "dwa", "rlw", "pcgrad", "mgda", "cagrad", "nash_mtl",
    "famo", "gradvac", "imtl", "aligned_mtl", "db_mtl", "metabalance",
    "gls", "graddrop", "upgrad", "dualproj", "config", "moco",
    "stch", "excess_mtl", "fairgrad", "sdmgrad", "modo", "auto_lambda", "multibalance",
)
WEIGHTINGS: dict[str, WeightingInfo] = {m.INFO.id: m.INFO for m in (import_module(f".{n}", __name__) for n in _ORDER)}


def build_weighting(wid: str, tasks: tuple[TaskSpec, ...], seeds: list[int],
                    params: Mapping | Sequence[Mapping] | None = None, checked: bool = False) -> Weighting:
    """The strategy `wid` for len(seeds) runs. `params` is one dict (the same values for every run) or a
    list of one dict per run: parameters marked `per_run` may then differ between runs, the others must
    be equal (ConfigError naming the field otherwise). checked: the dicts are validated configs' (every
    parameter present and typed), so they are not parsed again."""
    if wid not in WEIGHTINGS:
        raise ConfigError("weighting", wid, "one of " + ", ".join(WEIGHTINGS))
    info = WEIGHTINGS[wid]
    given = [params] if params is None or isinstance(params, Mapping) else list(params)
    if len(given) not in (1, len(seeds)):
        raise ConfigError("weighting", f"{len(given)} parameter sets",
                          f"one parameter set, or one per run ({len(seeds)})")
    resolved = [dict(p) if checked else resolve_params(info.params, p, "weighting") for p in given]
    kwargs = {}
    for p in info.params:
        values = [r[p.name] for r in resolved]
        if all(v == values[0] for v in values):
            kwargs[p.name] = values[0]
        elif p.per_run:
            kwargs[p.name] = values  # a list: one value per run
        else:
            raise ConfigError(f"weighting.{p.name}", values,
                              "the same value for every run of a batch (this parameter cannot differ between runs)")
    return info.cls(tasks, seeds, **kwargs)


__all__ = ["WEIGHTINGS", "WeightingInfo", "Weighting", "GradientWeighting", "StepContext", "build_weighting"]
