"""UPGrad: the unconflicting projection of gradients.

Quinton & Rey, "Jacobian Descent for Multi-Objective Optimization", 2024 (arXiv 2406.16232; TorchJD).
Each task gradient g_i is projected onto the dual cone of all task gradients, {d : g_k·d >= 0 for every k}
(the directions that increase no loss), and the projections are summed. The update therefore never
conflicts with any task (its inner product with every g_k is >= 0); when no two gradients conflict every
projection is the gradient itself and the update is EW's sum. By the paper's Proposition 1 the projection
of Jᵀe_i is Jᵀv_i with v_i = argmin_{v >= e_i} vᵀGv, G = JJᵀ: a small quadratic program on the Gram matrix,
solved exactly here (`dual_cone.project_dual_cone`).

Where the reference differs: TorchJD weights the projections by the preference vector 1/T (the mean);
here they are summed, so the update is T times TorchJD's, on the scale of EW's sum of losses. TorchJD
solves each program with quadprog after normalising G by its trace and adding 1e-4·I to it; that ridge
is negligible for gradients of similar size but not when one task's gradient is hundreds of times smaller
than another's (it is then larger than that task's whole squared norm, and the projection moves), so the
programs here are solved without it.
"""
from __future__ import annotations

import torch

from .dual_cone import MODE, GramWeighting, project_dual_cone
from .registry import WeightingInfo


def upgrad_weights(M: torch.Tensor) -> torch.Tensor:
    """Gram matrices (R, T, T) -> w (R, T) >= 0: Σ_k w_k g_k = Σ_i π(g_i), π the dual-cone projection."""
    R, T, _ = M.shape
    eye = torch.eye(T, dtype=M.dtype, device=M.device).expand(R, T, T)  # one program per task: u = e_i
    return project_dual_cone(M, eye).sum(1)


class UPGrad(GramWeighting):
    """Effective weights are the coefficients w_k of each raw task gradient in the update; every w_k >= 1
    (the projection of g_k keeps at least all of g_k and adds only other gradients)."""

    def weights_from_gram(self, M: torch.Tensor) -> torch.Tensor:
        return upgrad_weights(M)


INFO = WeightingInfo(
    id="upgrad", name="UPGrad (unconflicting projection)",
    paper="Quinton & Rey, Jacobian Descent for Multi-Objective Optimization", year=2024,
    params=(MODE,),
    cls=UPGrad, description="Project every task gradient onto the cone of directions that harm no task, then "
                            "sum the projections: the update never conflicts with any task.")
