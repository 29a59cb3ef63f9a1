"""PCGrad: project conflicting gradients.

Yu, Kumar, Gupta, Levine, Hausman, Finn, "Gradient Surgery for Multi-Task Learning", NeurIPS 2020.
For each task i, visit the other tasks j in random order; if g_i'·g_j < 0, remove from g_i' its
component along g_j: g_i' −= (g_i'·g_j)/||g_j||²·g_j. The update is Σ_i g_i'.
"""
from __future__ import annotations

import torch

from .base import GradientWeighting, StepContext
from .registry import WeightingInfo


class PCGrad(GradientWeighting):
    """Reports exact effective weights: with g_i' = Σ_k C_ik g_k, task k's weight is Σ_i C_ik
    (all ones when nothing conflicts, i.e. plain EW)."""

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        R, T, _ = grads.shape
        order = self.randn(T, T).to(grads.device).argsort(dim=2)  # (R, T, T): run r, task i's visiting order
        sq = (grads * grads).sum(2).clamp_min(1e-20)  # (R, T) ||g_j||²
        rows = torch.arange(R, device=grads.device)
        projected, coef = [], []
        for i in range(T):
            gi = grads[:, i].clone()  # (R, P)
            ci = torch.zeros(R, T, dtype=grads.dtype, device=grads.device)  # (R, T) g_i' = Σ_k ci_k g_k
            ci[:, i] = 1.0
            for p in range(T):
                j = order[:, i, p]  # (R,)
                gj = grads[rows, j]  # (R, P)
                dot = (gi * gj).sum(1)  # (R,)
                step = torch.where((dot < 0) & (j != i), dot / sq[rows, j], torch.zeros_like(dot))  # (R,)
                gi = gi - step[:, None] * gj
                ci[rows, j] -= step
            projected.append(gi)
            coef.append(ci)
        combined = torch.stack(projected, 1).sum(1)  # (R, P)
        return combined, torch.stack(coef, 1).sum(1)  # (R, T)


INFO = WeightingInfo(
    id="pcgrad", name="PCGrad (gradient surgery)",
    paper="Yu et al., Gradient Surgery for Multi-Task Learning", year=2020, params=(), cls=PCGrad,
    description="When two task gradients conflict, project each onto the normal plane of the other, then sum.")
