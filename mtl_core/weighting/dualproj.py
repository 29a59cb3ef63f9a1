"""DualProj: the sum of the task gradients, projected onto their dual cone.

Projection of the average gradient onto the dual cone {d : g_k·d >= 0 for every k}, the closest direction
to the average that increases no loss: Equation 11 of Lopez-Paz & Ranzato, "Gradient Episodic Memory for
Continual Learning", NeurIPS 2017, used as a multi-task aggregator by Quinton & Rey, "Jacobian Descent for
Multi-Objective Optimization", 2024 (TorchJD's DualProj). With v = argmin_{v >= 1} vᵀGv (G = JJᵀ) the
update is Jᵀv (`dual_cone.project_dual_cone`); with no conflict it is EW's sum.

Unlike UPGrad, which projects each gradient and sums, DualProj projects once: when the sum is dominated
by one large gradient, the projection stays close to it, so DualProj is not invariant to the relative
scale of the tasks (UPGrad is not either, but it gives every task its own projected share).

Where the reference differs: TorchJD projects the mean (preference 1/T); here the sum, T times its update,
on the scale of EW. TorchJD's quadprog solve adds 1e-4·I to the trace-normalised G (see upgrad.py);
the program is solved exactly here.
"""
from __future__ import annotations

import torch

from .dual_cone import MODE, GramWeighting, project_dual_cone
from .registry import WeightingInfo


class DualProj(GramWeighting):
    """Effective weights are the coefficients v_k >= 1 of each raw task gradient in the update."""

    def weights_from_gram(self, M: torch.Tensor) -> torch.Tensor:
        ones = torch.ones(M.shape[0], 1, M.shape[1], dtype=M.dtype, device=M.device)  # (R, 1, T): u = 1
        return project_dual_cone(M, ones)[:, 0]  # (R, T)


INFO = WeightingInfo(
    id="dualproj", name="DualProj (projected sum)",
    paper="Quinton & Rey, Jacobian Descent for Multi-Objective Optimization (after Lopez-Paz & Ranzato, GEM)",
    year=2024,
    params=(MODE,),
    cls=DualProj, description="Take the sum of the task gradients and move it to the nearest direction that "
                              "harms no task.")
