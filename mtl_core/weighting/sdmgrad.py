"""SDMGrad: stochastic direction-oriented multi-objective gradient descent.

Xiao, Ban, Ji, "Direction-oriented Multi-objective Learning: Simple and Provable Stochastic Algorithms",
NeurIPS 2023. MGDA's min-norm direction, pulled towards a preferred direction g0 (here the average
gradient, the paper's default): the weights w on the simplex minimise ½||G ᵀw + λ·g0||², and the update
is d = (Gᵀw + λ·g0) / (1 + λ). λ = 0 is MGDA (a common descent direction), λ → ∞ the average gradient.

The problem is solved, as in the authors' code (and LibMTL, TorchJD), by `n_iter` steps of projected SGD with
momentum 0.5 (restarted every step) on the Gram matrix normalised by the squared mean gradient norm,
warm-started from the previous step's w. Where this differs: the reference code's step size is a fixed 10
(LibMTL's 5), beyond the 2/L stability limit of gradient descent on this quadratic (L = the normalised Gram
matrix's largest eigenvalue, at least 1), so its iterates jump between vertices of the simplex instead of
converging; here the step is 1/L (L bounded by the largest row sum), and the iterates converge to the problem's solution (λ = 0: MGDA's min-norm
weights, which a test checks). The paper samples three independent batches per step (two for an unbiased
estimate of GGᵀ, one for the update); the engine gives one, so the same batch's gradients serve all three
(a biased but cheap estimate: the double sampling is approximated by the single batch).

The update is scaled by T (d·T, so λ → ∞ is exactly EW's sum of gradients); the reference code applies d.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import GradientWeighting, StepContext
from .registry import WeightingInfo
from .simplex import project_to_simplex
from .solvers import gram

_MOMENTUM = 0.5  # the inner solver's, as the authors' code


def sdmgrad_weights(M: torch.Tensor, w: torch.Tensor, lam: torch.Tensor, n_iter: int) -> torch.Tensor:
    """Gram (R, T, T), warm start w (R, T) on the simplex, λ (R, 1) -> w after n_iter projected heavy-ball
    steps (step 1/L, L >= the largest eigenvalue; momentum 0.5) on ½||Gᵀw + λ·g0||², g0 the mean gradient."""
    T = M.shape[1]
    diag = M.diagonal(dim1=1, dim2=2).clamp_min(0)  # (R, T)
    A = M / (diag.sqrt().mean(1).pow(2) + 1e-8)[:, None, None]  # (R, T, T) scale-free
    # (R, 1) 1/L with L = the largest absolute row sum, a bound on the largest eigenvalue (Gershgorin) that
    # needs no eigensolver on any device
    lr = 1 / A.abs().sum(2).amax(1, keepdim=True).clamp_min(1e-12)
    lam = lam.to(M.dtype)
    velocity = torch.zeros_like(w)
    for _ in range(n_iter):
        grad = (A @ (w + lam / T)[:, :, None])[:, :, 0]  # (R, T) ∇_w ½||Gᵀ(w + λ/T)||²
        velocity = _MOMENTUM * velocity + grad
        w = project_to_simplex(w - lr * velocity)
    return w


class SDMGrad(GradientWeighting):
    """Effective weights: T·(w_k + λ/T)/(1 + λ), the coefficients of each g_k in the applied update (they sum
    to T). `state()` reports w, the simplex weights of the inner problem."""

    def __init__(self, tasks, seeds, lam=0.3, n_iter=20):
        super().__init__(tasks, seeds)
        self.lam = self.per_run("lam", lam)  # (R, 1) λ
        self.n_iter = int(n_iter)
        self.register_buffer("w", torch.full((self.n_runs, self.n_tasks), 1.0 / self.n_tasks, device=self.device),
                             persistent=False)  # (R, T) warm start

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext):
        T = grads.shape[1]
        M = gram(grads)  # (R, T, T)
        w = sdmgrad_weights(M, self.w.to(M.dtype), self.lam, self.n_iter)
        self.w = w.to(self.w.dtype)
        lam = self.lam.to(M.dtype)
        eff = (T * (w + lam / T) / (1 + lam)).to(grads.dtype)  # (R, T)
        return torch.einsum("rt,rtp->rp", eff, grads), eff

    def state(self) -> dict[str, torch.Tensor]:
        return {"w": self.w}


INFO = WeightingInfo(
    id="sdmgrad", name="SDMGrad (direction-oriented)",
    paper="Xiao, Ban, Ji, Direction-oriented Multi-objective Learning: Simple and Provable Stochastic Algorithms",
    year=2023,
    params=(Param("lam", 0.3, "λ: how strongly the update is pulled towards the average gradient (0 = MGDA's "
                              "min-norm direction, large = EW)", low=0.0, high=100.0, per_run=True),
            Param("n_iter", 20, "projected-SGD steps solving for the task weights at each training step",
                  low=1, high=1000)),
    cls=SDMGrad, description="MGDA's common descent direction, pulled towards the average gradient by λ: between "
                             "avoiding conflict and making progress on the average.")
