"""GradVac: Gradient Vaccine, set a target for the cosine of every pair of task gradients.

Wang, Tsvetkov, Firat, Cao, "Gradient Vaccine: Investigating and Improving Multi-task Optimization in
Massively Multilingual Models", ICLR 2021.
Each ordered pair (i, j) keeps a target cosine φ̂_ij, an EMA of the cosines seen (initially 0):
φ̂_ij ← (1 − β)·φ̂_ij + β·φ_ij. For each task i, visiting the other tasks j in random order, with
φ_ij = cos(g_i', g_j): if φ_ij < φ̂_ij, add to g_i' the multiple of g_j that raises the cosine to exactly φ̂_ij,
    g_i' += ||g_i'||·(φ̂_ij·√(1 − φ_ij²) − φ_ij·√(1 − φ̂_ij²)) / (||g_j||·√(1 − φ̂_ij²)) · g_j.
The update is Σ_i g_i'. While φ̂ = 0 this is PCGrad's projection; unlike PCGrad, a positive target also
pulls together gradients that are not in conflict but less aligned than they usually are.
Here on the whole vector of shared parameters (the reference implementations also offer per-layer targets).
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo

_EPS = 1e-8  # as in the reference implementation (LibMTL)


class GradVac(GradientWeighting):
    """Reports exact effective weights: with g_i' = Σ_k C_ik g_k, task k's weight is Σ_i C_ik (all ones when
    every cosine is at or above its target). `state()` reports each task's mean target cosine with the others."""

    def __init__(self, tasks, seeds, beta=0.01):
        super().__init__(tasks, seeds)
        self.beta = self.per_run("beta", beta)  # (R, 1) EMA rate of the target cosines
        T = self.n_tasks
        target = torch.zeros(self.n_runs, T, T, device=self.device)  # (R, T, T) φ̂_ij
        self.register_buffer("target", target, persistent=False)

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        R, T, _ = grads.shape
        order = self.randn(T, T).to(grads.device).argsort(dim=2)  # (R, T, T): run r, task i's visiting order
        norms = grads.norm(dim=2)  # (R, T) ||g_j||
        rows = torch.arange(R, device=grads.device)
        beta = self.beta[:, 0].to(grads.dtype)  # (R,)
        target = self.target.to(grads.dtype)  # (R, T, T) φ̂ before this step (the update below writes a copy)
        new_target = target.clone()
        vaccinated, coef = [], []
        for i in range(T):
            gi = grads[:, i].clone()  # (R, P)
            ci = torch.zeros(R, T, dtype=grads.dtype, device=grads.device)  # (R, T): g_i' = Σ_k ci_k g_k
            ci[:, i] = 1.0
            for p in range(T):
                j = order[:, i, p]  # (R,)
                gj, nj = grads[rows, j], norms[rows, j]  # (R, P), (R,)
                ni = gi.norm(dim=1)  # (R,)
                other = (j != i) & (nj > 0) & (ni > 0)  # a task without gradient has no direction
                phi = (gi * gj).sum(1) / (ni * nj + _EPS)  # (R,) cosine of g_i' and g_j
                tgt = target[rows, i, j]  # (R,)
                sin_phi = (1 - phi ** 2).clamp_min(0).sqrt()
                sin_tgt = (1 - tgt ** 2).clamp_min(0).sqrt()
                a = ni * (tgt * sin_phi - phi * sin_tgt) / (nj * sin_tgt + _EPS)  # (R,)
                a = torch.where(other & (phi < tgt), a, torch.zeros_like(a))
                gi = gi + a[:, None] * gj
                ci[rows, j] += a
                ema = (1 - beta) * tgt + beta * phi  # φ̂ follows the cosine measured before the correction
                new_target[rows, i, j] = torch.where(other, ema, tgt)
            vaccinated.append(gi)
            coef.append(ci)
        self.target = new_target.to(self.target.dtype)
        combined = torch.stack(vaccinated, 1).sum(1)  # (R, P)
        return combined, torch.stack(coef, 1).sum(1)  # (R, T)

    def state(self) -> dict[str, torch.Tensor]:
        T = self.n_tasks
        if T < 2:
            return {}
        off = ~torch.eye(T, dtype=torch.bool, device=self.target.device)
        return {"target_cos": (self.target * off).sum(2) / (T - 1)}  # (R, T)


INFO = WeightingInfo(
    id="gradvac", name="GradVac (gradient vaccine)",
    paper="Wang et al., Gradient Vaccine: Investigating and Improving Multi-task Optimization in Massively "
          "Multilingual Models", year=2021,
    params=(Param("beta", 0.01, "rate of the moving average that sets each pair's target cosine "
                                "(0 = target stays 0, i.e. PCGrad)", low=0.0, high=1.0, per_run=True),),
    cls=GradVac, description="Give every pair of tasks a target gradient cosine (a moving average of the cosines "
                             "seen) and, when a pair falls below it, add just enough of one gradient to the other "
                             "to reach it.")
