"""GradDrop: gradient sign dropout.

Chen, Ngiam, Huang, Luong, Kretzschmar, Chai, Anguelov, "Just Pick a Sign: Optimizing Deep Multitask
Models with Gradient Sign Dropout", NeurIPS 2020 (Algorithm 1). Per gradient coordinate, the positive
sign purity P = ½(1 + Σ_i g_i / Σ_i |g_i|) ∈ [0, 1] says how much of the tasks' push is positive; draw
U ~ U(0, 1) per coordinate and keep only the positive task gradients there when f(P) > U, only the
negative ones when f(P) < U. The update is Σ_i (ℓ + (1 − ℓ)·M_i)∘g_i with M_i that mask and ℓ the leak.
Where every task agrees on the sign, P is 0 or 1 and the gradient is kept whole; where they conflict,
one sign wins at random, in proportion to its share. As in the paper's experiments f is the identity
and the leak is the same for every task (0 = pure GradDrop; 1 = EW; the paper leaks source tasks in
transfer learning, which has no counterpart here).

Where this differs: the paper inserts GradDrop at an activation layer A and, for batch-separated
activations, measures the purity on Σ_batch sign(A)∘∇_A L_i (LibMTL does that on the shared
representation). Here, as in TorchJD's GradDrop, it acts on the gradients of the shared parameters,
which are already summed over the batch, so the engine's parameter-space contract is unchanged.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo


def graddrop_combine(grads: torch.Tensor, uniform: torch.Tensor, leak: torch.Tensor
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """grads (R, T, P), uniform draws U (R, P), leak (R, 1) -> (update (R, P), kept fraction (R, T):
    each task's masked gradient projected on its own gradient, <m_k∘g_k, g_k>/||g_k||²)."""
    total_abs = grads.abs().sum(1)  # (R, P)
    purity = 0.5 * (1 + grads.sum(1) / torch.where(total_abs > 0, total_abs, 1.0))  # (R, P); 0.5 where no gradient
    mask = ((purity > uniform)[:, None] & (grads > 0)) | ((purity < uniform)[:, None] & (grads < 0))  # (R, T, P)
    keep = leak[:, :, None] + (1 - leak[:, :, None]) * mask.to(grads.dtype)  # (R, T, P)
    kept = keep * grads
    sq = (grads * grads).sum(2)  # (R, T)
    w = torch.where(sq > 0, (kept * grads).sum(2) / torch.where(sq > 0, sq, 1.0), 0.0)
    return kept.sum(1), w


class GradDrop(GradientWeighting):
    """The update is not a linear combination of the task gradients (it masks coordinates), so the
    reported weight of task k is the share of its gradient that survived, <m_k∘g_k, g_k>/||g_k||² ∈ [ℓ, 1]
    (1 for every task when no two gradients disagree in sign anywhere)."""

    def __init__(self, tasks, seeds, leak=0.0):
        super().__init__(tasks, seeds)
        self.leak = self.per_run("leak", leak)  # (R, 1)

    def uniform(self, n: int) -> torch.Tensor:
        """(R, n) uniform draws, each run from its own generator."""
        return torch.stack([torch.rand(n, generator=g) for g in self.generators]).to(self.device)

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        U = self.uniform(grads.shape[2]).to(grads)  # (R, P)
        return graddrop_combine(grads, U, self.leak.to(grads.dtype))


INFO = WeightingInfo(
    id="graddrop", name="GradDrop (gradient sign dropout)",
    paper="Chen et al., Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout", year=2020,
    params=(Param("leak", 0.0, "share of every task gradient kept whatever its sign (0 = GradDrop, 1 = plain sum)",
                  low=0.0, high=1.0, per_run=True),),
    cls=GradDrop, description="Where tasks disagree on the sign of a gradient coordinate, keep one sign at random, "
                              "in proportion to how much of the push it has, and drop the other.")
