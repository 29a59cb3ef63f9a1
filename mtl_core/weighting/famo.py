"""FAMO: Fast Adaptive Multitask Optimization.

Liu, Feng, Stone, Liu, "FAMO: Fast Adaptive Multitask Optimization", NeurIPS 2023.
Task weights z = softmax(ξ) from logits ξ (initially 0). The model descends Σ_k z_k·log L_k, normalised:
its gradient is Σ_k c·z_k/L_k·∇L_k with c = 1/Σ_j (z_j/L_j), so the loss-based weights are
w_k = c·z_k/L_k (here times T, so they sum to T like EW's; the paper's and the reference code's sum to 1).
After the step, δ_k = log L_k(before) − log L_k(after) is each task's improvement, and the logits
descend the gradient of zᵀδ, ∇_ξ = z ⊙ (δ − zᵀδ), with Adam (learning rate `lr`, L2 decay `gamma`),
as the reference code does: a task that improved less than the average gains weight.

Where the losses after the step come from: the reference code re-evaluates the same batch after the
optimiser step; the engine does that for strategies declaring `needs_post_step_losses` (one extra forward
pass without a graph, `after_step_losses`). Driven without it, the next step's losses stand in for them
(a different batch: an unbiased but noisier δ). A task whose loss is 0 this step (no sample of its space
in the batch) gets weight 0, and where δ_k is undefined (log 0) it is taken as the others' z-weighted mean, so
its logit does not move and the other tasks are balanced among themselves.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import StepContext, Weighting
from .registry import WeightingInfo

_EPS = 1e-8  # the reference code's D = L − L_min + 1e-8, with L_min = 0
_B1, _B2, _ADAM_EPS = 0.9, 0.999, 1e-8  # torch.optim.Adam defaults


class FAMO(Weighting):
    """Loss-based: the weights T·c·z_k/L_k are applied to the losses (no per-task gradients). The logits
    ξ (R, T) are a buffer updated by the strategy's own Adam, not by the model's optimiser; `state()`
    reports z = softmax(ξ), the weights the paper plots."""

    needs_post_step_losses = True

    def __init__(self, tasks, seeds, lr=0.025, gamma=0.001):
        super().__init__(tasks, seeds)
        self.lr = self.per_run("lr", lr)  # (R, 1) step size of the logits' Adam
        self.gamma = self.per_run("gamma", gamma)  # (R, 1) L2 decay of the logits
        R, T = self.n_runs, self.n_tasks
        for name in ("xi", "m", "v"):  # logits and Adam's two moments, (R, T)
            self.register_buffer(name, torch.zeros(R, T, device=self.device), persistent=False)
        self.t = 0  # Adam steps taken (the same for every run)
        self.prev: torch.Tensor | None = None  # (R, T) the losses the last weights were computed from

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        L = losses.detach().to(self.xi)  # (R, T)
        if self.prev is not None:  # no re-evaluated losses arrived after the last step: use this batch's
            self._update(self.prev, L)
        z = torch.softmax(self.xi, dim=1)  # (R, T)
        present = L > 0  # (R, T) a task without samples in this batch has loss 0
        inv = torch.where(present, z / (L + _EPS), 0.0)  # (R, T) z_k / L_k
        w = self.n_tasks * inv / inv.sum(1, keepdim=True).clamp_min(1e-30)  # (R, T), sums to T
        self.prev = L.clone()
        return w.to(losses.dtype)

    def after_step_losses(self, losses: torch.Tensor) -> None:
        if self.prev is not None:
            self._update(self.prev, losses.detach().to(self.xi))
            self.prev = None

    @torch.no_grad()
    def _update(self, before: torch.Tensor, after: torch.Tensor) -> None:
        """One Adam step of the logits on ∇_ξ zᵀδ, δ = log before − log after (R, T)."""
        ok = (before > 0) & (after > 0) & torch.isfinite(before) & torch.isfinite(after)  # (R, T)
        delta = torch.where(ok, (before.clamp_min(0) + _EPS).log() - (after.clamp_min(0) + _EPS).log(), 0.0)
        z = torch.softmax(self.xi, dim=1)  # (R, T)
        zd = z * ok
        mean = (zd * delta).sum(1, keepdim=True) / zd.sum(1, keepdim=True).clamp_min(1e-30)  # (R, 1)
        delta = torch.where(ok, delta, mean)  # an undefined δ_k counts as average: its logit does not move
        grad = z * (delta - (z * delta).sum(1, keepdim=True))  # (R, T) Jacobian of softmax, transposed, times δ
        grad = grad + self.gamma * self.xi  # Adam's weight_decay: an L2 term on the logits
        self.t += 1
        self.m.mul_(_B1).add_((1 - _B1) * grad)
        self.v.mul_(_B2).add_((1 - _B2) * grad * grad)
        m_hat = self.m / (1 - _B1 ** self.t)
        v_hat = self.v / (1 - _B2 ** self.t)
        self.xi.sub_(self.lr * m_hat / (v_hat.sqrt() + _ADAM_EPS))

    def state(self) -> dict[str, torch.Tensor]:
        return {"z": torch.softmax(self.xi, dim=1)}  # (R, T)


INFO = WeightingInfo(
    id="famo", name="FAMO (fast adaptive)",
    paper="Liu et al., FAMO: Fast Adaptive Multitask Optimization", year=2023,
    params=(Param("lr", 0.025, "step size of the task-weight logits (their own Adam optimiser)", low=0.0, high=1.0,
                  per_run=True, label="Learning rate"),
            Param("gamma", 0.001, "decay of the task-weight logits towards equal weights", low=0.0, high=1.0,
                  per_run=True, label="Decay γ per epoch")),
    cls=FAMO, description="Descend the weighted log-losses and, after each step, shift weight towards the tasks "
                          "whose loss fell least: balanced improvement without per-task gradients.")
