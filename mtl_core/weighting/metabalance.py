"""MetaBalance: adapt the gradient magnitudes of auxiliary tasks to the target task's.

He, Feng, Cheng, Ji, Guo, Caverlee, "MetaBalance: Improving Multi-Task Recommendations via Adapting
Gradient Magnitudes of Auxiliary Tasks", The Web Conference (WWW) 2022.
One task is the TARGET (e.g. CVR, the one the recommender is judged on); the others are AUXILIARY tasks
that should help it without dominating it. For every shared parameter tensor separately ("each part of the
network"), a moving average of each task's gradient norm is kept, m_k ← β·m_k + (1 − β)·||g_k||, and each
auxiliary gradient is rescaled towards the target's magnitude,
    g_k ← r·(m_target / m_k)·g_k + (1 − r)·g_k,
r ∈ [0, 1] the relax factor (r = 1: the same magnitude as the target; r = 0: unchanged). The target's own
gradient is never scaled. The update is the sum. "both" (the reference code) adapts every auxiliary
gradient; the paper also studies only reducing those larger than the target's ("reduce") and only
enlarging the smaller ones ("enlarge").
"""
from __future__ import annotations

import torch

from ..params import ConfigError, Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo

_EPS = 1e-12  # guards a zero moving average (the reference code divides by it directly)


def _check_target(target: int, n_tasks: int) -> None:
    if not 0 <= int(target) < n_tasks:
        raise ConfigError("weighting.target", target, f"a task index from 0 to {n_tasks - 1} "
                                                      f"(the dataset has {n_tasks} tasks)")


class MetaBalance(GradientWeighting):
    """Effective weights: exactly 1 for the target task; for an auxiliary task k, ||g_k'|| / ||g_k||, its scaling
    factor (one per shared parameter tensor) averaged in proportion to the squared gradient norm it scales (the
    exact coefficient when every tensor has the same factor). `state()` reports m_k / m_target over all tensors."""

    def __init__(self, tasks, seeds, target=0, relax=0.7, beta=0.9, adapt="both"):
        super().__init__(tasks, seeds)
        _check_target(target, self.n_tasks)
        self.target, self.adapt = int(target), adapt
        self.relax = self.per_run("relax", relax)  # (R, 1) relax factor r
        self.beta = self.per_run("beta", beta)  # (R, 1) moving-average rate of the gradient norms
        self.norms: torch.Tensor | None = None  # (R, T, S) moving averages, S shared tensors

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        _check_target(params["target"], len(tasks))

    @staticmethod
    def _segments(ctx: StepContext, P: int) -> list[int]:
        """Sizes of the shared parameter tensors in the flat gradient (one segment if they do not add up)."""
        sizes = [ctx.params[n][0].numel() for n in ctx.shared if n in ctx.params]
        return sizes if sizes and sum(sizes) == P else [P]

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        R, T, P = grads.shape
        sizes = self._segments(ctx, P)
        parts = grads.split(sizes, dim=2)  # S × (R, T, P_s)
        norm = torch.stack([p.norm(dim=2) for p in parts], 2)  # (R, T, S) ||g_k|| per tensor
        if self.norms is None or self.norms.shape != norm.shape:
            self.norms = torch.zeros_like(norm)
        beta = self.beta.to(norm.dtype)[:, :, None]  # (R, 1, 1)
        self.norms = beta * self.norms.to(norm.dtype) + (1 - beta) * norm  # (R, T, S)
        m_target = self.norms[:, self.target:self.target + 1]  # (R, 1, S)
        ratio = m_target / self.norms.clamp_min(_EPS)  # (R, T, S)
        r = self.relax.to(norm.dtype)[:, :, None]  # (R, 1, 1)
        factor = r * ratio + (1 - r)  # (R, T, S)
        applies = {"both": torch.ones_like(factor, dtype=torch.bool), "reduce": self.norms > m_target,
                   "enlarge": self.norms < m_target}[self.adapt]
        applies = applies & (self.norms > _EPS)  # a task that never had a gradient here keeps it (zero) as is
        applies[:, self.target] = False  # the target's gradient is never scaled
        factor = torch.where(applies, factor, torch.ones_like(factor))
        scaled = torch.cat([p * f[:, :, None] for p, f in zip(parts, factor.unbind(2))], dim=2)  # (R, T, P)
        sq = norm ** 2  # (R, T, S)
        total = sq.sum(2)  # (R, T)
        w = torch.where(total > 0, ((factor ** 2) * sq).sum(2) / total.clamp_min(1e-300), factor.mean(2)).sqrt()
        w = torch.where(applies.any(2), w, torch.ones_like(w))
        return scaled.sum(1), w  # (R, P), (R, T)

    def state(self) -> dict[str, torch.Tensor]:
        if self.norms is None:
            return {}
        total = self.norms.sum(2)  # (R, T) summed over tensors
        return {"norm_ratio": total / total[:, self.target:self.target + 1].clamp_min(_EPS)}


INFO = WeightingInfo(
    id="metabalance", name="MetaBalance (target + auxiliary)",
    paper="He et al., MetaBalance: Improving Multi-Task Recommendations via Adapting Gradient Magnitudes of "
          "Auxiliary Tasks", year=2022,
    params=(Param("target", 0, "index of the target task (0 = the first); every other task is auxiliary",
                  low=0, high=7),
            Param("relax", 0.7, "relax factor r: how close an auxiliary gradient's magnitude is pulled to the "
                                "target's (1 = equal, 0 = unchanged)", low=0.0, high=1.0, per_run=True),
            Param("beta", 0.9, "rate of the moving average of the gradient norms", low=0.0, high=0.999,
                  per_run=True),
            Param("adapt", "both", "which auxiliary gradients are rescaled: both, only those larger than the "
                                   "target's (reduce), or only the smaller ones (enlarge)",
                  choices=("both", "reduce", "enlarge"))),
    cls=MetaBalance, description="Keep one target task's gradient as it is and pull every auxiliary task's "
                                 "gradient magnitude towards it, separately for each shared layer.")
