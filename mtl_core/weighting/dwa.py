"""DWA: Dynamic Weight Average.

Liu, Johns, Davison, "End-to-End Multi-Task Learning with Attention" (MTAN), CVPR 2019:
λ_k = K·softmax_k(r_k / temp), r_k = L_k(e−1) / L_k(e−2), from each epoch's mean training loss.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import StepContext, Weighting
from .registry import WeightingInfo


class DynamicWeightAverage(Weighting):
    """A task whose loss fell less over the last epoch gets more weight. Weights are 1 for the first two epochs."""

    def __init__(self, tasks, seeds, temperature=2.0):
        super().__init__(tasks, seeds)
        self.temperature = self.per_run("temperature", temperature)  # (R, 1)
        self.history: list[torch.Tensor] = []  # epoch-mean losses, each (R, T)

    def on_epoch_end(self, epoch: int, mean_losses: torch.Tensor) -> None:
        self.history = (self.history + [mean_losses.detach().clone()])[-2:]

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        if len(self.history) < 2:
            return torch.ones_like(losses)
        ratio = self.history[-1] / self.history[-2].clamp_min(1e-12)  # (R, T)
        return (self.n_tasks * torch.softmax(ratio.to(self.device) / self.temperature, dim=1)).to(losses.dtype)


INFO = WeightingInfo(
    id="dwa", name="Dynamic Weight Average (DWA)",
    paper="Liu, Johns, Davison, End-to-End Multi-Task Learning with Attention", year=2019,
    params=(Param("temperature", 2.0, "softmax temperature: higher = weights closer to 1", low=0.05, high=100.0,
                  per_run=True, label="Temperature T"),),
    cls=DynamicWeightAverage,
    description="Weights from how fast each loss fell last epoch: slower tasks get more weight.")
