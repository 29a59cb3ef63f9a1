"""Nash-MTL: the Nash bargaining solution between tasks.

Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik, Fetaya, "Multi-Task Learning as a Bargaining
Game", ICML 2022. The update is Σ_k α_k g_k with α > 0 solving (GGᵀ)α = 1/α elementwise
(G: the task gradients as rows); the solver (Newton's method on a convex potential instead of the
paper's sequence of convex programs) is `solvers.nash_weights`.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .solvers import gram, nash_weights


class NashMTL(GradientWeighting):
    """Effective weights are the coefficients of each g_k in the applied gradient: α_k, times the
    clipping factor when ||Σ α_k g_k|| exceeds max_norm (which rescales every task alike)."""

    def __init__(self, tasks, seeds, update_weights_every=1, max_norm=1.0):
        super().__init__(tasks, seeds)
        self.every = update_weights_every
        self.max_norm = self.per_run("max_norm", max_norm)  # (R, 1); 0 disables clipping
        self.alpha: torch.Tensor | None = None  # (R, T), reused between updates
        self.calls = 0

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        if self.alpha is None or self.calls % self.every == 0:
            self.alpha = nash_weights(gram(grads)).to(grads.dtype)  # (R, T)
        self.calls += 1
        norm = torch.einsum("rt,rtp->rp", self.alpha, grads).norm(dim=1, keepdim=True)  # (R, 1)
        max_norm = self.max_norm.to(grads.dtype)  # (R, 1)
        clip = torch.where(max_norm > 0, (max_norm / norm.clamp_min(1e-12)).clamp(max=1.0), 1.0)  # (R, 1)
        w = self.alpha * clip  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="nash_mtl", name="Nash-MTL (bargaining)",
    paper="Navon et al., Multi-Task Learning as a Bargaining Game", year=2022,
    params=(Param("update_weights_every", 1, "recompute α every this many steps (reuse it in between)",
                  low=1, high=1000, label="Update weights every (steps)"),
            Param("max_norm", 1.0, "clip the combined shared gradient to this norm (0 disables)",
                  low=0.0, high=1000.0, per_run=True, label="Gradient clip norm")),
    cls=NashMTL, description="Each task bargains for its share: solve (GGᵀ)α = 1/α, so every task gets a "
                             "proportional improvement and no task dominates.")
