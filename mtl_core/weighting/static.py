"""Static weights: Σ_k w_k L_k with hand-chosen, fixed w_k (the classic grid-searched baseline)."""
from __future__ import annotations

import torch

from ..params import Param, per_task
from .base import StepContext, Weighting
from .registry import WeightingInfo


class StaticWeighting(Weighting):
    """Fixed task weights. One value is broadcast to every task, or give one per task."""

    def __init__(self, tasks, seeds, weights=(1.0,)):
        super().__init__(tasks, seeds, weights=weights)
        self.w = torch.tensor(per_task(tuple(weights), self.n_tasks, "weighting.weights"))  # (T,)

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        per_task(tuple(params["weights"]), len(tasks), "weighting.weights")

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        return self.w.to(losses).expand_as(losses)  # (R, T)


INFO = WeightingInfo(
    id="static", name="Static weights", paper="(hand-tuned baseline)", year=0,
    params=(Param("weights", (1.0,), "task weights: one for all tasks or one per task", kind="floats",
                  low=0.0, high=100.0),),
    cls=StaticWeighting, description="Multiply each task loss by a fixed weight you choose.")
