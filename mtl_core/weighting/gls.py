"""GLS: geometric loss strategy.

Chennupati, Sistu, Yogamani, Rawashdeh, "MultiNet++: Multi-Stream Feature Aggregation and Geometric Loss
Strategy for Multi-Task Learning", CVPR Workshops 2019. Minimise the geometric mean of the task losses,
(Π_k L_k)^{1/T}. Its gradient is Σ_k (G/(T·L_k))·∇L_k with G the geometric mean: each task is weighted
by the inverse of its own loss, so a loss that is 100 times larger is not 100 times louder (the
geometric mean does not change when one loss is multiplied by a constant, up to a common factor).

Trained here on T·G, whose weights G/L_k average 1 when every loss is equal (EW's scale). A task with a
zero loss this step (no samples of its space in the batch) is left out of the product. LibMTL backpropagates
G itself (weights 1/T of these) and reports L_k/(T·Π_j L_j), not the gradient's coefficients.
"""
from __future__ import annotations

import torch

from .base import StepContext, Weighting
from .registry import WeightingInfo

_TINY = 1e-12  # a loss at or below it counts as absent


def gls_weights(losses: torch.Tensor) -> torch.Tensor:
    """Losses (R, T) -> weights G/L_k (R, T), G the geometric mean of each run's positive losses."""
    live = losses > _TINY
    logs = torch.where(live, losses.clamp_min(_TINY).log(), 0.0)
    geo = (logs.sum(1) / live.sum(1).clamp_min(1)).exp()  # (R,)
    return torch.where(live, geo[:, None] / losses.clamp_min(_TINY), 0.0)


class GLS(Weighting):
    """Weights G/L_k, computed from the detached losses: Σ_k w_k ∇L_k = T·∇G exactly."""

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        return gls_weights(losses.detach())


INFO = WeightingInfo(
    id="gls", name="GLS (geometric mean of losses)",
    paper="Chennupati et al., MultiNet++: Multi-Stream Feature Aggregation and Geometric Loss Strategy for "
          "Multi-Task Learning", year=2019, params=(), cls=GLS,
    description="Minimise the geometric mean of the task losses: each task is weighted by the inverse of its "
                "own loss, so the scale of a loss does not decide how loud it is.")
