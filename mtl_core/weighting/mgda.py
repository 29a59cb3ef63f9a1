"""MGDA: the min-norm point in the convex hull of the task gradients.

Sener & Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018.
α* = argmin_{α ∈ simplex} ||Σ_k α_k g_k||², a common descent direction (or 0 at a Pareto-stationary
point). Two tasks: closed form γ = clip(((g2−g1)·g2)/||g1−g2||², 0, 1), α = (γ, 1−γ). More tasks:
Frank-Wolfe on the Gram matrix, batched over runs (pairwise Frank-Wolfe steps plus an exact step on
the current face, see `simplex_minimize`), so ill-conditioned gradients converge too.

Two modes. "rep" (default) is the paper's MGDA-UB: the min-norm problem is solved on the gradients of
the task losses w.r.t. the shared representation Z (model output extras["shared_rep"]: MMoE's expert
outputs, Shared-Bottom's bottom, PLE's final shared experts, ESMM's backbone), an upper bound that
needs one cheap backward per task to Z instead of to every shared parameter; the model then trains on
Σ_k T·α_k·L_k in one backward pass. "params" solves it on the gradients w.r.t. the shared parameters
(exact MGDA). Models with no shared representation (Cross-Stitch, AITM, single-task) use "params".
"""
from __future__ import annotations

import torch

from ..params import Param
from ..models.base import SHARED_REP
from .base import GradientWeighting, StepContext, gram, spd_solve, task_gradients
from .registry import WeightingInfo


def simplex_minimize(M: torch.Tensor, b: torch.Tensor | None = None, k: torch.Tensor | float = 1.0,
                     max_iter: int = 250, tol: float = 1e-10) -> torch.Tensor:
    """argmin over the simplex of F(w) = bᵀw + k·sqrt(wᵀMw), per run: M (R, T, T) PSD (normalised),
    b (R, T), k (R,). b = 0, k = 1 is MGDA's min-norm problem; CAGrad's dual has b = M·1/T.

    Each iteration takes (1) a pairwise Frank-Wolfe step: move weight from the worst task in the support
    to the best vertex, with an exact line search (F along a segment is linear + sqrt of a quadratic);
    (2) a face step toward F's stationary point on the current support, solved in closed form, cut
    short where a weight would turn negative (an active-set step in the spirit of Wolfe's min-norm
    point algorithm). Plain Frank-Wolfe zig-zags for many iterations when the gradients are
    ill-conditioned; the face step lands on the exact solution once the support is right.
    Runs stop individually once the pairwise gap falls below tol.
    """
    R, T, _ = M.shape
    b = torch.zeros(R, T, dtype=M.dtype, device=M.device) if b is None else b
    k = torch.as_tensor(k, dtype=M.dtype, device=M.device).expand(R)
    w = torch.full((R, T), 1.0 / T, dtype=M.dtype, device=M.device)
    rows = torch.arange(R, device=M.device)
    active = torch.ones(R, dtype=torch.bool, device=M.device)

    def F(v):  # (R, T) -> (R,)
        return (b * v).sum(1) + k * (v * (M @ v[:, :, None])[:, :, 0]).sum(1).clamp_min(0).sqrt()

    for it in range(max_iter):
        # (1) pairwise Frank-Wolfe step
        Mw = (M @ w[:, :, None])[:, :, 0]  # (R, T)
        q0 = (w * Mw).sum(1).clamp_min(1e-30)  # ||g_w||²
        grad = b + (k / q0.sqrt())[:, None] * Mw  # (R, T) ∇F
        t = grad.argmin(1)  # best vertex
        s = grad.masked_fill(w <= 0, float("-inf")).argmax(1)  # worst task in the support
        gap = grad[rows, s] - grad[rows, t]  # >= the Frank-Wolfe duality gap
        active &= gap * q0.sqrt().clamp(max=1) > tol
        if it % 2 == 0 and not bool(active.any()):
            break
        # along w + η(e_t − e_s): bᵀw changes by η·bd, ||g_w||² = q0 + 2η·q1 + η²·q2;
        # stationary where (u = q1 + q2·η, D = q0·q2 − q1² >= 0) u / sqrt(u² + D) = −bd / (k·sqrt(q2))
        bd = b[rows, t] - b[rows, s]
        q1 = Mw[rows, t] - Mw[rows, s]
        q2 = M[rows, t, t] - 2 * M[rows, t, s] + M[rows, s, s]
        rho = -bd / (k * q2.clamp_min(1e-30).sqrt())
        u = rho * ((q0 * q2 - q1 ** 2).clamp_min(0) / (1 - rho ** 2).clamp_min(1e-30)).sqrt()
        eta = torch.where(rho.abs() < 1, (u - q1) / q2.clamp_min(1e-30), rho.sign() * 1e30)
        eta = torch.where(q2 > 1e-30, eta, (bd < 0) * 1e30)  # g_t == g_s: F is linear along the segment
        eta = torch.minimum(eta.clamp_min(0), w[rows, s]) * active  # (R,)
        w = w.index_put((rows, t), w[rows, t] + eta)
        w = w.index_put((rows, s), (w[rows, s] - eta).clamp_min(0))
        # (2) face step. On support S, b_S + k·M_S w/||g_w|| = μ·1 and Σw = 1 give, with x1 = M_S⁻¹1,
        # xb = M_S⁻¹b_S: w* = (μ·x1 − xb)/sqrt(disc), μ = (sb + sqrt(disc))/s1, disc = sb² − s1·(bᵀxb − k²)
        S = w > 0
        both = S[:, :, None] & S[:, None, :]
        A = torch.where(both, M, 0.0) + torch.diag_embed(torch.where(S, 1e-10, 1.0))  # identity off S
        x = spd_solve(A, torch.stack([S.to(M.dtype), b * S], 2))  # (R, T, 2)
        x1, xb = x[:, :, 0], x[:, :, 1]
        s1, sb = x1.sum(1), xb.sum(1)
        disc = sb ** 2 - s1 * ((b * xb).sum(1) - k ** 2)
        mu = (sb + disc.clamp_min(0).sqrt()) / s1
        target = (mu[:, None] * x1 - xb) / disc.clamp_min(1e-300).sqrt()[:, None]
        d = target - w
        ratio = torch.where(d < 0, w / (-d).clamp_min(1e-300), float("inf")).amin(1)  # largest step >= 0
        step = ratio.clamp(max=1.0)
        cand = (w + step[:, None] * d).clamp_min(0)
        cand = torch.where(cand < 1e-12, 0.0, cand)
        cand = cand / cand.sum(1, keepdim=True)
        good = (disc > 0) & (s1 > 0) & torch.isfinite(cand).all(1) & active
        good &= F(torch.where(good[:, None], cand, w)) < F(w)
        w = torch.where(good[:, None], cand, w)
    return w


