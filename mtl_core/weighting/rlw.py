"""RLW: random loss weighting.

Lin, Ye, Xu, Shi, Zhang, "Reasonable Effectiveness of Random Weighting: A Litmus Test for Multi-Task
Learning", TMLR 2022. Each step draws w = softmax(z), z ~ N(0, I); here times T so weights average
around 1 like EW.
"""
from __future__ import annotations

import torch

from .base import StepContext, Weighting
from .registry import WeightingInfo


class RandomLossWeighting(Weighting):
    """Fresh random weights every step, from each run's own generator."""

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        z = self.randn(self.n_tasks).to(losses)  # (R, T)
        return self.n_tasks * torch.softmax(z, dim=1)


INFO = WeightingInfo(
    id="rlw", name="Random loss weighting (RLW)",
    paper="Lin et al., Reasonable Effectiveness of Random Weighting: A Litmus Test for Multi-Task Learning",
    year=2022, params=(), cls=RandomLossWeighting,
    description="Random weights T·softmax(N(0, I)) each step: the litmus test other methods should beat.")
