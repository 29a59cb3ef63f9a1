"""DB-MTL: Dual-Balancing Multi-Task Learning.

Lin, Jiang, Ye, Zhang, Chen, Chen, Liu, Kwok, "Dual-Balancing Multi-Task Learning", arXiv 2308.12029, 2023.
Two balances. Loss scale: train on log L_k (its gradient ∇L_k/L_k does not change when a loss is
multiplied by a constant). Gradient magnitude: keep an EMA of each task's log-loss gradient on the
shared parameters, ĝ_k ← β_t·ĝ_k + (1 − β_t)·∇log L_k with β_t = β / t^σ (ĝ_k = 0 at first), and
rescale every one to the LARGEST norm: the update is Σ_k (max_j ||ĝ_j|| / ||ĝ_k||)·ĝ_k, so every task
pushes the shared parameters equally hard. Task-specific parameters train on Σ_k log L_k
(as in the reference implementation, LibMTL).
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo

_EPS = 1e-8  # log(L + 1e-8) and ||ĝ|| + 1e-8, as the reference implementation


class DBMTL(GradientWeighting):
    """Effective weights, on each task's raw loss gradient: α_k / L_k with α_k = max_j ||ĝ_j|| / ||ĝ_k||
    (exact with β = 0; with the EMA, α_k applies to the running average of ∇L_k/L_k). A task whose loss is 0
    this step (no samples of its space in the batch) has no gradient and is reported with weight 0."""

    def __init__(self, tasks, seeds, beta=0.9, beta_sigma=0.0):
        super().__init__(tasks, seeds)
        self.beta = self.per_run("beta", beta)  # (R, 1) EMA rate of the gradients
        self.beta_sigma = self.per_run("beta_sigma", beta_sigma)  # (R, 1) decay of β with the step count
        self.buffer: torch.Tensor | None = None  # (R, T, P) ĝ, the EMA of the log-loss gradients
        self.t = 0
        self._raw: torch.Tensor | None = None  # (R, T) this step's losses

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        self._raw = losses.detach()
        return super().backward(torch.log(losses + _EPS), ctx)

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        """grads (R, T, P): gradients of log L_k on the shared parameters."""
        self.t += 1
        beta = (self.beta / self.t ** self.beta_sigma).to(grads.dtype)[:, :, None]  # (R, 1, 1) β_t
        if self.buffer is None or self.buffer.shape != grads.shape:
            self.buffer = torch.zeros_like(grads)
        self.buffer = grads + beta * (self.buffer.to(grads.dtype) - grads)  # (R, T, P) β·ĝ + (1 − β)·g
        norms = self.buffer.norm(dim=2)  # (R, T)
        alpha = norms.amax(1, keepdim=True) / (norms + _EPS)  # (R, T)
        combined = torch.einsum("rt,rtp->rp", alpha, self.buffer)  # (R, P)
        raw = self._raw.to(grads.dtype) if self._raw is not None else losses.exp()
        w = torch.where(raw > 0, alpha / (raw + _EPS), 0.0)  # (R, T)
        return combined, w


INFO = WeightingInfo(
    id="db_mtl", name="DB-MTL (dual balancing)",
    paper="Lin et al., Dual-Balancing Multi-Task Learning", year=2023,
    params=(Param("beta", 0.9, "rate of the moving average of each task's gradient (0 = this step's gradient only)",
                  low=0.0, high=0.999, per_run=True),
            Param("beta_sigma", 0.0, "σ: the moving-average rate decays as β / step^σ (0 = constant)", low=0.0,
                  high=2.0, per_run=True)),
    cls=DBMTL, description="Train on the logarithm of each loss (loss-scale balance) and rescale every task's "
                           "gradient to the largest task-gradient norm (gradient-magnitude balance).")
