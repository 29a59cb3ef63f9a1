"""UW: uncertainty weighting with learned homoscedastic task variances.

Kendall, Gal, Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry and
Semantics", CVPR 2018. With s_k = log σ_k² learned alongside the model:
regression 0.5·e^{−s}·L + 0.5·s, classification e^{−s}·L + 0.5·s.
"""
from __future__ import annotations

import torch

from .base import StepContext, Weighting
from .registry import WeightingInfo


class UncertaintyWeighting(Weighting):
    """The weight of task k is the factor multiplying its loss, c_k·e^{−s_k} (c = 0.5 regression, 1 binary)."""

    def __init__(self, tasks, seeds):
        super().__init__(tasks, seeds)
        self.s = torch.zeros(self.n_runs, self.n_tasks, requires_grad=True)  # (R, T) log σ²
        self.c = torch.tensor([0.5 if t.kind == "regression" else 1.0 for t in tasks])  # (T,)

    def to(self, device):
        super().to(device)
        self.s = self.s.detach().to(device).requires_grad_()
        self.c = self.c.to(device)
        return self

    def parameters(self):
        return [self.s]

    def state(self) -> dict:
        return {"sigma2": self.s.detach().exp()}

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        factor = self.c.to(losses) * torch.exp(-self.s)  # (R, T)
        (factor * losses + 0.5 * self.s).sum().backward()
        return factor.detach()


INFO = WeightingInfo(
    id="uw", name="Uncertainty weighting (UW)",
    paper="Kendall, Gal, Cipolla, Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry "
          "and Semantics", year=2018, params=(), cls=UncertaintyWeighting,
    description="Learn each task's noise variance σ²; noisy tasks get weight ∝ 1/σ², plus a log σ penalty.")
