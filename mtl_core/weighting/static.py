"""Static weights: Σ_k w_k L_k with hand-chosen, fixed w_k (the classic grid-searched baseline).

A grid of static weights traces the Pareto front that adaptive strategies are judged against (e.g. the
"scalarization" baseline of Xin et al., "Do Current Multi-Task Optimization Methods in Deep Learning Even
Help?", NeurIPS 2022); `weights` is a per-run parameter, so a whole grid trains as one batch.
"""
from __future__ import annotations

import torch

from ..params import Param, per_task
from .base import StepContext, Weighting
from .registry import WeightingInfo


class StaticWeighting(Weighting):
    """Fixed task weights. One value is broadcast to every task, or give one per task."""

    def __init__(self, tasks, seeds, weights=(1.0,)):
        super().__init__(tasks, seeds)
        self.w = self.per_run("weights", weights, per_task=True, attr="w")  # (R, T)

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        per_task(tuple(params["weights"]), len(tasks), "weighting.weights")

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        return self.w.to(losses.dtype)  # (R, T)


INFO = WeightingInfo(
    id="static", name="Static weights", paper="(hand-tuned baseline)", year=0,
    params=(Param("weights", (1.0,), "task weights: one for all tasks or one per task", kind="floats",
                  low=0.0, high=100.0, per_run=True, label="Task weights"),),
    cls=StaticWeighting, description="Multiply each task loss by a fixed weight you choose.")
