"""PLE's decaying weights: w_k(t) = ω_k · γ_k^t, t the epoch.

Tang, Liu, Zhao, Gong, "Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model
for Personalized Recommendations", RecSys 2020 (Sec. 5.3, joint loss with a per-task decay).
"""
from __future__ import annotations

import torch

from ..params import Param, per_task
from .base import StepContext, Weighting
from .registry import WeightingInfo


class PLEDecay(Weighting):
    """Each task starts at weight ω_k and is multiplied by γ_k once per epoch (γ < 1 fades a task out)."""

    def __init__(self, tasks, seeds, omega=(1.0,), gamma=(0.95,)):
        super().__init__(tasks, seeds)
        self.omega = self.per_run("omega", omega, per_task=True)  # (R, T)
        self.gamma = self.per_run("gamma", gamma, per_task=True)  # (R, T)

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        per_task(tuple(params["omega"]), len(tasks), "weighting.omega")
        per_task(tuple(params["gamma"]), len(tasks), "weighting.gamma")

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        return (self.omega * self.gamma ** ctx.epoch).to(losses.dtype)  # (R, T)


INFO = WeightingInfo(
    id="ple_decay", name="PLE decaying weights",
    paper="Tang et al., Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL) Model "
          "for Personalized Recommendations", year=2020,
    params=(Param("omega", (1.0,), "initial weight ω_k (one, or one per task)", kind="floats", low=0.0, high=100.0,
                  per_run=True, label="Initial weights ω"),
            Param("gamma", (0.95,), "per-epoch decay γ_k (one, or one per task)", kind="floats", low=0.0, high=1.0,
                  per_run=True, label="Decay γ per epoch")),
    cls=PLEDecay, description="w_k = ω_k·γ_k^epoch: a task's weight decays geometrically with the epoch.")
