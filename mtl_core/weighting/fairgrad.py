"""FairGrad: α-fair allocation of the update between tasks.

Ban & Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024.
Each task's "utility" is how fast the update d decreases its loss, u_k = g_kᵀd. Maximising the α-fair sum
Σ_k u_k^{1−α}/(1−α) (Σ log u_k at α = 1) over a ball gives d = Σ_k w_k g_k with w > 0 solving
    (GGᵀ) w = w^{−1/α}  elementwise                                                   (Equation 4)
α = 0 is the plain sum (EW, linear scalarisation), α = 1 proportional fairness (the same equation as Nash-MTL's,
(GGᵀ)w = 1/w), α → ∞ max-min fairness (GGᵀ w = 1: equal improvement of every task).

The solver: the equation is the stationarity condition of the strictly convex
f(w) = ½wᵀGGᵀw − Σ_k h(w_k), h(w) = w^{1−1/α}/(1−1/α) (log w at α = 1), so f is minimised by damped Newton
steps that stay in w > 0, in float64 on the Gram matrix normalised by its mean diagonal (w scales back as
scale^{−α/(α+1)}). The reference code and LibMTL call scipy's least_squares on Gw − w^{−1/α} from w = 1/T;
the solution is the same point (a test checks the equation's residual), without scipy. A task whose gradient
is zero (no samples of its space in the batch) gets w = 0.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .solvers import gram, spd_solve


def fairgrad_weights(M: torch.Tensor, alpha: torch.Tensor, max_iter: int = 100, tol: float = 1e-20) -> torch.Tensor:
    """Gram (R, T, T) and α (R, 1) > 0 -> w (R, T) > 0 with M w = w^(−1/α) elementwise."""
    R, T, _ = M.shape
    alpha = alpha.to(M.dtype).reshape(R, 1)  # (R, 1)
    diag = M.diagonal(dim1=1, dim2=2)  # (R, T)
    scale = diag.mean(1, keepdim=True).clamp_min(1e-30)  # (R, 1)
    live = diag > 1e-12 * scale  # (R, T)
    M = torch.where(live[:, :, None] & live[:, None, :], M / scale[:, :, None], 0.0)
    M = M + torch.diag_embed(torch.where(live, 1e-10, 1.0).to(M.dtype))  # ridge; dead tasks decoupled
    q = 1 / alpha  # (R, 1) the exponent in w^(−1/α)
    log_h = (alpha == 1)[:, :, None]  # (R, 1, 1) h = log w
    p = (1 - q)[:, :, None]  # (R, 1, 1) h = w^p / p otherwise
    p_safe = torch.where(log_h, 1.0, p)

    def f(a):  # (R, K, T) -> (R, K), +inf outside w > 0
        pos = torch.where(a > 0, a, 1.0)
        h = torch.where(log_h, pos.log(), pos ** p_safe / p_safe)
        val = 0.5 * ((a @ M) * a).sum(2) - h.sum(2)
        return torch.where((a > 0).all(2), val, torch.full_like(val, float("inf")))

    w = M.diagonal(dim1=1, dim2=2) ** (-alpha / (alpha + 1))  # (R, T): the answer for orthogonal gradients
    steps = 0.25 ** torch.arange(12, dtype=M.dtype, device=M.device)  # backtracking: 1, 1/4, 1/16, ...
    rows = torch.arange(R, device=M.device)
    active = torch.ones(R, dtype=torch.bool, device=M.device)
    for it in range(max_iter):
        grad = (M @ w[:, :, None])[:, :, 0] - w ** -q  # (R, T) ∇f
        delta = -spd_solve(M + torch.diag_embed(q * w ** (-q - 1)), grad)  # Newton direction
        lam2 = -(grad * delta).sum(1)  # squared Newton decrement
        active &= lam2 > tol
        if (it % 5 == 0 or M.device.type == "cpu") and not bool(active.any()):  # a free check on the CPU
            break
        # the longest step keeping w > 0 (to 99 %), capped at 1, then quartered until Armijo's test passes
        room = torch.where(delta < 0, 0.99 * w / (-delta).clamp_min(1e-300), float("inf")).amin(1).clamp(max=1.0)
        s = room[:, None] * steps  # (R, K)
        ok = f(w[:, None] + s[:, :, None] * delta[:, None]) <= f(w[:, None]) - 0.25 * s * lam2[:, None]
        ok[:, -1] = True
        step = s[rows, ok.to(torch.int8).argmax(1)] * active  # (R,)
        w = w + step[:, None] * delta
    return w * live * scale ** (-alpha / (alpha + 1))


class FairGrad(GradientWeighting):
    """Effective weights are the coefficients w_k of each g_k in the update Σ_k w_k g_k (not normalised: like
    Nash-MTL's they scale as ||g||^(−2α/(α+1))); α = 0 gives EW's weights, 1 each."""

    def __init__(self, tasks, seeds, fairness=1.0):
        super().__init__(tasks, seeds)
        self.fairness = self.per_run("fairness", fairness)  # (R, 1) α

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        M = gram(grads)  # (R, T, T)
        alpha = self.fairness.to(M.dtype)  # (R, 1)
        ew = alpha == 0  # α = 0: linear scalarisation
        w = fairgrad_weights(M, torch.where(ew, 1.0, alpha))
        w = torch.where(ew, 1.0, w).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="fairgrad", name="FairGrad (α-fair)",
    paper="Ban & Ji, Fair Resource Allocation in Multi-Task Learning", year=2024,
    params=(Param("fairness", 1.0, "α of α-fairness: 0 = the plain sum (EW), 1 = proportional fairness (Nash-MTL's "
                                   "equation), large = max-min fairness (every task improves equally)",
                  low=0.0, high=20.0, per_run=True),),
    cls=FairGrad, description="Share the update between tasks like a fair allocation of a resource: solve "
                              "(GGᵀ)w = w^(−1/α), from the plain sum (α = 0) through Nash bargaining (α = 1) to "
                              "equal improvement for every task (large α).")
