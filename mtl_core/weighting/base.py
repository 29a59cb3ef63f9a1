"""The contract every loss-weighting strategy follows.

A strategy receives the per-task losses of R independent runs, shape (R, T), performs the backward
pass itself and returns the task weights it applied, (R, T), for plotting. Runs never interact: a
strategy keeps per-run state and per-run random generators, so run r of a batch equals the same seed
trained alone (R = 1 is the ordinary single run).

Loss-based strategies only implement `weights()`. Gradient-based ones (`GradientWeighting`) implement
`combine()` over per-task gradients on the shared parameters, (R, T, P); task-specific parameters keep
their own task's gradient, as in LibMTL.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..data.base import TaskSpec


@dataclass
class StepContext:
    """What a strategy may look at during one optimisation step."""

    step: int  # global step, from 0
    epoch: int  # current epoch, from 0
    params: dict[str, torch.Tensor]  # every model parameter, stacked over runs: (R, ...)
    shared: list[str]  # names of parameters shared between tasks
    last_shared: list[str]  # names of the last shared layer's weight (GradNorm)
    outputs: object = None  # the model outputs the losses were computed from (ModelOutput; (R, B, ...)
    #                         tensors, or (B, ...) when R = 1): MGDA-UB reads extras["shared_rep"]


class Weighting:
    """Base class: equal treatment of the plumbing, subclasses choose the weights."""

    gradient_based = False

    def __init__(self, tasks: tuple[TaskSpec, ...], seeds: list[int], **hparams):
        self.tasks = tasks
        self.n_tasks = len(tasks)
        self.n_runs = len(seeds)
        self.hp = hparams
        self.device = torch.device("cpu")
        self.generators = [torch.Generator().manual_seed(10_007 * s + 17) for s in seeds]

    # -- hooks ---------------------------------------------------------------------------------
    def parameters(self) -> list[torch.Tensor]:
        """Learnable tensors of the strategy itself (UW's log-variances...); optimised with the model."""
        return []

    def to(self, device: torch.device) -> "Weighting":
        self.device = device
        return self

    def on_epoch_end(self, epoch: int, mean_losses: torch.Tensor) -> None:
        """Called with each run's mean training loss per task over the finished epoch, (R, T)."""

    def after_step(self) -> None:
        """Called after the optimiser step (GradNorm renormalises its weights here)."""

    def state(self) -> dict:
        """Anything worth plotting besides the weights (e.g. UW's sigma^2), each (R, T)."""
        return {}

    # -- the step ------------------------------------------------------------------------------
    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        """(R, T) weights for detached losses (R, T)."""
        return torch.ones_like(losses)

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        w = self.weights(losses.detach(), ctx)
        (w * losses).sum().backward()
        return w.detach()

    def randn(self, *shape: int) -> torch.Tensor:
        """(R, *shape) standard normals, each run from its own generator."""
        return torch.stack([torch.randn(*shape, generator=g) for g in self.generators]).to(self.device)


class GradientWeighting(Weighting):
    """Strategies that look at per-task gradients on the shared parameters."""

    gradient_based = True

    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """grads (R, T, P) -> (shared gradient (R, P), effective task weights (R, T))."""
        raise NotImplementedError

    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        shared = [ctx.params[n] for n in ctx.shared]
        if not shared:  # nothing shared (single-task): each task trains on its own gradient
            losses.sum().backward()
            return torch.ones_like(losses.detach())
        grads = task_gradients(losses, shared)  # (R, T, P)
        g, w = self.combine(grads, losses.detach(), ctx)
        set_flat_grad(shared, g)
        others = [p for n, p in ctx.params.items() if n not in set(ctx.shared)]
        if others:
            torch.autograd.backward(losses.sum(), inputs=others)
        return w.detach()


def task_gradients(losses: torch.Tensor, params: list[torch.Tensor], create_graph: bool = False
                   ) -> torch.Tensor:
    """Per-run, per-task gradients flattened: (R, T, P). Runs are independent, so the gradient of the
    sum over runs of task t's loss holds run r's gradient in slice r."""
    R, T = losses.shape
    rows = []
    for t in range(T):
        gs = torch.autograd.grad(losses[:, t].sum(), params, retain_graph=True, allow_unused=True,
                                 create_graph=create_graph)
        rows.append(torch.cat([(torch.zeros_like(p) if g is None else g).reshape(R, -1)
                               for g, p in zip(gs, params)], dim=1))
    return torch.stack(rows, dim=1)


def gram(grads: torch.Tensor) -> torch.Tensor:
    """(R, T, P) -> (R, T, T) inner products of task gradients, in float64 where the device has it
    (the small solvers built on it are then well conditioned)."""
    g = grads.detach().to(torch.float32 if grads.device.type == "mps" else torch.float64)
    return g @ g.transpose(1, 2)


def spd_solve(A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """x with A x = b for small symmetric positive-definite A (R, T, T) and b (R, T) or (R, T, m):
    Gaussian elimination without pivoting, vectorised over R (batched LAPACK calls loop over tiny systems)."""
    vec = b.dim() == 2
    A, b, T = A.clone(), (b[:, :, None] if vec else b).clone(), A.shape[1]
    for i in range(T - 1):
        f = A[:, i + 1:, i] / A[:, i, i, None]  # (R, T-i-1)
        A[:, i + 1:] -= f[:, :, None] * A[:, i, None]
        b[:, i + 1:] -= f[:, :, None] * b[:, i, None]
    x = torch.zeros_like(b)
    for i in reversed(range(T)):
        x[:, i] = (b[:, i] - (A[:, i, i + 1:, None] * x[:, i + 1:]).sum(1)) / A[:, i, i, None]
    return x[:, :, 0] if vec else x


def set_flat_grad(params: list[torch.Tensor], flat: torch.Tensor) -> None:
    """Write (R, P) back into the .grad of (R, ...) parameters."""
    R, i = flat.shape[0], 0
    for p in params:
        n = p[0].numel()
        g = flat[:, i:i + n].reshape(p.shape)
        p.grad = g.clone() if p.grad is None else p.grad + g
        i += n
