"""Aligned-MTL: align the principal components of the task gradients.

Senushkin, Patakin, Kuznetsov, Konushin, "Independent Component Alignment for Multi-Task Learning",
CVPR 2023. With G (T × P) the task gradients and M = GGᵀ = VΛVᵀ (eigenvalues below
λ_max·T·ε_float32 dropped, V and Λ keeping the rank r), the aligned gradients are the rows of
Ĝ = BG, B = √λ_s·VΛ^{-1/2}Vᵀ: then ĜĜᵀ = λ_s·I on the span of the gradients, i.e. the aligned
gradients are orthogonal and of equal norm √λ_s (a condition number of 1, no dominant task).
The update is their sum, Σ_k α_k g_k with α = B·1. The scale λ_s is the smallest kept eigenvalue
("min", the paper's default), their median or their mean ("rmse"), as in the reference code.
Orthogonal gradients of equal norm are left alone (α = 1, plain EW); with unequal norms each is
rescaled to the smallest norm; correlated gradients get their shared component shrunk, and α may be
negative (a dominant task's gradient is partly subtracted).

Mode "params" (default) uses the gradients on the shared parameters; "rep" the gradients w.r.t. the
shared representation (the paper's Aligned-MTL-UB; models without one fall back to the parameters).
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .solvers import gram

_TOL = torch.finfo(torch.float32).eps  # the reference code's rank tolerance (gradients are float32)


def aligned_weights(M: torch.Tensor, scale: str = "min") -> torch.Tensor:
    """Gram matrices (R, T, T) -> α = B·1 (R, T), B = √λ_s·VΛ^{-1/2}Vᵀ over the kept eigenvalues.
    Runs whose gradients are all zero get α = 0."""
    R, T, _ = M.shape
    work = M.cpu() if M.device.type == "mps" else M  # no eigh on MPS
    lam, V = torch.linalg.eigh(work)  # ascending eigenvalues (R, T), eigenvectors as columns (R, T, T)
    lam, V = lam.to(M.device), V.to(M.device)
    tol = lam.amax(1, keepdim=True).clamp_min(0) * T * _TOL  # (R, 1)
    keep = lam > tol  # (R, T): the kept ones are the largest, at the end
    k = keep.sum(1)  # (R,) rank
    safe = torch.where(keep, lam, torch.ones_like(lam))
    if scale == "min":
        s = torch.where(keep, lam, torch.full_like(lam, float("inf"))).amin(1)  # (R,)
    elif scale == "median":  # torch.median's lower median of the kept eigenvalues, as the reference code
        idx = (T - k + (k - 1).clamp_min(0) // 2).clamp(0, T - 1)
        s = lam.gather(1, idx[:, None])[:, 0]
    else:  # "rmse": their mean
        s = torch.where(keep, lam, 0.0).sum(1) / k.clamp_min(1)
    s = torch.where(k > 0, s, torch.zeros_like(s))
    inv = torch.where(keep, safe.rsqrt(), 0.0)  # (R, T) Λ^{-1/2} on the kept eigenvalues
    B = s.sqrt()[:, None, None] * (V * inv[:, None, :]) @ V.transpose(1, 2)  # (R, T, T)
    return B.sum(2)


class AlignedMTL(GradientWeighting):
    """Effective weights are the coefficients α_k of each raw task gradient in the update (may be negative)."""

    signed_weights = True

    def __init__(self, tasks, seeds, scale="min", mode="params"):
        super().__init__(tasks, seeds)
        self.scale, self.mode = scale, mode

    def gradient_space(self, ctx: StepContext) -> str:
        return "rep" if self.mode == "rep" and self.shared_rep(ctx) is not None else "params"

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        w = aligned_weights(gram(grads), self.scale).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="aligned_mtl", name="Aligned-MTL (aligned components)",
    paper="Senushkin et al., Independent Component Alignment for Multi-Task Learning", year=2023,
    params=(Param("scale", "min", "length of the aligned gradients: the smallest singular value (paper), the "
                                  "median or the root mean square", choices=("min", "median", "rmse")),
            Param("mode", "params", "params = gradients on the shared parameters; rep = gradients w.r.t. the "
                                    "shared representation (Aligned-MTL-UB, cheap)", choices=("params", "rep"),
                                    label="Mode")),
    cls=AlignedMTL, description="Make the task gradients orthogonal and equally long before summing them, so "
                                "no task dominates the update and none conflicts with another.")
