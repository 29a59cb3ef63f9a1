"""IMTL: Impartial Multi-Task Learning (gradient balance IMTL-G, loss balance IMTL-L, or both).

Liu, Li, Kuang, Xue, Chen, Yang, Liao, Zhang, "Towards Impartial Multi-task Learning", ICLR 2021.

IMTL-G: find α with Σ_k α_k = 1 such that the combined gradient g = Σ_k α_k g_k has the SAME projection
onto every task's unit gradient u_k = g_k/||g_k||: g·u_1 = g·u_k for all k. The paper's closed form,
α_{2..T} = g_1 Uᵀ(D Uᵀ)⁻¹ with rows D_k = g_1 − g_k, U_k = u_1 − u_k, is the same point as
α = M⁻¹n / (1ᵀM⁻¹n), M = GGᵀ the Gram matrix and n the gradient norms (then Mα = n/(1ᵀM⁻¹n), i.e.
g·u_k = 1/(1ᵀM⁻¹n) for every k), which is what is computed here, with the pseudo-inverse M⁺ in place of
M⁻¹ (as TorchJD's IMTL-G): linearly dependent task gradients (g3 = g1 + g2) make M singular, and a ridged
solve would then return a huge multiple of M's null vector, whose combination of gradients is ~0.
Two tasks: α_k ∝ 1/||g_k||, and the update bisects the two unit gradients.

IMTL-L: learn s_k and train on e^{s_k}·L_k − s_k (stationary where e^{s_k}·L_k = 1: every scaled loss is
brought to the same scale). The hybrid ("IMTL", the default) takes IMTL-G's gradients of the scaled losses.

As in the paper, the gradients are taken w.r.t. the shared representation by default (mode "rep", like
MGDA-UB; models without one fall back to the shared parameters); mode "params" uses the shared parameters.
"""
from __future__ import annotations

import torch
from torch import nn

from ..params import Param
from .base import GradientWeighting, StepContext, Weighting
from .registry import WeightingInfo
from .dual_cone import psd_pinv
from .solvers import gram


def imtl_g_weights(M: torch.Tensor) -> torch.Tensor:
    """Gram matrices (R, T, T) -> α (R, T), Σα = 1, with equal projections of Σ α_k g_k on every unit g_k.
    A task without gradient (no samples of its space in the batch) gets α = 0 and is left out.

    With 3+ tasks 1ᵀM⁻¹n can be negative: normalising by it (the paper's Σα = 1) would then flip the
    update into an ascent direction for every task, so it is normalised by |1ᵀM⁻¹n| (projections stay
    positive; α sums to −1). With two tasks 1ᵀM⁻¹n > 0 always and α ∈ [0, 1]. When M is singular, M⁺n
    gives the least-squares equal projections (exactly equal ones may not exist)."""
    diag = M.diagonal(dim1=1, dim2=2)  # (R, T) squared norms
    scale = diag.mean(1).clamp_min(1e-30)  # (R,) α is invariant to scaling every gradient alike
    live = diag > 1e-12 * scale[:, None]  # (R, T)
    Ms = torch.where(live[:, :, None] & live[:, None, :], M / scale[:, None, None], 0.0)  # dead tasks: 0 rows
    n = torch.where(live, (diag / scale[:, None]).clamp_min(0).sqrt(), 0.0)  # (R, T) normalised ||g_k||
    x = (psd_pinv(Ms) @ n[:, :, None])[:, :, 0]  # (R, T) M⁺n: least squares where M is singular
    s = x.sum(1, keepdim=True)  # (R, 1)
    return torch.where(live, x, 0.0) / s.abs().clamp_min(1e-30)


class IMTL(GradientWeighting):
    """The combined gradient is T·Σ_k α_k g_k (times T to match EW's sum of losses; the paper's α sums to 1).
    Effective weights, on each task's raw loss gradient: T·α_k·e^{s_k} (e^{s_k} = 1 without loss balance).
    `state()` reports the loss scales e^{s_k} when they are learned."""

    signed_weights = True  # only with 3+ tasks can an α be negative (see imtl_g_weights)

    def __init__(self, tasks, seeds, variant="hybrid", mode="rep"):
        super().__init__(tasks, seeds)
        self.variant, self.mode = variant, mode
        if variant in ("hybrid", "l"):  # IMTL-L's log loss scales, learned with the model's optimiser
            self.s = nn.Parameter(torch.zeros(self.n_runs, self.n_tasks))  # (R, T)

    def gradient_space(self, ctx: StepContext) -> str:
        return "rep" if self.mode == "rep" and self.shared_rep(ctx) is not None else "params"

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        if self.variant == "g":
            return super().backward(losses, ctx)
        scale = self.s.detach().exp().to(losses.dtype)  # (R, T) e^s
        L = losses.detach()
        if self.variant == "l":  # loss balance alone: plain sum of the scaled losses, no per-task gradients
            w = Weighting.backward(self, scale * losses, ctx)
        else:
            w = super().backward(scale * losses, ctx)  # weights on the scaled losses' gradients
        # IMTL-L's own loss Σ_k (e^{s_k}·L_k − s_k): its gradient w.r.t. s (the −s term reaches no model parameter)
        self.s.grad = (scale * L - 1).to(self.s.dtype)
        return w * scale

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        T = grads.shape[1]
        w = T * imtl_g_weights(gram(grads)).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", w, grads), w

    def state(self) -> dict[str, torch.Tensor]:
        return {"loss_scale": self.s.detach().exp()} if self.variant != "g" else {}  # (R, T)


INFO = WeightingInfo(
    id="imtl", name="IMTL (impartial)",
    paper="Liu et al., Towards Impartial Multi-task Learning", year=2021,
    params=(Param("variant", "hybrid", "hybrid = the paper's IMTL (loss balance and gradient balance); g = IMTL-G "
                                       "alone; l = IMTL-L alone", choices=("hybrid", "g", "l")),
            Param("mode", "rep", "rep = gradients w.r.t. the shared representation (as in the paper, cheap); "
                                 "params = gradients on the shared parameters", choices=("rep", "params"),
                  when=(("variant", ("hybrid", "g")),), label="Mode")),
    cls=IMTL, description="Scale the task gradients so that the update has the same projection on every task's "
                          "gradient direction, and learn loss scales that bring every loss to the same level.")
