"""Nash-MTL: the Nash bargaining solution between tasks.

Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik, Fetaya, "Multi-Task Learning as a Bargaining
Game", ICML 2022. The update is Σ_k α_k g_k with α > 0 solving (GGᵀ)α = 1/α elementwise
(G: the task gradients as rows).

That equation is the stationarity condition of the strictly convex f(α) = ½αᵀMα − Σ_k log α_k
(M = GGᵀ), so instead of the paper's sequence of convex programs (cvxpy) we minimise f by damped Newton
steps (the largest of 1, 1/2, 1/4, ... passing an Armijo test, else the damped step 1/(1+λ), λ the
Newton decrement, which keeps α > 0 because f is self-concordant); convergence is quadratic near the
solution. A ridge of 1e-10·mean(diag M) keeps exactly opposite gradients (no solution) finite; a task
whose gradient is zero (no samples of its space in the batch) gets α = 0.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext, gram, spd_solve
from .registry import WeightingInfo


def nash_weights(M: torch.Tensor, max_iter: int = 50, tol: float = 1e-10) -> torch.Tensor:
    """Gram (R, T, T) -> α (R, T) > 0 with Mα = 1/α, by Newton's method on f(α) = ½αᵀMα − Σ log α."""
    R, T, _ = M.shape
    diag = M.diagonal(dim1=1, dim2=2)  # (R, T) squared gradient norms
    scale = diag.mean(1).clamp_min(1e-30)  # (R,); α scales as scale^(-1/2)
    live = diag > 1e-12 * scale[:, None]  # a task without gradient (e.g. no samples in its space) gets α = 0
    M = torch.where(live[:, :, None] & live[:, None, :], M / scale[:, None, None], 0.0)
    M = M + torch.diag_embed(torch.where(live, 1e-10, 1.0).to(M.dtype))  # ridge; dead tasks decoupled

    def f(a):  # (R, K, T) -> (R, K), +inf outside α > 0
        val = 0.5 * ((a @ M) * a).sum(2) - torch.where(a > 0, a, 1.0).log().sum(2)
        return torch.where((a > 0).all(2), val, torch.full_like(val, float("inf")))

    alpha = M.diagonal(dim1=1, dim2=2).rsqrt()  # (R, T): the answer for orthogonal gradients
    steps = 0.5 ** torch.arange(12, dtype=M.dtype, device=M.device)  # backtracking: 1, 1/2, 1/4, ...
    active = torch.ones(R, dtype=torch.bool, device=M.device)
    for it in range(max_iter):
        grad = (M @ alpha[:, :, None])[:, :, 0] - 1 / alpha  # (R, T) ∇f
        delta = -spd_solve(M + torch.diag_embed(alpha ** -2), grad)  # Newton direction
        lam2 = -(grad * delta).sum(1)  # squared Newton decrement
        active &= lam2 > tol ** 2
        if it % 5 == 0 and not bool(active.any()):
            break
        s = torch.cat([steps.expand(R, -1), (1 / (1 + lam2.sqrt()))[:, None]], 1)  # (R, K), last: damped
        ok = f(alpha[:, None] + s[:, :, None] * delta[:, None]) <= f(alpha[:, None]) - 0.25 * s * lam2[:, None]
        ok[:, -1] = True  # the damped step 1/(1+λ) always stays positive and decreases f
        step = s[torch.arange(R, device=M.device), ok.to(torch.int8).argmax(1)] * active  # largest Armijo step
        alpha = alpha + step[:, None] * delta
    return alpha * live / scale.sqrt()[:, None]


class NashMTL(GradientWeighting):
    """Effective weights are the coefficients of each g_k in the applied gradient: α_k, times the
    clipping factor when ||Σ α_k g_k|| exceeds max_norm (which rescales every task alike)."""

    def __init__(self, tasks, seeds, update_weights_every=1, max_norm=1.0):
        super().__init__(tasks, seeds, update_weights_every=update_weights_every, max_norm=max_norm)
        self.every, self.max_norm = update_weights_every, max_norm
        self.alpha: torch.Tensor | None = None  # (R, T)
        self.calls = 0

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        if self.alpha is None or self.calls % self.every == 0:
            self.alpha = nash_weights(gram(grads)).to(grads.dtype)  # (R, T)
        self.calls += 1
        w = self.alpha
        if self.max_norm > 0:
            norm = torch.einsum("rt,rtp->rp", w, grads).norm(dim=1, keepdim=True)  # (R, 1)
            w = w * (self.max_norm / norm.clamp_min(1e-12)).clamp(max=1.0)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="nash_mtl", name="Nash-MTL (bargaining)",
    paper="Navon et al., Multi-Task Learning as a Bargaining Game", year=2022,
    params=(Param("update_weights_every", 1, "recompute α every this many steps (reuse it in between)",
                  low=1, high=1000),
            Param("max_norm", 1.0, "clip the combined shared gradient to this norm (0 disables)",
                  low=0.0, high=1000.0)),
    cls=NashMTL, description="Each task bargains for its share: solve (GGᵀ)α = 1/α, so every task gets a "
                             "proportional improvement and no task dominates.")
