"""Linear algebra on Gram matrices shared by UPGrad, DualProj, ConFIG and IMTL-G, batched over R runs.

- `project_dual_cone`: the weights v of the projection of Jᵀu onto the dual cone {d : Jd >= 0} of the
  task gradients (the rows of J), given only the Gram matrix M = JJᵀ. By Proposition 1 of Quinton & Rey,
  "Jacobian Descent for Multi-Objective Optimization" (2024), π(Jᵀu) = Jᵀv with
  v = argmin_{v >= u} vᵀMv, solved exactly by an active-set method (Lawson & Hanson's NNLS).
- `psd_pinv`: the pseudo-inverse of symmetric positive semi-definite matrices, with a relative cut-off
  on the eigenvalues (linearly dependent task gradients make the Gram matrix singular).
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .solvers import gram, spd_solve

MODE = Param("mode", "params", "params = gradients on the shared parameters; rep = gradients w.r.t. the shared "
                               "representation (cheap)", choices=("params", "rep"))


class GramWeighting(GradientWeighting):
    """A strategy whose update is Σ_k w_k g_k with weights computed from the Gram matrix alone (UPGrad, DualProj,
    ConFIG): subclasses give `weights_from_gram(M (R, T, T)) -> (R, T)`; the reported weights are the w_k."""

    def __init__(self, tasks, seeds, mode="params"):
        super().__init__(tasks, seeds)
        self.mode = mode

    def gradient_space(self, ctx: StepContext) -> str:
        return "rep" if self.mode == "rep" and self.shared_rep(ctx) is not None else "params"

    def weights_from_gram(self, M: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        w = self.weights_from_gram(gram(grads)).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


def project_dual_cone(M: torch.Tensor, U: torch.Tensor, tol: float = 1e-12) -> torch.Tensor:
    """M (R, T, T) Gram matrices, U (R, K, T) weight vectors -> V (R, K, T) with V[r, k] >= U[r, k]
    minimising vᵀM[r]v: Jᵀv is the projection of Jᵀu onto the dual cone of J's rows.

    With v = u + z this is min_{z >= 0} ½zᵀMz + (Mu)ᵀz, solved by Lawson & Hanson's active-set method
    (their NNLS, on the Gram matrix), all R·K problems at once: grow the set of free variables by the one
    whose gradient is most negative, solve the equality-constrained problem on it, and where that solution
    leaves the orthant step back to the boundary and free that variable again. Exact in finitely many steps."""
    R, K, T = U.shape
    dt = M.dtype
    # rescale every task to unit norm (v_k·||g_k||): the orthant is unchanged and a gradient 1e5 times
    # smaller than another keeps its constraint, which tolerances on the raw scale would lose
    diag = M.diagonal(dim1=1, dim2=2)  # (R, T)
    live = diag > 1e-30 * diag.amax(1, keepdim=True).clamp_min(1e-300)
    norm = torch.where(live, diag.clamp_min(1e-300).sqrt(), 1.0)  # (R, T); a task without gradient: 1
    C = torch.where(live[:, :, None] & live[:, None, :], M / (norm[:, :, None] * norm[:, None, :]), 0.0)
    Mn = C[:, None].expand(R, K, T, T).reshape(R * K, T, T)  # (B, T, T)
    u = (U.to(dt) * norm[:, None, :]).reshape(R * K, T)  # (B, T)
    c = (Mn @ u[:, :, None])[:, :, 0]  # (B, T) the linear term Mu
    z = torch.zeros_like(u)
    free = torch.zeros_like(u, dtype=torch.bool)  # (B, T) Lawson-Hanson's passive set
    for _ in range(4 * T + 4):
        both = free[:, :, None] & free[:, None, :]
        A = torch.where(both, Mn, 0.0) + torch.diag_embed(torch.where(free, 1e-12, 1.0).to(dt))
        s = torch.where(free, spd_solve(A, torch.where(free, -c, 0.0)), 0.0)  # (B, T) optimum on the face
        leaves = free & (s <= tol)  # (B, T) free variables the face's optimum pushes out of the orthant
        out = leaves.any(1)  # (B,)
        ratio = torch.where(leaves, z / (z - s).clamp_min(1e-300), float("inf")).amin(1).clamp(0, 1)  # (B,)
        z = torch.where(out[:, None], z + ratio[:, None] * (s - z), s).clamp_min(0)
        free = torch.where(out[:, None], free & (z > tol), free)
        grad = (Mn @ z[:, :, None])[:, :, 0] + c  # (B, T)
        enter = ~free & (grad < -tol) & ~out[:, None]
        if not bool((out | enter.any(1)).any()):
            break
        j = torch.where(enter, grad, float("inf")).argmin(1)  # (B,) the most negative gradient enters
        free = free | (enter.any(1)[:, None] & (torch.arange(T, device=M.device) == j[:, None]))
    return (u + z).reshape(R, K, T) / norm[:, None, :]


def psd_pinv(M: torch.Tensor, rtol: float = 1e-10) -> torch.Tensor:
    """Pseudo-inverse of symmetric PSD matrices (R, T, T): eigenvalues at or below rtol·λ_max are taken
    as zero. rtol = 1e-10 on the eigenvalues is 1e-5 on the singular values of the gradients: far above
    float32 rounding (a sum of two float32 gradients is off their span by ~1e-7 relative)."""
    work = M.cpu() if M.device.type == "mps" else M  # no eigh on MPS
    lam, V = torch.linalg.eigh(work)  # (R, T), (R, T, T)
    keep = lam > rtol * lam.amax(1, keepdim=True).clamp_min(0) + 1e-300
    inv = torch.where(keep, 1 / torch.where(keep, lam, 1.0), 0.0)
    return ((V * inv[:, None, :]) @ V.transpose(1, 2)).to(M.device)
