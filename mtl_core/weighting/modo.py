"""MoDo: multi-objective gradient with double sampling.

Chen, Fernando, Ying, Chen, "Three-Way Trade-Off in Multi-Objective Learning: Optimization, Generalization
and Conflict-Avoidance", NeurIPS 2023 (JMLR 2024). MGDA's weights λ on the simplex are not solved for at each
step but tracked by ONE projected gradient step on ½||Gᵀλ||² per training step,
    λ ← Π_simplex(λ − γ·(G₁G₂ᵀλ + ρ·λ)),
and the model moves along Gᵀλ. With γ small the weights move slowly (close to the fixed initial weights,
good generalisation); with γ large they track MGDA's min-norm point (conflict avoidance).

The paper's G₁, G₂ come from two independent batches (and the update from a third), so that G₁G₂ᵀ is an
unbiased estimate of GGᵀ. The engine gives one batch per step, so the double sampling is approximated by
that single batch: G₁ = G₂ = G (biased towards larger norms, cheaper). The Gram matrix is used unnormalised,
as in the authors' code and LibMTL, so γ depends on the gradients' scale. The update is T·Gᵀλ (EW's scale
at λ = 1/T); the reference code applies Gᵀλ.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .simplex import project_to_simplex
from .solvers import gram


class MoDo(GradientWeighting):
    """Effective weights: T·λ (R, T), summing to T."""

    def __init__(self, tasks, seeds, lr=0.1, l2=0.1):
        super().__init__(tasks, seeds)
        self.lr = self.per_run("lr", lr)  # (R, 1) γ
        self.l2 = self.per_run("l2", l2)  # (R, 1) ρ
        self.register_buffer("lam", torch.full((self.n_runs, self.n_tasks), 1.0 / self.n_tasks,
                                                device=self.device), persistent=False)  # (R, T)

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        M = gram(grads)  # (R, T, T)
        lam = self.lam.to(M.dtype)
        step = (M @ lam[:, :, None])[:, :, 0] + self.l2.to(M.dtype) * lam  # (R, T)
        lam = project_to_simplex(lam - self.lr.to(M.dtype) * step)
        self.lam = lam.to(self.lam.dtype)
        w = (self.n_tasks * lam).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="modo", name="MoDo (double sampling)",
    paper="Chen et al., Three-Way Trade-Off in Multi-Objective Learning: Optimization, Generalization and "
          "Conflict-Avoidance", year=2023,
    params=(Param("lr", 0.1, "step size γ of the task weights' update (0 = fixed equal weights; large = track "
                             "MGDA's min-norm weights)", low=0.0, high=100.0, per_run=True, label="Learning rate"),
            Param("l2", 0.1, "ρ: L2 regularisation of the task weights, pulling them towards equal", low=0.0,
                  high=10.0, per_run=True)),
    cls=MoDo, description="Move MGDA's task weights by one small projected-gradient step per training step instead "
                          "of solving for them: a dial between fixed weights and conflict avoidance.")