def min_norm_weights(M: torch.Tensor) -> torch.Tensor:
    """Gram matrices (R, T, T) -> α (R, T) on the simplex minimising αᵀMα."""
    R, T, _ = M.shape
    if T == 2:  # closed form: γ = clip(((g2−g1)·g2) / ||g1−g2||², 0, 1)
        den = M[:, 0, 0] - 2 * M[:, 0, 1] + M[:, 1, 1]
        gamma = ((M[:, 1, 1] - M[:, 0, 1]) / den.clamp_min(1e-30)).clamp(0, 1)
        gamma = torch.where(den > 1e-30, gamma, torch.full_like(gamma, 0.5))
        return torch.stack([gamma, 1 - gamma], 1)
    return simplex_minimize(M / M.diagonal(dim1=1, dim2=2).mean(1).clamp_min(1e-30)[:, None, None])


class MGDA(GradientWeighting):
    """Combined gradient Σ_k T·α_k·ĝ_k (scaled by T to match EW's sum of losses); ĝ_k = g_k / n_k with the
    chosen normaliser n_k (as in the paper's code: none, l2 = ||g_k||, loss = L_k, loss+ = L_k·||g_k||).
    Effective weights on the raw gradients: T·α_k / n_k."""

    def __init__(self, tasks, seeds, normalize="none", mode="rep"):
        super().__init__(tasks, seeds, normalize=normalize, mode=mode)
        self.normalize, self.mode = normalize, mode
        self.used_mode: str | None = None  # what the last step did ("rep" or "params")

    def weights_for(self, grads: torch.Tensor, losses: torch.Tensor) -> torch.Tensor:
        """Per-task gradients (R, T, P) -> effective weights (R, T) on the raw gradients."""
        R, T, _ = grads.shape
        norm = grads.norm(dim=2)  # (R, T)
        n = {"none": torch.ones_like(norm), "l2": norm, "loss": losses.to(norm),
             "loss+": losses.to(norm) * norm}[self.normalize].clamp_min(1e-12)  # (R, T)
        alpha = min_norm_weights(gram(grads / n[:, :, None])).to(grads.dtype)  # (R, T)
        return T * alpha / n

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        w = self.weights_for(grads, losses)
        return torch.einsum("rt,rtp->rp", w, grads), w

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        extras = getattr(ctx.outputs, "extras", None) or {}
        if self.mode == "rep" and SHARED_REP in extras:  # MGDA-UB: gradients w.r.t. Z, then one backward
            self.used_mode = "rep"
            grads = task_gradients(losses, [extras[SHARED_REP]])  # (R, T, B*...)
            w = self.weights_for(grads, losses.detach()).detach()
            (w * losses).sum().backward()
            return w
        self.used_mode = "params"
        return super().backward(losses, ctx)


INFO = WeightingInfo(
    id="mgda", name="MGDA (min-norm)",
    paper="Sener & Koltun, Multi-Task Learning as Multi-Objective Optimization", year=2018,
    params=(Param("normalize", "none", "gradient normaliser before the min-norm solve",
                  choices=("none", "l2", "loss", "loss+")),
            Param("mode", "rep", "rep = MGDA-UB (gradients w.r.t. the shared representation, cheap); "
                                 "params = exact MGDA on the shared parameters", choices=("rep", "params"))),
    cls=MGDA, description="Follow the smallest vector in the convex hull of the task gradients: "
                          "a direction that decreases every task (or stops at a Pareto-stationary point).")
