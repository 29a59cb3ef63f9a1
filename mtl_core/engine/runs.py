"""What one run of a batch is, and which settings may differ between the runs of one batch.

Runs of one batch share every tensor shape, so only parameters declared `per_run` (data knobs such as
ρ or noise, weighting hyper-parameters such as static weights, the learning rate) may differ; a grid
that varies anything else is split into one batch per value by `mtl_core.grid`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..config import ExperimentConfig, is_per_run
from ..params import ConfigError


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: its seed and flat-key overrides of the batch's configuration,
    e.g. RunSpec(3, {"data.rho": 0.9, "weighting.weights": (1.0, 3.0), "train.lr": 0.01})."""

    seed: int
    overrides: Mapping[str, Any] = field(default_factory=dict)


def run_configs(cfg: ExperimentConfig, runs: Sequence[RunSpec]) -> list[ExperimentConfig]:
    """Each run's validated configuration; refuses overrides that would change tensor shapes."""
    out = []
    for run in runs:
        for key in run.overrides:
            if not is_per_run(key, cfg):
                raise ConfigError(key, run.overrides[key], "the same value for every run of a batch (this "
                                  "setting changes tensor shapes or control flow; run_grid splits such "
                                  "grids into one batch per value)")
        overrides = {**run.overrides, "train.seed": run.seed}
        out.append(cfg.with_changes(**overrides))
    return out
