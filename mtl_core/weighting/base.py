"""The contract every loss-weighting strategy follows.

A strategy is an `nn.Module` holding the state of R independent runs: learnable tensors are
`nn.Parameter`s of shape (R, T) (the engine optimises `strategy.parameters()` in their own group, without
weight decay), per-run hyper-parameters are buffers with a leading run axis, and randomness comes from
one generator per run. Runs never interact, so run r of a batch equals the same seed (and the same
hyper-parameters) trained alone; R = 1 is the ordinary single run.

The base class owns the backward pass (`backward(losses, ctx) -> applied weights (R, T)`); a strategy
overrides ONE hook:

- loss-based strategies (`Weighting`) override `weights(losses, ctx) -> (R, T)`. The base backpropagates
  Σ w·L + `penalty()` + Σ ctx.penalty.
- gradient-based strategies (`GradientWeighting`) override `combine(grads, losses, ctx)`, mapping the
  per-task gradients (R, T, P) on the shared parameters to a combined gradient (R, P) and the effective
  task weights (R, T). Task-specific parameters keep their own task's gradient, as in LibMTL. Overriding
  `gradient_space(ctx)` to return "rep" makes the base take the task gradients w.r.t. the shared
  representation instead and train on Σ w·L (MGDA-UB).

Whether a strategy looks at gradients is declared once, by the class attribute `needs_gradients`. Two more
class attributes declare what else a strategy needs or does: `needs_post_step_losses` (the engine then
re-evaluates each step's batch after the optimiser step and passes those losses to `after_step_losses`,
as FAMO's update requires) and `signed_weights` (its reported weights are coefficients of a linear
combination that may be negative, as Aligned-MTL's are).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Literal

import torch
from torch import nn

from ..data.base import TaskSpec
from ..models.base import SHARED_REP
from ..params import ConfigError
from ..params import per_task as broadcast_per_task
from .solvers import set_flat_grad, task_gradients


@dataclass
class StepContext:
    """What a strategy may look at during one optimisation step."""

    step: int  # global step, from 0
    epoch: int  # current epoch, from 0
    params: dict[str, torch.Tensor]  # every model parameter, stacked over runs: (R, ...)
    shared: list[str]  # names of parameters shared between tasks
    last_shared: list[str]  # names of the last shared layer's parameters (GradNorm)
    outputs: object = None  # ModelOutput whose tensors always have a leading run axis (R, B, ...)
    shared_rep: torch.Tensor | None = None  # the tensor the losses were computed from for the shared
    #   representation, (R, B, ...) or (B, ...) when R = 1; gradients w.r.t. it are flattened per run with
    #   .reshape(R, -1). None: the base falls back to outputs.extras["shared_rep"].
    penalty: torch.Tensor | None = None  # (R,) non-task loss terms (e.g. a sparsity penalty), added once,
    #                                      unweighted; None = nothing
    loss_at: Callable[..., torch.Tensor] | None = None  # loss_at(params, rows=None): the task losses (R, T)
    #   of this step's batch (or of its rows `rows`, a slice) under other parameter values {name: (R, ...)},
    #   for look-ahead strategies (Auto-Lambda); None where the driver cannot re-evaluate the batch


class Weighting(nn.Module):
    """Base class of every strategy; on its own it is EW (every weight 1)."""

    needs_gradients: ClassVar[bool] = False  # looks at gradients on shared parameters (more costly)
    needs_post_step_losses: ClassVar[bool] = False  # wants the step's batch re-evaluated after the update (FAMO)
    signed_weights: ClassVar[bool] = False  # reported weights may be negative (Aligned-MTL, IMTL-G with 3+ tasks)

    def __init__(self, tasks: tuple[TaskSpec, ...], seeds: list[int]):
        super().__init__()
        self.tasks = tasks
        self.n_tasks = len(tasks)
        self.n_runs = len(seeds)
        self.generators = [torch.Generator().manual_seed(10_007 * s + 17) for s in seeds]
        self.register_buffer("_anchor", torch.zeros(0), persistent=False)  # follows .to(device)

    @property
    def device(self) -> torch.device:
        return self._anchor.device

    # -- the hook of loss-based strategies -----------------------------------------------------------
    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        """(R, T) task weights for the live losses (R, T).

        Do not backpropagate `losses`, and let the weights depend on them only through `losses.detach()`
        (or `torch.autograd.grad(..., retain_graph=True)`, as GradNorm does). The weights may be attached
        to the strategy's own parameters (UW's c·e^{−s}): the base's backward then reaches them too."""
        return torch.ones_like(losses.detach())

    def penalty(self) -> torch.Tensor | float:
        """A loss term of the strategy's own (UW's 0.5·Σ s), added once to the weighted sum."""
        return 0.0

    # -- optional callbacks --------------------------------------------------------------------------
    def on_epoch_end(self, epoch: int, mean_losses: torch.Tensor) -> None:
        """Called with each run's mean training loss per task over the finished epoch, (R, T)."""

    def after_step(self) -> None:
        """Called after the optimiser step (GradNorm renormalises its weights here)."""

    def after_step_losses(self, losses: torch.Tensor) -> None:
        """Only when `needs_post_step_losses`: called after `after_step` with the losses (R, T) of the same
        batch under the updated parameters, without a graph (FAMO compares them with the losses before)."""

    def state(self) -> dict[str, torch.Tensor]:
        """Anything worth plotting besides the weights (e.g. UW's sigma^2), each (R, T)."""
        return {}

    # -- the step (owned by the base) ----------------------------------------------------------------
    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        """Backpropagate the weighted losses (R, T) into every parameter; return the weights, (R, T)."""
        w = self.weights(losses, ctx)  # (R, T)
        # EW's weights are ones: Σ L is the same sum, without a multiplication forward and backward
        total = losses.sum() if type(self).weights is Weighting.weights else (w * losses).sum()
        _with_terms(total, self.penalty(), _penalty(ctx)).backward()
        return w.detach()

    # -- helpers for subclasses ----------------------------------------------------------------------
    def per_run(self, param: str, value: Any, *, per_task: bool = False, attr: str | None = None) -> torch.Tensor:
        """Register the numeric hyper-parameter `param` as a buffer (named `attr`, default `param`) with a
        leading run axis and return it: (R, 1) for a scalar, (R, T) with per_task (one value broadcast to
        every task, or one per task). Buffers follow `.to(device)`.

        `value` is one value for every run, or a list of R values, one per run (`build_weighting` passes a
        `per_run=True` parameter that differs between runs that way; single values are numbers or tuples)."""
        field = f"weighting.{param}"
        values = value if isinstance(value, list) else [value] * self.n_runs
        if len(values) != self.n_runs:
            raise ConfigError(field, value, f"one value, or a list of one value per run ({self.n_runs})")
        rows = [broadcast_per_task(tuple(v), self.n_tasks, field) if per_task else (float(v),) for v in values]
        name = attr or param
        self.register_buffer(name, torch.tensor(rows, dtype=torch.float32, device=self.device), persistent=False)
        return getattr(self, name)  # (R, T) or (R, 1)

    def randn(self, *shape: int) -> torch.Tensor:
        """(R, *shape) standard normals, each run from its own generator."""
        return torch.stack([torch.randn(*shape, generator=g) for g in self.generators]).to(self.device)


