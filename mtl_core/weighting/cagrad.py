"""CAGrad: Conflict-Averse Gradient descent.

Liu, Liu, Jin, Stone, Liu, "Conflict-Averse Gradient Descent for Multi-task Learning", NeurIPS 2021.
Find w on the simplex minimising F(w) = g_wᵀg0 + √φ·||g_w||, g0 the mean gradient, g_w = Σ w_k g_k,
φ = c²||g0||²; update d = (g0 + √φ/||g_w||·g_w) / (1 + c²) (the reference code's rescale=1).
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .solvers import gram, simplex_minimize


def cagrad_weights(M: torch.Tensor, c: torch.Tensor | float) -> tuple[torch.Tensor, torch.Tensor]:
    """Gram (R, T, T) and c (a number, or one per run: (R,) or (R, 1)) -> (w (R, T) on the simplex,
    λ = √φ/||g_w|| (R,)). Solved exactly (pairwise Frank-Wolfe, shared with MGDA) where the reference
    code runs 20 momentum-SGD steps on softmax logits."""
    R = M.shape[0]
    c = torch.as_tensor(c, dtype=M.dtype, device=M.device).reshape(-1).expand(R)  # (R,)
    M = M / M.diagonal(dim1=1, dim2=2).mean(1).clamp_min(1e-30)[:, None, None]  # F's argmin is scale-free
    b = M.mean(2)  # (R, T): g_kᵀ g0
    sqrt_phi = c * b.mean(1).clamp_min(0).sqrt()  # (R,) c·||g0||
    w = simplex_minimize(M, b, sqrt_phi)
    norm = (w * (M @ w[:, :, None])[:, :, 0]).sum(1).clamp_min(0).sqrt()  # ||g_w||
    return w, sqrt_phi / norm.clamp_min(1e-4)  # floor as in the reference code


class CAGrad(GradientWeighting):
    """Applies T·d (so c = 0 is exactly EW's sum of gradients). Effective weights are the coefficients of
    each g_k in T·d: (1 + T·λ·w_k) / (1 + c²), λ = √φ/||g_w||; they average 1 when c = 0."""

    def __init__(self, tasks, seeds, c=0.5):
        super().__init__(tasks, seeds)
        self.c = self.per_run("c", c)  # (R, 1)

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        T = grads.shape[1]
        M = gram(grads)  # (R, T, T)
        c = self.c.to(M.dtype)  # (R, 1)
        w, lam = cagrad_weights(M, c)  # (R, T), (R,)
        eff = ((1 + T * lam[:, None] * w) / (1 + c ** 2)).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", eff, grads), eff


INFO = WeightingInfo(
    id="cagrad", name="CAGrad (conflict-averse)",
    paper="Liu et al., Conflict-Averse Gradient Descent for Multi-task Learning", year=2021,
    params=(Param("c", 0.5, "radius of the ball around the mean gradient (0 = plain mean)", low=0.0, high=10.0,
                  per_run=True, label="Conflict aversion c"),),
    cls=CAGrad, description="Stay close to the average gradient but maximise the worst task's improvement.")
