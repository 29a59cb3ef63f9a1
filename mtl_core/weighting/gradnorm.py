"""GradNorm: learn task weights that balance gradient norms on the last shared layer.

Chen, Badrinarayanan, Lee, Rabinovich, "GradNorm: Gradient Normalization for Adaptive Loss Balancing in
Deep Multitask Networks", ICML 2018.

G_k = ||∇_W w_k L_k|| on the last shared layer W, r_k = (L_k/L_k(0)) / mean_j(L_j/L_j(0)),
target_k = mean_j(G_j)·r_k^α (held constant). The loss Σ_k |G_k − target_k| updates the weights only;
the model trains on Σ_k w_k L_k; after each step the weights are renormalised to sum to T.
Since ∇_W(w_k L_k) = w_k ∇_W L_k, G_k = w_k·||∇_W L_k|| and the weight gradient needs no double backprop.
"""
from __future__ import annotations

import torch
from torch import nn

from ..params import Param
from .base import StepContext, Weighting
from .registry import WeightingInfo
from .solvers import task_gradients


class GradNorm(Weighting):
    """Learnable weights w (R, T), initialised to 1, optimised with the model's optimiser. A loss-based
    strategy as far as the backward pass goes (the model trains on Σ w_k L_k), but it looks at gradients."""

    needs_gradients = True

    def __init__(self, tasks, seeds, alpha=1.5):
        super().__init__(tasks, seeds)
        self.alpha = self.per_run("alpha", alpha)  # (R, 1)
        self.w = nn.Parameter(torch.ones(self.n_runs, self.n_tasks))  # (R, T)
        self.register_buffer("initial", None, persistent=False)  # (R, T) losses at the first step

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        """Sets w.grad from the GradNorm loss and returns the weights the model trains with (a copy:
        the optimiser step changes w in place)."""
        names = ctx.last_shared or ctx.shared
        if names:
            L = losses.detach()  # (R, T)
            if self.initial is None:
                self.initial = L.clone()
            norms = task_gradients(losses, [ctx.params[n] for n in names]).norm(dim=2)  # (R, T)
            G = self.w * norms  # (R, T), differentiable in w only
            ratio = L / self.initial.clamp_min(1e-12)
            r = ratio / ratio.mean(1, keepdim=True)  # relative inverse training rate
            target = (G.mean(1, keepdim=True) * r ** self.alpha).detach()
            (self.w.grad,) = torch.autograd.grad((G - target).abs().sum(), self.w)
        return self.w.detach().clone()  # (R, T)

    @torch.no_grad()
    def after_step(self) -> None:
        self.w.clamp_(min=1e-4)
        self.w.mul_(self.n_tasks / self.w.sum(1, keepdim=True))


INFO = WeightingInfo(
    id="gradnorm", name="GradNorm",
    paper="Chen et al., GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask Networks",
    year=2018,
    params=(Param("alpha", 1.5, "restoring force: how strongly slower tasks are pushed up", low=0.0, high=5.0,
                  per_run=True, label="Asymmetry α"),),
    cls=GradNorm, description="Learn weights so each task's gradient norm on the last shared layer "
                              "matches the average, scaled by how far behind the task is.")
