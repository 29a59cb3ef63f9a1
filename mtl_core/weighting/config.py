"""ConFIG: conflict-free inverse gradients.

Liu, Chu, Thuerey, "ConFIG: Towards Conflict-free Training of Physics Informed Neural Networks",
ICLR 2025 (Equation 2). With u_k = g_k/||g_k|| the unit task gradients, the direction d solves u_k·d = 1
for every k (the minimum-norm solution, d = Uᵀ(UUᵀ)⁺1): it makes the SAME angle with every task
gradient, so no task is favoured and none conflicts. The update has that direction and the length of the
sum's projection on it: g = (Σ_k g_k·d̂)·d̂. Computed on the Gram matrix: with C the cosine matrix
and a = C⁺1, d = Σ_k a_k u_k, so each raw gradient's coefficient is s·a_k/||g_k||, s = Σ_i ||g_i||(Ca)_i / aᵀCa.

As TorchJD's ConFIG (the default preference, all ones, with the official code's pseudo-inverse); the
update has the length of the sum's projection, on the scale of EW's sum. The paper's momentum variant
(M-ConFIG, one task's gradient per step) is not implemented. Coefficients may be negative (a task whose
direction lies between others can be partly subtracted to equalise the angles).
"""
from __future__ import annotations

import torch

from .dual_cone import MODE, GramWeighting, psd_pinv
from .registry import WeightingInfo


def config_weights(M: torch.Tensor) -> torch.Tensor:
    """Gram matrices (R, T, T) -> coefficients w (R, T) of the raw gradients in ConFIG's update.
    A task without gradient gets 0 and is left out; all gradients zero gives w = 0."""
    norm = M.diagonal(dim1=1, dim2=2).clamp_min(0).sqrt()  # (R, T)
    live = norm > 1e-12 * norm.amax(1, keepdim=True).clamp_min(1e-300)
    inv = torch.where(live, 1 / torch.where(live, norm, 1.0), 0.0)  # (R, T)
    C = M * inv[:, :, None] * inv[:, None, :]  # (R, T, T) cosines (0 for dead tasks)
    a = (psd_pinv(C) @ live.to(M.dtype)[:, :, None])[:, :, 0]  # (R, T) C⁺1 over the live tasks
    Ca = (C @ a[:, :, None])[:, :, 0]  # (R, T) u_k·d
    dd = (a * Ca).sum(1)  # (R,) ||d||²
    s = (norm * Ca).sum(1) / dd.clamp_min(1e-300)  # (R,) length / ||d||
    return torch.where(dd[:, None] > 0, s[:, None] * a * inv, 0.0)


class ConFIG(GramWeighting):
    """Effective weights are the coefficients of each raw task gradient in the update (may be negative)."""

    signed_weights = True

    def weights_from_gram(self, M: torch.Tensor) -> torch.Tensor:
        return config_weights(M)


INFO = WeightingInfo(
    id="config", name="ConFIG (conflict-free, equal angles)",
    paper="Liu et al., ConFIG: Towards Conflict-free Training of Physics Informed Neural Networks", year=2025,
    params=(MODE,),
    cls=ConFIG, description="Step in the direction that makes the same angle with every task's gradient, as "
                            "far as the sum of the gradients reaches along it.")
