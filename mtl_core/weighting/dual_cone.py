"""Linear algebra on Gram matrices shared by UPGrad, DualProj, ConFIG and IMTL-G, batched over R runs.

- `project_dual_cone`: the weights v of the projection of Jᵀu onto the dual cone {d : Jd >= 0} of the
  task gradients (the rows of J), given only the Gram matrix M = JJᵀ. By Proposition 1 of Quinton & Rey,
  "Jacobian Descent for Multi-Objective Optimization" (2024), π(Jᵀu) = Jᵀv with
  v = argmin_{v >= u} vᵀMv. Solved exactly here: the minimiser lies on one face of the orthant
  {v_A = u_A, v_F free}, where the gradient of the objective vanishes on F, so every face is tried
  (2^T small solves, all in one batched elimination) and the best feasible point is kept.
- `psd_pinv`: the pseudo-inverse of symmetric positive semi-definite matrices, with a relative cut-off
  on the eigenvalues (linearly dependent task gradients make the Gram matrix singular).
"""
from __future__ import annotations

import torch

from .solvers import spd_solve

MAX_TASKS = 12  # 2^12 faces per problem: beyond that an iterative solver would be needed


def _faces(T: int, device) -> torch.Tensor:
    """(2^T, T) bool: every subset of the tasks, as the free set F of a face."""
    codes = torch.arange(2 ** T, device=device)
    return (codes[:, None] >> torch.arange(T, device=device)) & 1 == 1


def project_dual_cone(M: torch.Tensor, U: torch.Tensor) -> torch.Tensor:
    """M (R, T, T) Gram matrices, U (R, K, T) weight vectors -> V (R, K, T) with V[r, k] >= U[r, k]
    minimising vᵀM[r]v: Jᵀv is the projection of Jᵀu onto the dual cone of J's rows."""
    R, K, T = U.shape
    if T > MAX_TASKS:
        raise ValueError(f"the dual-cone projection tries every face: at most {MAX_TASKS} tasks, got {T}")
    dt = M.dtype
    scale = M.diagonal(dim1=1, dim2=2).sum(1).clamp_min(1e-300)  # (R,) the projection is scale-free
    Mn = M / scale[:, None, None]  # (R, T, T)
    U = U.to(dt)
    faces = _faces(T, M.device)  # (S, T)
    S = faces.shape[0]
    free2 = faces[:, :, None] & faces[:, None, :]  # (S, T, T)
    # on face F with v = u + z, z_A = 0: M_FF z_F = −(Mu)_F (a tiny ridge for dependent gradients)
    A = torch.where(free2[None], Mn[:, None], 0.0) + torch.diag_embed(torch.where(faces, 1e-12, 1.0).to(dt))
    Mu = (U @ Mn)  # (R, K, T) = (M u) since M is symmetric
    rhs = torch.where(faces[None, None], -Mu[:, :, None], 0.0)  # (R, K, S, T)
    A = A[:, None].expand(R, K, S, T, T).reshape(-1, T, T)
    z = spd_solve(A, rhs.reshape(-1, T)).reshape(R, K, S, T)
    z = torch.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0).clamp_min(0)  # clamped: always feasible
    V = U[:, :, None] + z  # (R, K, S, T)
    obj = ((V @ Mn[:, None]) * V).sum(3)  # (R, K, S) vᵀMv
    best = obj.argmin(2)  # (R, K): the optimal face's point is feasible and no feasible point does better
    return V.gather(2, best[:, :, None, None].expand(R, K, 1, T))[:, :, 0]


def psd_pinv(M: torch.Tensor, rtol: float = 1e-10) -> torch.Tensor:
    """Pseudo-inverse of symmetric PSD matrices (R, T, T): eigenvalues at or below rtol·λ_max are taken
    as zero. rtol = 1e-10 on the eigenvalues is 1e-5 on the singular values of the gradients: far above
    float32 rounding (a sum of two float32 gradients is off their span by ~1e-7 relative)."""
    work = M.cpu() if M.device.type == "mps" else M  # no eigh on MPS
    lam, V = torch.linalg.eigh(work)  # (R, T), (R, T, T)
    keep = lam > rtol * lam.amax(1, keepdim=True).clamp_min(0) + 1e-300
    inv = torch.where(keep, 1 / torch.where(keep, lam, 1.0), 0.0)
    return ((V * inv[:, None, :]) @ V.transpose(1, 2)).to(M.device)
