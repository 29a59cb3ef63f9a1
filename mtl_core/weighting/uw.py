"""UW: uncertainty weighting with learned homoscedastic task variances.

Kendall, Gal, Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry and
Semantics", CVPR 2018. With s_k = log σ_k² learned alongside the model:
regression 0.5·e^{−s}·L + 0.5·s, classification e^{−s}·L + 0.5·s.
"""
from __future__ import annotations

import torch
from torch import nn

from .base import StepContext, Weighting
from .registry import WeightingInfo


class UncertaintyWeighting(Weighting):
    """The weight of task k is the factor multiplying its loss, c_k·e^{−s_k} (c = 0.5 regression, 1 binary)."""

    def __init__(self, tasks, seeds):
        super().__init__(tasks, seeds)
        self.s = nn.Parameter(torch.zeros(self.n_runs, self.n_tasks))  # (R, T) log σ²
        c = [0.5 if t.kind == "regression" else 1.0 for t in tasks]
        self.register_buffer("c", torch.tensor(c), persistent=False)  # (T,)

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        return self.c * torch.exp(-self.s)  # (R, T), attached to s: the base's backward trains it

    def penalty(self) -> torch.Tensor:
        return 0.5 * self.s.sum()

    def state(self) -> dict:
        return {"sigma2": self.s.detach().exp()}  # (R, T)


INFO = WeightingInfo(
    id="uw", name="Uncertainty weighting (UW)",
    paper="Kendall, Gal, Cipolla, Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry "
          "and Semantics", year=2018, params=(), cls=UncertaintyWeighting,
    description="Learn each task's noise variance σ²; noisy tasks get weight ∝ 1/σ², plus a log σ penalty.")
