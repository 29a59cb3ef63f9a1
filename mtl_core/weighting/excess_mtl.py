"""ExcessMTL: weight tasks by their excess risk, not their loss.

He, Zhou, Zhao, "Robust Multi-Task Learning with Excess Risks", ICML 2024.
A task's loss mixes what can still be learned (the excess risk, L − L*) with noise that cannot (the Bayes
risk L*); weighting by the loss hands noisy tasks the most weight. ExcessMTL estimates each excess risk by a
second-order Taylor step, E_k ≈ g_kᵀ H_k⁻¹ g_k, with the Hessian's diagonal approximated as in AdaGrad,
H_k ≈ diag(sqrt(Σ_{steps} g_k² + 1e-7)) (Equations 6-7), divides it by its value at the start (the scale
processing of Section 3.2, so tasks with different loss scales are comparable) and updates the task
weights by exponentiated gradient ascent, w_k ← w_k·exp(η·E_k/E_k⁰), normalised (Equation 9): tasks with
more left to learn gain weight, tasks whose loss is mostly noise lose it.

The weights sum to T (as in the reference code and LibMTL; the paper's and TorchJD's sum to 1) and the update
is Σ_k w_k g_k on the shared parameters. The baseline E⁰ is the first step's estimate (the reference code,
LibMTL, TorchJD's default), or, with `warmup_steps` > 0, the mean over that many first steps during which
the weights stay equal (the paper's Appendix C.1, which suggests 3 epochs). The update is done in log space,
as TorchJD does, so a very large ratio saturates the weights instead of overflowing. A task that has had no
gradient yet (no samples of its space) gets its baseline at its first step with one and keeps its weight
until then.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo

_EPS = 1e-7  # inside the AdaGrad square root, and the floor of the baseline, as the reference code


class ExcessMTL(GradientWeighting):
    """Effective weights: the task weights w (R, T), summing to T. `state()` reports the excess-risk
    ratios E_k/E_k⁰ of the last step."""

    def __init__(self, tasks, seeds, robust_step=0.01, warmup_steps=0):
        super().__init__(tasks, seeds)
        self.robust_step = self.per_run("robust_step", robust_step)  # (R, 1) η
        self.warmup_steps = int(warmup_steps)
        R, T = self.n_runs, self.n_tasks
        for name, value in (("log_w", 0.0), ("baseline", 0.0), ("warm_sum", 0.0), ("ratio", 1.0)):
            self.register_buffer(name, torch.full((R, T), value, device=self.device), persistent=False)
        self.sq_sum: torch.Tensor | None = None  # (R, T, P) AdaGrad accumulator of squared gradients
        self.t = 0

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        g = grads.detach()
        if self.sq_sum is None or self.sq_sum.shape != g.shape:
            self.sq_sum = torch.zeros_like(g)
        self.sq_sum = self.sq_sum.to(g.dtype) + g * g
        excess = (g * g / torch.sqrt(self.sq_sum + _EPS)).sum(2).to(self.log_w.dtype)  # (R, T) gᵀH⁻¹g
        self.t += 1
        if self.t <= self.warmup_steps:  # equal weights while the baseline is measured
            self.warm_sum += excess
            if self.t == self.warmup_steps:
                self.baseline = self.warm_sum / self.warmup_steps
        else:
            # a task without a baseline yet (no warm-up, or no gradient during it) takes this estimate
            self.baseline = torch.where(self.baseline > 0, self.baseline, excess)
            known = self.baseline > 0  # (R, T) tasks with a baseline
            self.ratio = torch.where(known, excess / self.baseline.clamp_min(_EPS), 1.0)
            step = torch.where(known, self.robust_step * self.ratio, 0.0)
            self.log_w = torch.log_softmax(self.log_w + step, dim=1)  # normalised in log space
        w = (self.n_tasks * torch.softmax(self.log_w, dim=1)).to(grads.dtype)  # (R, T), sums to T
        return torch.einsum("rt,rtp->rp", w, grads), w

    def state(self) -> dict[str, torch.Tensor]:
        return {"excess_ratio": self.ratio}


INFO = WeightingInfo(
    id="excess_mtl", name="ExcessMTL (excess risk)",
    paper="He, Zhou, Zhao, Robust Multi-Task Learning with Excess Risks", year=2024,
    params=(Param("robust_step", 0.01, "step size η of the exponentiated update of the task weights (larger = "
                                       "weights follow the excess risks faster)", low=0.0, high=100.0, per_run=True),
            Param("warmup_steps", 0, "steps with equal weights whose mean excess risk is the baseline (0 = the "
                                     "first step's estimate)", low=0, high=1_000_000)),
    cls=ExcessMTL, description="Estimate how much each task can still improve (its excess risk, from the gradient "
                               "and an AdaGrad-style curvature) and shift weight towards the tasks with the most "
                               "left to learn, not the noisiest.")
