"""Auto-Lambda: task weights learned by looking one step ahead.

Liu, James, Davison, Johns, "Auto-Lambda: Disentangling Dynamic Task Relationships", TMLR 2022.
A bi-level problem: the task weights λ are chosen so that ONE training step on Σ_k λ_k·L_k most decreases
the loss of the PRIMARY tasks (all tasks in the multi-task setting, one task when the others are auxiliary)
on held-out data. With the virtual step θ' = θ − η·∇_θ Σ_k λ_k L_k(θ) (η the look-ahead step size),
    ∂L_pri(θ')/∂λ_k = −η·∇_θ L_k(θ)·d,   d = ∇_θ' L_pri(θ'),
where the inner product is a Hessian-vector product of Σ λ L, approximated as in the authors' code by a central
finite difference, (L_k(θ + εd) − L_k(θ − εd)) / 2ε with ε = 0.01/||d||. λ then takes one Adam step; a task whose
gradient points the way the primary loss wants to go gains weight. As in LibMTL, λ = softmax(ξ) of logits ξ
(here times T, so λ sums to T like EW's weights), and the model then trains on Σ_k λ_k L_k with the new λ.

What the engine gives instead of a validation batch (an approximation): the step context has no held-out
data, so each step's batch is split by row parity, the even rows standing in for the training half (virtual
step and finite difference) and the odd rows for the held-out half (the primary loss after the step); LibMTL
likewise draws both halves from the training set, as two half-size batches. The virtual step is plain SGD with
its own step size `lookahead_lr` (the reference code uses the model's learning rate and optimiser state). A
driver that cannot re-evaluate the batch (`ctx.loss_at` is None, e.g. hand-made tests) gets the limit of a
zero look-ahead: θ' = θ on the same batch, with the inner products ∇L_k·d computed exactly from per-task
gradients.
"""
from __future__ import annotations

import torch

from ..params import ConfigError, Param
from .base import StepContext, Weighting
from .registry import WeightingInfo
from .solvers import task_gradients

_B1, _B2, _ADAM_EPS = 0.9, 0.999, 1e-8  # torch.optim.Adam defaults
_FD = 0.01  # finite-difference radius ε·||d||, as the authors' code


def _check_primary(primary: int, n_tasks: int) -> None:
    if not -1 <= int(primary) < n_tasks:
        raise ConfigError("weighting.primary", primary, f"-1 (every task) or a task index from 0 to {n_tasks - 1} "
                                                        f"(the dataset has {n_tasks} tasks)")


def _flat_norm(d: list[torch.Tensor]) -> torch.Tensor:
    """Per-run norm (R,) of a gradient given as tensors (R, ...)."""
    return torch.cat([x.reshape(x.shape[0], -1) for x in d], 1).norm(dim=1)


