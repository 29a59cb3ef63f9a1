"""MultiBalance: balance the task gradients w.r.t. the shared representation, at nearly EW's cost.

He, Chen, Xu, Cai, You, Cao, Huang, Yang, Liu, Liu, Jin, Park, Long, Feng (Meta), "MultiBalance:
Multi-Objective Gradient Balancing in Industrial-Scale Multi-Task Recommendation System", arXiv 2411.11871,
2024. MetaBalance (He et al., WWW 2022) rescales each task's gradient on every shared parameter tensor, which
needs one backward pass per task through the shared layers (70-80 % fewer queries per second in Meta's system).
MultiBalance takes the per-task gradients w.r.t. the shared feature REPRESENTATION Z instead (one cheap
backward per task from the heads to Z), keeps a moving average of each task's gradient norm,
m_k ← β·m_k + (1 − β)·||∂L_k/∂Z||, and scales task k by
    s_k = r·(m_ref / m_k) + (1 − r),
r ∈ [0, 1] the relax factor (r = 1: every task pushes Z equally hard). Because ∂(Σ s_k L_k)/∂θ = Jᵀ Σ s_k ∂L_k/∂Z
for the shared parameters θ behind Z, the balanced representation gradient is backpropagated in ONE pass by
training on Σ_k s_k·L_k (the base's "rep" space).

The reference magnitude m_ref: "mean" (the average over tasks, so the weights stay near EW's), "max" (every
task raised to the strongest, like DB-MTL) or "target" (one main task's, as MetaBalance; the target's weight is
then exactly 1). The paper's text was not available to us beyond its abstract: the moving-average rule and
the relax factor follow MetaBalance, which the paper extends; the reference choices are ours. Task heads
train on the same Σ s_k·L_k (in MetaBalance they keep their own gradients). Models without a shared
representation fall back to the shared parameters' gradients (flattened), with the same rule.
"""
from __future__ import annotations

import torch

from ..params import ConfigError, Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo

_EPS = 1e-12  # guards a zero moving average (a task with no samples yet)


def _check_target(target: int, reference: str, n_tasks: int) -> None:
    if reference == "target" and not 0 <= int(target) < n_tasks:
        raise ConfigError("weighting.target", target, f"a task index from 0 to {n_tasks - 1} "
                                                      f"(the dataset has {n_tasks} tasks)")


class MultiBalance(GradientWeighting):
    """Effective weights: s_k (R, T), applied to the losses (with r = 1 the scaled moving averages s_k·m_k
    all equal m_ref). `state()` reports the moving averages m_k of the unscaled gradient norms."""

    def __init__(self, tasks, seeds, reference="mean", target=0, relax=1.0, beta=0.9):
        super().__init__(tasks, seeds)
        _check_target(target, reference, self.n_tasks)
        self.reference, self.target = reference, int(target)
        self.relax = self.per_run("relax", relax)  # (R, 1) r
        self.beta = self.per_run("beta", beta)  # (R, 1) moving-average rate
        self.register_buffer("norms", torch.zeros(self.n_runs, self.n_tasks, device=self.device),
                             persistent=False)  # (R, T) m_k

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        _check_target(params["target"], params["reference"], len(tasks))

    def gradient_space(self, ctx: StepContext) -> str:
        return "rep" if self.shared_rep(ctx) is not None else "params"

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        norm = grads.detach().norm(dim=2).to(self.norms.dtype)  # (R, T) ||∂L_k/∂Z||
        self.norms = self.beta * self.norms + (1 - self.beta) * norm
        m = self.norms
        seen = m > _EPS  # (R, T) tasks that have had a gradient
        if self.reference == "target":
            ref = m[:, self.target:self.target + 1]
        elif self.reference == "max":
            ref = m.amax(1, keepdim=True)
        else:  # the mean over the tasks seen so far
            ref = (m * seen).sum(1, keepdim=True) / seen.sum(1, keepdim=True).clamp_min(1)
        s = self.relax * ref / m.clamp_min(_EPS) + (1 - self.relax)  # (R, T)
        s = torch.where(seen & (ref > _EPS), s, torch.ones_like(s))
        w = s.to(grads.dtype)
        return torch.einsum("rt,rtp->rp", w, grads), w

    def state(self) -> dict[str, torch.Tensor]:
        return {"grad_norm": self.norms}  # (R, T) moving averages of ||∂L_k/∂Z||


INFO = WeightingInfo(
    id="multibalance", name="MultiBalance (representation-level)",
    paper="He et al. (Meta), MultiBalance: Multi-Objective Gradient Balancing in Industrial-Scale Multi-Task "
          "Recommendation System", year=2024,
    params=(Param("reference", "mean", "the magnitude every task is pulled to: the tasks' mean, the largest, or "
                                       "one target task's", choices=("mean", "max", "target")),
            Param("target", 0, "index of the target task (0 = the first)", low=0, high=7,
                  when=(("reference", ("target",)),)),
            Param("relax", 1.0, "relax factor r: how far each task's gradient magnitude is pulled to the "
                                "reference (1 = equal, 0 = unchanged, EW)", low=0.0, high=1.0, per_run=True),
            Param("beta", 0.9, "rate of the moving average of the gradient norms", low=0.0, high=0.999,
                  per_run=True)),
    cls=MultiBalance, description="Rescale each task's gradient with respect to the shared representation to a "
                                  "common magnitude (moving averages): gradient balancing at nearly EW's cost.")
