"""MoCo: multi-objective gradient correction with tracked gradients.

Fernando, Shen, Liu, Chaudhury, Murugesan, Chen, "Mitigating Gradient Bias in Multi-objective Learning:
A Provably Convergent Approach", ICLR 2023 (Algorithm 1). MGDA's min-norm weights computed from one
mini-batch are biased; MoCo tracks each task's gradient and moves the weights by one projected step per
iteration instead of solving the min-norm problem afresh:
    y_k ← y_k − β_t·(y_k − h_k)                              (h_k: this step's gradient of task k)
    λ ← Π_Δ(λ − γ_t·(YᵀY + ρI)·λ)                          (Y: the tracked gradients as columns)
    update = Y·λ,
with β_t = β/t^{σ_β}, γ_t = γ/t^{σ_γ}, Π_Δ the Euclidean projection onto the simplex, λ = 1/T at first
and y = 0 (as the authors' code). ρ > 0 regularises the weights towards equal ones.

Where this follows the authors' code (as shipped in LibMTL) rather than the paper: h_k is task k's gradient
rescaled to the norm L_k ("loss", the default; "none" uses the raw gradient), and the paper's projection
of y_k onto a ball of the task's Lipschitz constant (unknown here) is not applied. Where it differs from
that code: LibMTL replaces Π_Δ by a softmax of λ − γ_t(YᵀY + ρI)λ, which is not a projection (its fixed
points are not MGDA's); the paper's projection is used here. The update is T·Y·λ, on the scale of EW's sum.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo


def project_simplex(v: torch.Tensor) -> torch.Tensor:
    """Euclidean projection of each row of v (R, T) onto the probability simplex (sort-based)."""
    T = v.shape[1]
    u = v.sort(1, descending=True).values  # (R, T)
    css = u.cumsum(1) - 1
    j = torch.arange(1, T + 1, dtype=v.dtype, device=v.device)
    rho = ((u - css / j) > 0).sum(1, keepdim=True).clamp_min(1)  # (R, 1) size of the support
    theta = css.gather(1, rho - 1) / rho.to(v.dtype)  # (R, 1)
    return (v - theta).clamp_min(0)


class MoCo(GradientWeighting):
    """Effective weights T·λ_k·c_k, c_k = L_k/||g_k|| with normalize="loss" (1 otherwise): exact for β = 1;
    with β < 1 the update combines the tracked gradients, not this step's. `state()` reports λ."""

    def __init__(self, tasks, seeds, beta=0.5, beta_sigma=0.5, lambda_lr=0.1, lambda_sigma=0.5, lambda_reg=0.0,
                 normalize="loss"):
        super().__init__(tasks, seeds)
        self.beta = self.per_run("beta", beta)  # (R, 1)
        self.beta_sigma = self.per_run("beta_sigma", beta_sigma)
        self.lambda_lr = self.per_run("lambda_lr", lambda_lr)
        self.lambda_sigma = self.per_run("lambda_sigma", lambda_sigma)
        self.lambda_reg = self.per_run("lambda_reg", lambda_reg)
        self.normalize = normalize
        self.register_buffer("lam", torch.full((self.n_runs, self.n_tasks), 1.0 / self.n_tasks,
                                               device=self.device), persistent=False)  # (R, T)
        self.y: torch.Tensor | None = None  # (R, T, P) tracked gradients
        self.t = 0

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        self.t += 1
        R, T, _ = grads.shape
        dt = grads.dtype
        if self.normalize == "loss":
            scale = losses.to(dt) / (grads.norm(dim=2) + 1e-8)  # (R, T), as the authors' code
        else:
            scale = torch.ones(R, T, dtype=dt, device=grads.device)
        h = grads * scale[:, :, None]  # (R, T, P)
        if self.y is None or self.y.shape != h.shape:
            self.y = torch.zeros_like(h)
        beta = (self.beta / self.t ** self.beta_sigma).to(dt)[:, :, None]  # (R, 1, 1) β_t
        self.y = self.y.to(dt) - beta * (self.y.to(dt) - h)
        YtY = self.y @ self.y.transpose(1, 2)  # (R, T, T)
        gamma = (self.lambda_lr / self.t ** self.lambda_sigma).to(dt)  # (R, 1) γ_t
        lam = self.lam.to(dt)
        step = (YtY @ lam[:, :, None])[:, :, 0] + self.lambda_reg.to(dt) * lam  # (R, T) (YᵀY + ρI)λ
        self.lam = project_simplex(lam - gamma * step).to(self.lam.dtype)
        lam = self.lam.to(dt)
        combined = T * torch.einsum("rt,rtp->rp", lam, self.y)  # (R, P)
        return combined, T * lam * scale

    def state(self) -> dict[str, torch.Tensor]:
        return {"lambda": self.lam.clone()}  # (R, T)


INFO = WeightingInfo(
    id="moco", name="MoCo (tracked-gradient MGDA)",
    paper="Fernando et al., Mitigating Gradient Bias in Multi-objective Learning: A Provably Convergent Approach",
    year=2023,
    params=(Param("beta", 0.5, "β: rate at which each tracked gradient follows the new one (1 = no tracking)",
                  low=0.0, high=1.0, per_run=True),
            Param("beta_sigma", 0.5, "σ_β: the tracking rate decays as β / step^σ_β (0 = constant)", low=0.0,
                  high=2.0, per_run=True),
            Param("lambda_lr", 0.1, "γ: step size of the task weights λ", low=0.0, high=10.0, per_run=True),
            Param("lambda_sigma", 0.5, "σ_γ: the weights' step size decays as γ / step^σ_γ (0 = constant)",
                  low=0.0, high=2.0, per_run=True),
            Param("lambda_reg", 0.0, "ρ: pulls the weights towards equal ones (0 = none)", low=0.0, high=10.0,
                  per_run=True),
            Param("normalize", "loss", "loss = rescale each task gradient to the norm of its loss (authors' code); "
                                       "none = raw gradients", choices=("loss", "none"), label="Gradient normalisation")),
    cls=MoCo, description="Track each task's gradient with a moving average and move the task weights by one "
                          "projected step towards MGDA's min-norm point each iteration, which removes the bias of "
                          "solving it on one noisy batch.")
