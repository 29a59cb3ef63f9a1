"""MGDA: the min-norm point in the convex hull of the task gradients.

Sener & Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018.
α* = argmin_{α ∈ simplex} ||Σ_k α_k g_k||², a common descent direction (or 0 at a Pareto-stationary
point). Two tasks: closed form; more tasks: pairwise Frank-Wolfe with exact face steps
(`solvers.min_norm_weights`, batched over runs).

Two modes. "rep" (default) is the paper's MGDA-UB: the min-norm problem is solved on the gradients of
the task losses w.r.t. the shared representation Z (the models' extras["shared_rep"]: MMoE's expert
outputs, Shared-Bottom's bottom, PLE's final shared experts, ESMM's backbone), an upper bound that
needs one cheap backward per task to Z instead of to every shared parameter; the model then trains on
Σ_k T·α_k·L_k in one backward pass (the base class does this when `gradient_space` says "rep").
"params" solves it on the gradients w.r.t. the shared parameters (exact MGDA). Models with no shared
representation (Cross-Stitch, AITM, single-task) use "params".
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .solvers import gram, min_norm_weights


class MGDA(GradientWeighting):
    """Combined gradient Σ_k T·α_k·ĝ_k (scaled by T to match EW's sum of losses); ĝ_k = g_k / n_k with the
    chosen normaliser n_k (as in the paper's code: none, l2 = ||g_k||, loss = L_k, loss+ = L_k·||g_k||).
    Effective weights on the raw gradients: T·α_k / n_k."""

    def __init__(self, tasks, seeds, normalize="none", mode="rep"):
        super().__init__(tasks, seeds)
        self.normalize, self.mode = normalize, mode

    def gradient_space(self, ctx: StepContext) -> str:
        return "rep" if self.mode == "rep" and self.shared_rep(ctx) is not None else "params"

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        T = grads.shape[1]
        norm = grads.norm(dim=2)  # (R, T)
        n = {"none": torch.ones_like(norm), "l2": norm, "loss": losses.to(norm),
             "loss+": losses.to(norm) * norm}[self.normalize].clamp_min(1e-12)  # (R, T)
        alpha = min_norm_weights(gram(grads / n[:, :, None])).to(grads.dtype)  # (R, T)
        w = T * alpha / n  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w


INFO = WeightingInfo(
    id="mgda", name="MGDA (min-norm)",
    paper="Sener & Koltun, Multi-Task Learning as Multi-Objective Optimization", year=2018,
    params=(Param("normalize", "none", "gradient normaliser before the min-norm solve",
                  choices=("none", "l2", "loss", "loss+"), label="Gradient normalisation"),
            Param("mode", "rep", "rep = MGDA-UB (gradients w.r.t. the shared representation, cheap); "
                                 "params = exact MGDA on the shared parameters", choices=("rep", "params"),
                                 label="Mode")),
    cls=MGDA, description="Follow the smallest vector in the convex hull of the task gradients: "
                          "a direction that decreases every task (or stops at a Pareto-stationary point).")