class GradientWeighting(Weighting):
    """Strategies that combine per-task gradients on the shared parameters (or representation)."""

    needs_gradients: ClassVar[bool] = True

    def __init__(self, tasks: tuple[TaskSpec, ...], seeds: list[int]):
        super().__init__(tasks, seeds)
        self.used_space: str | None = None  # where the last step took the task gradients
        self._warned_rep = False

    # -- the hook of gradient-based strategies -------------------------------------------------------
    def combine(self, grads: torch.Tensor, losses: torch.Tensor, ctx: StepContext
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-task gradients (R, T, P) and detached losses (R, T) -> (combined gradient (R, P),
        effective task weights (R, T), the coefficient of each task's gradient in the combination)."""
        raise NotImplementedError

    def gradient_space(self, ctx: StepContext) -> Literal["params", "rep"]:
        """Where the task gradients are taken. "params" (default): the shared parameters, and the combined
        gradient is applied to them. "rep": the shared representation (`shared_rep(ctx)`); `combine`'s
        weights w are then used to train every parameter on Σ w·L and its combined gradient is ignored.
        Return "rep" only when `shared_rep(ctx)` is not None."""
        return "params"

    @staticmethod
    def shared_rep(ctx: StepContext) -> torch.Tensor | None:
        """The shared representation the losses were computed from, or None when the model has none."""
        if ctx.shared_rep is not None:
            return ctx.shared_rep
        return (getattr(ctx.outputs, "extras", None) or {}).get(SHARED_REP)

    # -- the step (owned by the base) ----------------------------------------------------------------
    def backward(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        extra = _penalty(ctx)  # 0 or a scalar tensor
        self.used_space = self.gradient_space(ctx)
        if self.used_space == "rep":  # gradients w.r.t. Z, then one backward of Σ w·L
            grads = self._rep_gradients(losses, ctx)  # (R, T, B·...)
            if grads is not None:
                _, w = self.combine(grads, losses.detach(), ctx)
                w = w.detach()  # (R, T)
                _with_terms((w * losses).sum(), extra).backward()
                return w
            self.used_space = "params"
        shared = [ctx.params[n] for n in ctx.shared]
        if not shared:  # nothing shared (single-task): each task trains on its own gradient
            _with_terms(losses.sum(), extra).backward()
            return torch.ones_like(losses.detach())
        grads = task_gradients(losses, shared)  # (R, T, P)
        g, w = self.combine(grads, losses.detach(), ctx)  # (R, P), (R, T)
        if torch.is_tensor(extra):  # the non-task terms' own gradient on the shared parameters
            torch.autograd.backward(extra, inputs=shared, retain_graph=True)
        set_flat_grad(shared, g)
        names = set(ctx.shared)
        others = [p for n, p in ctx.params.items() if n not in names]
        if others:  # task-specific parameters: the plain sum (a task's loss alone reaches its own parameters)
            torch.autograd.backward(_with_terms(losses.sum(), extra), inputs=others)
        return w.detach()

    def _rep_gradients(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor | None:
        """Task gradients w.r.t. the shared representation, (R, T, B·...), or None (with a warning, once)
        when the losses do not depend on that tensor, e.g. a model exposing a copy or a slice of what it
        used: gradients w.r.t. it would be zero, so the caller falls back to the shared parameters."""
        rep = self.shared_rep(ctx)
        if rep is None:
            raise ValueError(f"{type(self).__name__}.gradient_space returned 'rep' but the model has no shared "
                             "representation (ctx.shared_rep is None)")
        try:
            return task_gradients(losses, [rep], strict=True)
        except ValueError:
            if not self._warned_rep:
                warnings.warn("the task losses do not depend on the model's shared representation "
                              "(extras['shared_rep'] is not the tensor the heads read): using the gradients "
                              "on the shared parameters instead", RuntimeWarning, stacklevel=3)
                self._warned_rep = True
            return None


def _with_terms(total: torch.Tensor, *terms: torch.Tensor | float) -> torch.Tensor:
    """total + every term that is a tensor or a non-zero number (adding a literal 0.0 is an op, and a node
    of the backward pass, on every step)."""
    for term in terms:
        if torch.is_tensor(term) or term != 0:
            total = total + term
    return total


def _penalty(ctx: StepContext) -> torch.Tensor | float:
    """ctx.penalty summed over runs, or 0."""
    return 0.0 if ctx.penalty is None else ctx.penalty.sum()