def _per_run(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """(R,) or (R, 1) -> broadcastable against a parameter (R, ...)."""
    return x.reshape(-1, *([1] * (like.dim() - 1))).to(like.dtype)


class AutoLambda(Weighting):
    """Loss-based: the weights λ = T·softmax(ξ) (R, T) are applied to the losses. ξ is a buffer updated by the
    strategy's own Adam before each step (not by the model's optimiser)."""

    def __init__(self, tasks, seeds, lr=0.01, lookahead_lr=0.1, primary=-1):
        super().__init__(tasks, seeds)
        _check_primary(primary, self.n_tasks)
        self.lr = self.per_run("lr", lr)  # (R, 1) step size of the logits' Adam
        self.lookahead_lr = self.per_run("lookahead_lr", lookahead_lr)  # (R, 1) η of the virtual step
        mask = torch.ones(self.n_tasks) if primary == -1 else torch.nn.functional.one_hot(
            torch.tensor(int(primary)), self.n_tasks).float()
        self.register_buffer("primary", mask.to(self.device), persistent=False)  # (T,) 1 for primary tasks
        for name in ("xi", "m", "v"):  # logits and Adam's two moments, (R, T)
            self.register_buffer(name, torch.zeros(self.n_runs, self.n_tasks, device=self.device), persistent=False)
        self.t = 0

    @classmethod
    def check_params(cls, params: dict, tasks) -> None:
        _check_primary(params["primary"], len(tasks))

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        names = list(ctx.params)
        theta = [ctx.params[n] for n in names]
        lam = self.n_tasks * torch.softmax(self.xi, dim=1)  # (R, T)
        if ctx.loss_at is None:
            h = self._inner_products_same_batch(losses, theta)
        else:
            h = self._inner_products_look_ahead(ctx, names, theta, lam)
        p = torch.softmax(self.xi, dim=1)
        # ∂L_pri(θ')/∂ξ = −η·J_λᵀ h, with J_λ the Jacobian of λ = T·softmax(ξ)
        grad = -self.lookahead_lr * self.n_tasks * p * (h - (p * h).sum(1, keepdim=True))  # (R, T)
        self._adam(torch.nan_to_num(grad))
        return (self.n_tasks * torch.softmax(self.xi, dim=1)).to(losses.dtype)

    def _inner_products_look_ahead(self, ctx, names, theta, lam) -> torch.Tensor:
        """(R, T): ∇L_k(θ)·∇L_pri(θ'), by finite differences on the even rows, L_pri on the odd rows."""
        inner, outer = slice(0, None, 2), slice(1, None, 2)
        with torch.enable_grad():
            train = ctx.loss_at(dict(zip(names, theta)), inner)  # (R, T)
            g = torch.autograd.grad((lam.to(train.dtype) * train).sum(), theta, allow_unused=True)
            ahead = [(p - _per_run(self.lookahead_lr, p) * (torch.zeros_like(p) if gi is None else gi))
                     .detach().requires_grad_() for p, gi in zip(theta, g)]  # θ'
            held_out = ctx.loss_at(dict(zip(names, ahead)), outer)  # (R, T)
            d = torch.autograd.grad((held_out * self.primary.to(held_out.dtype)).sum(), ahead, allow_unused=True)
        d = [torch.zeros_like(p) if di is None else di for p, di in zip(theta, d)]
        norm = _flat_norm(d)  # (R,)
        eps = torch.where(norm > 0, _FD / norm.clamp_min(1e-30), 0.0)  # (R,)
        with torch.no_grad():
            plus = ctx.loss_at({n: p + _per_run(eps, p) * di for n, p, di in zip(names, theta, d)}, inner)
            minus = ctx.loss_at({n: p - _per_run(eps, p) * di for n, p, di in zip(names, theta, d)}, inner)
        return ((plus - minus) / (2 * eps.clamp_min(1e-30))[:, None]).to(self.xi.dtype)  # (R, T)

    def _inner_products_same_batch(self, losses, theta) -> torch.Tensor:
        """(R, T): ∇L_k(θ)·∇L_pri(θ) on the step's own batch, exactly (the zero-look-ahead limit)."""
        G = task_gradients(losses, theta).detach()  # (R, T, P) on every parameter
        d = (self.primary.to(G.dtype)[None, :, None] * G).sum(1)  # (R, P)
        return torch.einsum("rtp,rp->rt", G, d).to(self.xi.dtype)

    @torch.no_grad()
    def _adam(self, grad: torch.Tensor) -> None:
        self.t += 1
        self.m.mul_(_B1).add_((1 - _B1) * grad)
        self.v.mul_(_B2).add_((1 - _B2) * grad * grad)
        m_hat = self.m / (1 - _B1 ** self.t)
        v_hat = self.v / (1 - _B2 ** self.t)
        self.xi.sub_(self.lr * m_hat / (v_hat.sqrt() + _ADAM_EPS))


INFO = WeightingInfo(
    id="auto_lambda", name="Auto-Lambda (look-ahead)",
    paper="Liu, James, Davison, Johns, Auto-Lambda: Disentangling Dynamic Task Relationships", year=2022,
    params=(Param("lr", 0.01, "step size of the task-weight logits (their own Adam optimiser)", low=0.0, high=1.0,
                  per_run=True, label="Learning rate"),
            Param("lookahead_lr", 0.1, "step size η of the virtual SGD step the weights look ahead through",
                  low=0.0, high=10.0, per_run=True),
            Param("primary", -1, "the task whose loss the weights should reduce (-1 = every task, the "
                                 "multi-task setting; an index = that task, the others are auxiliary)",
                  low=-1, high=7)),
    cls=AutoLambda, description="Learn the task weights by looking one step ahead: a task gains weight when a step "
                                "on its gradient would lower the primary tasks' loss on other samples.")
